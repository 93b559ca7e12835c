"""The chat emulator: talks to the draft through the same engine the channels use, shows what a customer
would see, variables and tags live, the path on the canvas, and saves the conversation as a test."""

from __future__ import annotations

import copy
import json
from typing import Any

import reflex as rx

from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
from flow_runtime.adapters.http_urllib import UrllibHttpClient
from flow_runtime.engine import step
from flow_runtime.outputs import VISIBLE_TYPES, template_text
from flow_runtime.ports import SystemClock, SystemRandom
from flow_runtime.session import Event, Session, new_session
from flow_runtime.testing import fake_ports
from flow_runtime.testing.conversation import summarize
from flow_runtime.validate import validate_flow
from flowstudio.components.layout import t
from flowstudio.db import session_scope
from flowstudio.errors import error_text
from flowstudio.i18n import translate
from flowstudio.pages.editor.state import EditorState
from flowstudio.services.conversations.mail_port import PreviewMail
from flowstudio.services.conversations.runtime import network_policy
from flowstudio.services.identity import permissions as can
from flowstudio.services.integrations.secrets import WorkspaceSecrets
from flowstudio.services.studio import drafts
from flowstudio.services.studio.action_catalog import WorkspaceActions
from flowstudio.services.studio.nlu import matcher_for
from flowstudio.state.guard import requires


def _ports(document: dict[str, Any], workspace_id: int | None = None, mails: PreviewMail | None = None):
    """What the emulator runs with: real code sandbox, HTTP, clock and NLU, and the workspace's secrets and
    reusable actions (so a code action is tried here exactly as a customer would meet it). E-mails are checked
    as in production and kept in `mails` to be shown, never sent (a designer's tries would mail real people)."""
    workspace = (
        {"secrets": WorkspaceSecrets(workspace_id), "actions": WorkspaceActions(workspace_id)} if workspace_id else {}
    )
    return fake_ports(
        code=SubprocessCodeRunner(),
        http=UrllibHttpClient(),
        clock=SystemClock(),
        random=SystemRandom(),
        matcher=matcher_for(document),
        network=network_policy(),
        email=mails or PreviewMail(),
        **workspace,
    )


def _error_text(event: dict[str, Any], lang: str) -> str:
    """An engine error event as the emulator shows it: the runner's code in the UI language when it has one
    (e.g. the sandbox that cannot be set up on this server), then the technical detail."""
    key = f"developers.run_error.{event.get('error')}"
    lead = translate(key, lang) if event.get("error") else ""
    detail = f"{event.get('name')}: {event.get('message', '')}"
    return f"{lead}\n{detail}" if lead and lead != key else detail


def _bubble(output: dict[str, Any], lang: str) -> dict[str, Any]:
    """An engine output as the emulator draws it (every key present, for typed rendering), its own notes in
    the UI language `lang`."""
    kind = output.get("type", "text")
    bubble = {"role": "bot", "kind": kind, "text": "", "buttons": [], "cards": []}
    if kind in {"text", "buttons", "carousel"}:
        bubble["text"] = output.get("text") or ""
        bubble["buttons"] = [{"id": b["id"], "label": b["label"]} for b in output.get("buttons", [])]
        bubble["cards"] = [
            {
                "title": c.get("title", ""),
                "subtitle": c.get("subtitle") or "",
                "image": c.get("image") or "",
                "buttons": [{"id": b["id"], "label": b["label"]} for b in c.get("buttons", [])],
            }
            for c in output.get("cards", [])
        ]
    elif kind == "media":
        bubble["text"] = f"📎 {output.get('media_type', '')}: {output.get('url', '')}"
    elif kind == "template":
        shown = template_text(output)
        bubble["text"] = f"📨 {output.get('name', '')}: {shown}" if output.get("fallback_text") else f"📨 {shown}"
    elif kind == "handoff":
        kind, name = next(((k, v) for k, v in output.items() if k in ("queue", "agent", "bot")), ("queue", ""))
        bubble.update(role="system", text="→ " + translate(f"emulator.handoff_{kind}", lang, name=name))
    return bubble


class EmulatorState(EditorState):
    """A conversation with the draft."""

    messages: list[dict[str, Any]] = []
    live_variables: list[dict[str, str]] = []
    live_tags: list[str] = []
    test_name: str = ""
    _session: dict[str, Any] = {}
    _transcript: list[dict[str, Any]] = []

    async def _run(self, event: Event, user_line: dict[str, Any], shown: str) -> None:
        editor = await self.get_state(EditorState)
        workspace_id = editor._workspace_id or None
        flow, problems = validate_flow(editor._doc, actions=WorkspaceActions(workspace_id) if workspace_id else None)
        self.messages = [*self.messages, {"role": "user", "kind": "text", "text": shown, "buttons": [], "cards": []}]
        if flow is None:
            self.messages = [
                *self.messages,
                {"role": "system", "kind": "error", "text": problems[0].message, "buttons": [], "cards": []},
            ]
            return
        session = (
            Session.from_dict(copy.deepcopy(self._session))
            if self._session
            else new_session(id="emulator", language=editor.bot_language, channel="emulator")
        )
        document = copy.deepcopy(editor._doc)
        mails = PreviewMail()
        result = await rx.run_in_thread(lambda: step(flow, session, event, _ports(document, workspace_id, mails)))
        bubbles = [_bubble(o, editor._lang) for o in result.outputs if o.get("type") in VISIBLE_TYPES]
        bubbles += [
            {
                "role": "system",
                "kind": "email",
                "buttons": [],
                "cards": [],
                "text": "✉ " + translate("emulator.email_preview", editor._lang, to=", ".join(m.to), subject=m.subject),
            }
            for m in mails.sent
        ]
        errors = [
            {"role": "system", "kind": "error", "text": _error_text(o, editor._lang), "buttons": [], "cards": []}
            for o in result.outputs
            if o.get("type") == "event"
            and str(o.get("name", "")).endswith(("crashed", "step_limit", "failed", "error", "missing"))
        ]
        self.messages = [*self.messages, *bubbles, *errors]
        self._session = result.session.to_dict()
        self._transcript = [
            *self._transcript,
            user_line,
            *({"bot": summarize(o)} for o in result.outputs if o.get("type") in VISIBLE_TYPES),
        ]
        self.live_variables = [
            {"name": k, "value": v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}
            for k, v in sorted(result.session.variables.items())
        ]
        self.live_tags = list(result.session.tags)
        editor.highlight = list(result.trace)

    @rx.event
    @requires(can.FLOWS_TEST)
    async def send(self, form_data: dict[str, Any]):
        """The designer typed a message."""
        text = str(form_data.get("message", "")).strip()
        if text:
            await self._run(Event.message(text), {"user": text}, text)
        return rx.set_value("emulator-input", "")

    @rx.event
    @requires(can.FLOWS_TEST)
    async def click(self, button_id: str, label: str):
        """The designer pressed a button or a card button."""
        await self._run(Event.click(button_id), {"user_click": button_id}, label)

    @rx.event
    @requires(can.FLOWS_TEST)
    async def restart(self):
        """Start a new conversation."""
        self.messages, self.live_variables, self.live_tags = [], [], []
        self._session, self._transcript = {}, []
        editor = await self.get_state(EditorState)
        editor.highlight = []

    @rx.event
    def set_test_name(self, value: str):
        """Name for the test to save."""
        self.test_name = value

    @rx.event
    @requires(can.FLOWS_TEST)
    async def save_as_test(self):
        """Store this conversation (and its final variables and tags) as a conversation test."""
        if not self._transcript:
            return rx.toast.error(self._t("emulator.nothing_to_save"))
        editor = await self.get_state(EditorState)
        variables = json.loads(json.dumps(copy.deepcopy(self._session).get("variables", {}), default=str))
        lines = [
            *copy.deepcopy(self._transcript),
            {"expect_variables": variables},
            {"expect_tags": list(self.live_tags)},
        ]
        content = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
        name = self.test_name.strip() or f"{self._t('emulator.test')} {len(self._transcript)}"
        try:
            with session_scope() as session:
                drafts.save_test(session=session, bot_id=editor.bot_id, name=name, content=content)
        except ValueError as error:
            return rx.toast.error(error_text(error, editor._lang))
        self.test_name = ""
        return rx.toast.success(self._t("emulator.test_saved") + f": {name}")


def _buttons(items: rx.Var, *, full: bool = False) -> rx.Component:
    return rx.flex(
        rx.foreach(
            items,
            lambda b: rx.button(
                b["label"],
                size="1",
                variant="outline",
                on_click=EmulatorState.click(b["id"], b["label"]),
                width="100%" if full else "auto",
                data_testid="emulator-button",
            ),
        ),
        wrap="wrap",
        gap="1",
        width="100%",
    )


def _message(message: rx.Var) -> rx.Component:
    role = message["role"].to(str)
    body = rx.vstack(
        rx.cond(message["text"].to(str) != "", rx.text(message["text"].to(str), size="2", white_space="pre-wrap")),
        _buttons(message["buttons"].to(list[dict[str, str]])),
        rx.cond(
            message["cards"].to(list).length() > 0,
            rx.hstack(
                rx.foreach(
                    message["cards"].to(list[dict[str, Any]]),
                    lambda card: rx.card(
                        rx.vstack(
                            rx.text(card["title"].to(str), weight="bold", size="2"),
                            rx.text(card["subtitle"].to(str), size="1", color_scheme="gray"),
                            _buttons(card["buttons"].to(list[dict[str, str]]), full=True),
                            spacing="1",
                        ),
                        size="1",
                        min_width="140px",
                    ),
                ),
                overflow_x="auto",
                width="100%",
            ),
        ),
        spacing="1",
        align="start",
    )
    return rx.box(
        body,
        align_self=rx.match(role, ("user", "flex-end"), ("system", "center"), "flex-start"),
        background=rx.match(
            role, ("user", rx.color("accent", 4)), ("system", rx.color("amber", 3)), rx.color("gray", 3)
        ),
        padding="6px 10px",
        border_radius="10px",
        max_width="92%",
        data_testid=rx.match(role, ("user", "emulator-user"), ("system", "emulator-system"), "emulator-bot"),
    )


def emulator_panel() -> rx.Component:
    """Chat with the draft."""
    return rx.vstack(
        rx.hstack(
            rx.text(t("editor.emulator_hint"), size="1", color_scheme="gray"),
            rx.spacer(),
            rx.button(
                rx.icon("rotate-ccw", size=12),
                t("emulator.restart"),
                size="1",
                variant="soft",
                on_click=EmulatorState.restart,
                data_testid="emulator-restart",
            ),
            width="100%",
        ),
        # column-reverse keeps the view pinned to the newest message while the designer has not scrolled up
        rx.box(
            rx.vstack(rx.foreach(EmulatorState.messages, _message), spacing="2", width="100%"),
            display="flex",
            flex_direction="column-reverse",
            width="100%",
            min_height="240px",
            max_height="46vh",
            overflow_y="auto",
            padding="8px",
            border=f"1px solid {rx.color('gray', 5)}",
            border_radius="8px",
            background="white",
            data_testid="emulator-messages",
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    name="message",
                    id="emulator-input",
                    placeholder=t("emulator.placeholder"),
                    flex="1",
                    data_testid="emulator-input",
                    auto_complete="off",
                ),
                rx.icon_button(rx.icon("send", size=14), type="submit", data_testid="emulator-send"),
                width="100%",
            ),
            on_submit=EmulatorState.send,
            width="100%",
        ),
        rx.hstack(
            rx.vstack(
                rx.text(t("emulator.variables"), size="1", weight="bold"),
                rx.foreach(
                    EmulatorState.live_variables,
                    lambda v: rx.text(rx.code(v["name"]), " = ", v["value"], size="1", data_testid="emulator-variable"),
                ),
                spacing="1",
                flex="1",
            ),
            rx.vstack(
                rx.text(t("emulator.tags"), size="1", weight="bold"),
                rx.flex(rx.foreach(EmulatorState.live_tags, lambda tag: rx.badge(tag, size="1")), wrap="wrap", gap="1"),
                spacing="1",
                flex="1",
            ),
            width="100%",
            align="start",
        ),
        rx.hstack(
            rx.input(
                placeholder=t("emulator.test_name"),
                value=EmulatorState.test_name,
                on_change=EmulatorState.set_test_name,
                size="1",
                flex="1",
                data_testid="test-name",
            ),
            rx.button(
                rx.icon("flask-conical", size=12),
                t("emulator.save_as_test"),
                size="1",
                on_click=EmulatorState.save_as_test,
                data_testid="save-as-test",
            ),
            width="100%",
        ),
        spacing="3",
        width="100%",
    )
