"""Deterministic fakes for the ports, for tests, the emulator and benchmarks."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from flow_runtime.matching import KeywordMatcher
from flow_runtime.ports import CodeResult, HttpResponse, Ports, SearchHit

DEFAULT_NOW = datetime(2024, 6, 3, 15, 0, tzinfo=timezone.utc)
"""A Monday, 12:00 in São Paulo."""


@dataclass
class FakeClock:
    """A clock that only moves when told to."""

    current: datetime = DEFAULT_NOW

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        """Move forward by ``timedelta(**delta)``."""
        self.current += timedelta(**delta)


class FakeRandom:
    """Always picks the item at ``index`` (default the first)."""

    def __init__(self, index: int = 0) -> None:
        self.index = index

    def choice(self, items: Sequence[Any]) -> Any:
        return items[self.index % len(items)]


@dataclass
class FakeHttp:
    """Answers from a table keyed by ``"METHOD url"`` (or just the url); records every call.

    A value may be an ``HttpResponse``, a JSON-able body (status 200) or an exception to raise.
    """

    routes: dict[str, Any] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def request(self, *, method: str, url: str, headers: dict[str, str], body: Any, timeout: float) -> HttpResponse:
        self.calls.append({"method": method, "url": url, "headers": headers, "body": body})
        answer = self.routes.get(f"{method} {url}", self.routes.get(url))
        if answer is None:
            return HttpResponse(404, None, "not found")
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, HttpResponse):
            return answer
        return HttpResponse(200, answer, json.dumps(answer))


@dataclass
class FakeEmail:
    """Collects sent e-mails in ``outbox``; raises when ``fail`` is set."""

    outbox: list[dict[str, Any]] = field(default_factory=list)
    fail: bool = False

    def send(self, *, to: str, subject: str, body: str, cc: Sequence[str] = ()) -> None:
        if self.fail:
            raise ConnectionError("smtp unavailable")
        self.outbox.append({"to": to, "subject": subject, "body": body, "cc": list(cc)})


@dataclass
class FakeSearch:
    """Returns ``hits`` for every query (or raises ``error``); records queries."""

    hits: list[SearchHit] = field(default_factory=list)
    error: BaseException | None = None
    queries: list[str] = field(default_factory=list)

    def search(self, *, query: str, source: str, site: str | None, max_results: int) -> list[SearchHit]:
        self.queries.append(query)
        if self.error:
            raise self.error
        return self.hits[:max_results]


@dataclass
class FakeCodeRunner:
    """Returns a canned result, or applies ``func(variables) -> variables``."""

    func: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    result: CodeResult | None = None
    calls: list[str] = field(default_factory=list)

    def run(self, *, code: str, variables: dict[str, Any], timeout: float) -> CodeResult:
        self.calls.append(code)
        if self.result is not None:
            return self.result
        return CodeResult(True, variables=(self.func or (lambda v: v))(dict(variables)))


class InProcessCodeRunner:
    """Runs the code with ``exec`` in this process: fast, NOT sandboxed. Tests and benchmarks only."""

    def run(self, *, code: str, variables: dict[str, Any], timeout: float) -> CodeResult:
        scope = {"variables": json.loads(json.dumps(variables))}
        try:
            exec(compile(code, "<code node>", "exec"), scope)  # noqa: S102 - trusted test input
        except Exception as exc:  # reported like the sandbox does
            return CodeResult(False, error="exception", message=f"{type(exc).__name__}: {exc}")
        return CodeResult(True, variables=scope["variables"])


def fake_ports(**overrides: Any) -> Ports:
    """Ports made of fakes (in-process code, fixed clock, first-item random, keyword matcher).

    Args:
        **overrides: Replace any port by name, e.g. ``http=FakeHttp({...})``.
    """
    base = Ports(
        http=FakeHttp(), email=FakeEmail(), code=InProcessCodeRunner(), search=FakeSearch(),
        clock=FakeClock(), random=FakeRandom(), matcher=KeywordMatcher(),
    )
    return replace(base, **overrides)
