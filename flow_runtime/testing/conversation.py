"""JSONL conversation tests: parse, run against a compiled flow, and report a readable diff.

Lines: ``{"user": text}``, ``{"user_click": button_id}``, ``{"event": {...Event...}}``,
``{"bot": expected_output}``, ``{"expect_variables": {...}}``, ``{"expect_tags": [...]}``.

A ``bot`` line matches an output of the same ``type`` whose keys equal the expected ones
(keys the line omits are ignored). ``buttons`` may be given as a list of labels and
``cards`` as a list of titles. ``typing``, ``delay`` and ``event`` outputs are skipped
unless a ``bot`` line asks for that type. Every visible output must be matched by a
``bot`` line before the next user line. ``expect_variables`` checks the listed variables
only; ``expect_tags`` checks the exact set of tags.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flow_runtime.engine import step
from flow_runtime.graph import CompiledFlow
from flow_runtime.outputs import VISIBLE_TYPES
from flow_runtime.ports import Ports
from flow_runtime.session import Event, Session, new_session

KINDS = ("user", "user_click", "event", "bot", "expect_variables", "expect_tags")


class ConversationTestError(ValueError):
    """A conversation test file is malformed."""


@dataclass(frozen=True, slots=True)
class TestLine:
    """One parsed line."""

    __test__ = False
    number: int
    kind: str
    value: Any


@dataclass(frozen=True, slots=True)
class ConversationTest:
    """A named list of lines."""

    __test__ = False
    name: str
    lines: tuple[TestLine, ...]


@dataclass(frozen=True, slots=True)
class Failure:
    """Where and how a run diverged from the test."""

    line: int
    message: str
    expected: Any = None
    actual: Any = None


@dataclass
class ConversationResult:
    """The outcome of one conversation test.

    Attributes:
        name: Test name (file stem).
        failures: Empty when the test passed.
        transcript: What happened, line by line, for the report.
        session: The final session.
    """

    name: str
    failures: list[Failure] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)
    session: Session | None = None

    @property
    def passed(self) -> bool:
        """Whether every line held."""
        return not self.failures

    def report(self) -> str:
        """A readable report: the transcript, then ``-`` expected / ``+`` actual for the failure."""
        head = f"{'PASS' if self.passed else 'FAIL'} {self.name}"
        if self.passed:
            return head
        lines = [head, *("  " + t for t in self.transcript)]
        for failure in self.failures:
            lines.append(f"  line {failure.line}: {failure.message}")
            if failure.expected is not None:
                lines.append(f"  - expected: {_show(failure.expected)}")
            if failure.actual is not None:
                lines.append(f"  + actual:   {_show(failure.actual)}")
        return "\n".join(lines)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


_VALUE_TYPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "user": (str, "a text"),
    "user_click": (str, "a button id"),
    "event": (dict, "an object"),
    "bot": (dict, "an object"),
    "expect_variables": (dict, "an object"),
    "expect_tags": (list, "a list"),
}


def parse_conversation(source: str | Path, *, name: str | None = None) -> ConversationTest:
    """Parse JSONL text (or a ``Path``) into a test.

    Raises:
        ConversationTestError: A line is not JSON or not a known kind.
    """
    if isinstance(source, Path):
        name = name or source.name.removesuffix(".jsonl").removesuffix(".test")
        source = source.read_text(encoding="utf-8")
    lines = []
    for number, raw in enumerate(source.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("//"):
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConversationTestError(f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(data, dict) or len(data) != 1 or next(iter(data)) not in KINDS:
            raise ConversationTestError(f"line {number}: expected one of {', '.join(KINDS)} as the only key")
        kind, value = next(iter(data.items()))
        expected = _VALUE_TYPES[kind]
        if not isinstance(value, expected[0]):
            raise ConversationTestError(f"line {number}: '{kind}' must be {expected[1]}")
        lines.append(TestLine(number, kind, value))
    return ConversationTest(name or "conversation", tuple(lines))


def summarize(output: dict[str, Any]) -> dict[str, Any]:
    """The short form used in reports (button labels, card titles)."""
    kind = output.get("type")
    if kind == "buttons":
        return {
            "type": kind,
            "text": output.get("text"),
            "buttons": [b.get("label") for b in output.get("buttons", [])],
        }
    if kind == "carousel":
        short = {"type": kind, "cards": [c.get("title") for c in output.get("cards", [])]}
        return {**short, "text": output["text"]} if output.get("text") else short
    return {k: v for k, v in output.items() if v is not None}


def output_matches(expected: dict[str, Any], output: dict[str, Any]) -> bool:
    """Whether an output satisfies an expected ``bot`` line."""
    for key, want in expected.items():
        have = output.get(key)
        if isinstance(want, list) and key in ("buttons", "cards") and isinstance(have, list):
            field_name = "label" if key == "buttons" else "title"
            if all(isinstance(w, str) for w in want):
                have = [item.get(field_name) for item in have]
            elif len(want) == len(have):
                if all(isinstance(w, dict) and all(h.get(k) == v for k, v in w.items()) for w, h in zip(want, have)):
                    continue
                return False
        if have != want:
            return False
    return True


def run_conversation(
    flow: CompiledFlow, test: ConversationTest, *, ports: Ports | None = None, session: Session | None = None
) -> ConversationResult:
    """Play a test against a flow.

    Args:
        flow: The compiled flow.
        test: The parsed test.
        ports: Adapters (defaults: fakes with the real sandboxed code runner).
        session: Starting session (defaults to a new one in the bot's language).

    Returns:
        The result; it stops at the first failure.
    """
    if ports is None:
        from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
        from flow_runtime.testing.fakes import fake_ports

        ports = fake_ports(code=SubprocessCodeRunner())
    result = ConversationResult(test.name)
    current = session or new_session(language=flow.document.bot.language)
    pending: list[dict[str, Any]] = []
    for line in test.lines:
        if line.kind in ("user", "user_click", "event"):
            if _unmatched(result, line.number, pending):
                break
            event = _event(line)
            label = {"user": "user", "user_click": "click", "event": "event"}[line.kind]
            result.transcript.append(f"{label}: {line.value if line.kind != 'event' else _show(line.value)}")
            outcome = step(flow, current, event, ports)
            current, pending = outcome.session, list(outcome.outputs)
        elif line.kind == "bot":
            if not _expect_output(result, line, pending):
                break
        elif line.kind == "expect_variables":
            wrong = {
                k: current.variables.get(k, "<unset>") for k, v in line.value.items() if current.variables.get(k) != v
            }
            if wrong:
                result.failures.append(Failure(line.number, "variables differ", line.value, wrong))
                break
            result.transcript.append(f"variables ok: {_show(line.value)}")
        elif line.kind == "expect_tags":
            if sorted(set(current.tags)) != sorted(set(line.value)):
                result.failures.append(Failure(line.number, "tags differ", sorted(line.value), current.tags))
                break
            result.transcript.append(f"tags ok: {_show(line.value)}")
    else:
        _unmatched(result, len(test.lines) and test.lines[-1].number + 1, pending)
    result.session = current
    return result


def _event(line: TestLine) -> Event:
    if line.kind == "user":
        return Event.message(str(line.value))
    if line.kind == "user_click":
        return Event.click(str(line.value))
    return Event.from_dict(line.value)


def _expect_output(result: ConversationResult, line: TestLine, pending: list[dict[str, Any]]) -> bool:
    want = line.value if isinstance(line.value, dict) else {"type": "text", "text": str(line.value)}
    while pending and pending[0].get("type") not in VISIBLE_TYPES and pending[0].get("type") != want.get("type"):
        pending.pop(0)
    if not pending:
        result.failures.append(Failure(line.number, "the bot said nothing more", want, None))
        return False
    got = pending.pop(0)
    if not output_matches(want, got):
        result.failures.append(Failure(line.number, "the bot said something else", want, summarize(got)))
        return False
    result.transcript.append(f"bot:  {_show(summarize(got))}")
    return True


def _unmatched(result: ConversationResult, number: int, pending: list[dict[str, Any]]) -> bool:
    extra = [summarize(o) for o in pending if o.get("type") in VISIBLE_TYPES]
    if extra:
        result.failures.append(Failure(number, f"the bot said {len(extra)} more message(s) than expected", None, extra))
        return True
    return False


def run_conversation_files(
    flow: CompiledFlow, paths: Sequence[Path], *, ports: Ports | None = None
) -> list[ConversationResult]:
    """Parse and run several JSONL files against one flow."""
    return [run_conversation(flow, parse_conversation(path), ports=ports) for path in paths]
