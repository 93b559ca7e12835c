"""Flow commands for the ``flowstudio`` CLI: validate, chat and test. Logic lives in ``flow_runtime``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

FlowPath = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Flow document (JSON).")]


def _load_or_exit(path: Path):
    # lazy (here and below): the CLI starts fast and loads only what the command needs; `serve` never loads the
    # engine into the process that waits on the app for as long as it runs
    from flow_runtime.chat import format_problems
    from flow_runtime.validate import validate_flow

    flow, problems = validate_flow(path)
    if flow is None:
        typer.echo(format_problems(problems), err=True)
        raise typer.Exit(1)
    return flow, problems


def validate(flow_path: FlowPath) -> None:
    """Print the flow's problems; exit 1 when any is an error."""
    from flow_runtime.chat import format_problems
    from flow_runtime.validate import validate_flow

    flow, problems = validate_flow(flow_path)
    typer.echo(format_problems(problems) if problems else "no problems found")
    if flow is None or any(p.severity == "error" for p in problems):
        raise typer.Exit(1)


def chat(flow_path: FlowPath, matcher: MatcherOption = "nlu") -> None:
    """Chat with a flow in the terminal (/click <button id>, /vars, /quit)."""
    from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
    from flow_runtime.adapters.http_urllib import UrllibHttpClient
    from flow_runtime.chat import HELP, TerminalChat
    from flow_runtime.ports import SystemClock, SystemRandom
    from flow_runtime.testing import fake_ports

    flow, _ = _load_or_exit(flow_path)
    ports = fake_ports(
        code=SubprocessCodeRunner(),
        http=UrllibHttpClient(),
        clock=SystemClock(),
        random=SystemRandom(),
        matcher=_matcher(matcher),
    )
    session = TerminalChat(flow, ports)
    typer.echo(f"Chatting with {flow.document.bot.name}. {HELP}")
    while True:
        try:
            line = input("you: ")
        except EOFError:
            break
        reply = session.handle(line)
        for out in reply.lines:
            typer.echo(out)
        if reply.done:
            break


MatcherOption = Annotated[
    str,
    typer.Option(
        "--matcher",
        help="How user text is understood: 'nlu' (the trained classifier, as in production) or "
        "'keyword' (trigger phrases only).",
        case_sensitive=False,
    ),
]


def _matcher(kind: str):
    if kind.lower() == "keyword":
        from flow_runtime.matching import KeywordMatcher

        return KeywordMatcher()
    if kind.lower() != "nlu":
        raise typer.BadParameter("use 'nlu' or 'keyword'", param_hint="--matcher")
    from flow_runtime.nlu.matcher import NluMatcher

    return NluMatcher()


def test(
    flow_path: FlowPath,
    tests: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="Conversation tests (JSONL).")],
    matcher: MatcherOption = "nlu",
) -> None:
    """Run JSONL conversation tests against a flow; exit 1 on any failure."""
    from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
    from flow_runtime.testing import ConversationTestError, fake_ports, parse_conversation, run_conversation

    flow, _ = _load_or_exit(flow_path)
    ports = fake_ports(code=SubprocessCodeRunner(), matcher=_matcher(matcher))
    failed = 0
    for path in tests:
        try:
            result = run_conversation(flow, parse_conversation(path), ports=ports)
        except ConversationTestError as exc:
            typer.echo(f"ERROR {path.name}: {exc}")
            failed += 1
            continue
        typer.echo(result.report())
        failed += not result.passed
    typer.echo(f"{len(tests) - failed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``validate``, ``chat`` and ``test`` commands to ``app``."""
    app.command("validate")(validate)
    app.command("chat")(chat)
    app.command("test")(test)
