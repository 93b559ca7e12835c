"""A line-oriented chat with a flow (the logic behind ``flowstudio chat``), and text rendering of outputs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flow_runtime.engine import step
from flow_runtime.graph import CompiledFlow
from flow_runtime.ports import Ports
from flow_runtime.problems import Problem
from flow_runtime.session import Event, Session, new_session

HELP = "Commands: /click <button id>, /vars, /reset, /help, /quit"


def render_output(output: dict[str, Any]) -> list[str]:
    """Lines a terminal shows for one output."""
    kind = output.get("type")
    if kind == "text":
        return [f"bot: {output['text']}"]
    if kind == "buttons":
        return [f"bot: {output['text']}", *(f"     [{b['id']}] {b['label']}" for b in output["buttons"])]
    if kind == "carousel":
        lines = [f"bot: {output['text']}"] if output.get("text") else []
        for card in output["cards"]:
            subtitle = f" - {card['subtitle']}" if card.get("subtitle") else ""
            lines.append(f"bot: * {card['title']}{subtitle}")
            lines.extend(f"       [{b['id']}] {b['label']}" for b in card.get("buttons", []))
        return lines
    if kind == "media":
        caption = f" {output['caption']}" if output.get("caption") else ""
        return [f"bot: <{output['media_type']}: {output['url']}>{caption}"]
    if kind == "template":
        parameters = ", ".join(str(p) for p in output.get("parameters") or [])
        return [f"bot: <template {output['name']} ({output.get('language', '')}): {parameters}>"]
    if kind == "handoff":
        target = next((f"{k} {v}" for k, v in output.items() if k != "type"), "")
        return [f"--- handed off to {target}"]
    if kind in ("typing", "delay"):
        return [f"... ({kind} {output['seconds']:g}s)"]
    if kind == "event":
        extra = f": {output['message']}" if output.get("message") else ""
        return [f"--- event {output['name']}{extra}"]
    return [f"bot: {json.dumps(output, ensure_ascii=False)}"]


def format_problems(problems: list[Problem]) -> str:
    """One line per problem, then a count."""
    lines = [str(p) for p in problems]
    errors = sum(p.severity == "error" for p in problems)
    lines.append(f"{errors} error(s), {len(problems) - errors} warning(s)")
    return "\n".join(lines)


@dataclass
class ChatReply:
    """What to print for one input line, and whether the chat is over."""

    lines: list[str]
    done: bool = False


@dataclass
class TerminalChat:
    """Chat state for a terminal session. The first line typed starts the conversation."""

    flow: CompiledFlow
    ports: Ports
    session: Session = field(default_factory=new_session)

    def handle(self, line: str) -> ChatReply:
        """Process one input line (a message or a command)."""
        text = line.strip()
        if text in ("/quit", "/exit"):
            return ChatReply(["bye"], done=True)
        if text == "/help":
            return ChatReply([HELP])
        if text == "/vars":
            return ChatReply(
                [
                    json.dumps(
                        {"variables": self.session.variables, "tags": self.session.tags}, ensure_ascii=False, indent=2
                    )
                ]
            )
        if text == "/reset":
            self.session = new_session(language=self.flow.document.bot.language)
            return ChatReply(["(new conversation)"])
        if text.startswith("/click"):
            button = text[len("/click") :].strip()
            if not button:
                return ChatReply(["usage: /click <button id>"])
            event = Event.click(button)
        elif text.startswith("/"):
            return ChatReply([f"unknown command. {HELP}"])
        else:
            event = Event.message(line)
        result = step(self.flow, self.session, event, self.ports)
        self.session = result.session
        lines = [ln for output in result.outputs for ln in render_output(output)]
        if result.session.owner_kind != "bot":
            lines.append("(the bot no longer owns this conversation; /reset to start again)")
        return ChatReply(lines)
