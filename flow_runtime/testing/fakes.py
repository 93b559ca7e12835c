"""Deterministic fakes for the ports, for tests, the emulator and benchmarks."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from flow_runtime import codeapi
from flow_runtime.matching import KeywordMatcher
from flow_runtime.ports import (
    ActionDefinition,
    ActionServerError,
    CodeContext,
    CodeResult,
    HttpRefused,
    HttpRelay,
    HttpResponse,
    Ports,
    SearchHit,
)

DEFAULT_NOW = datetime(2024, 6, 3, 15, 0, tzinfo=UTC)
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

    def request(
        self,
        *,
        method: str,
        url: str,
        headers: dict[str, str],
        body: Any,
        timeout: float,
        follow_redirects: bool = True,
        max_bytes: int | None = None,
    ) -> HttpResponse:
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
    """Returns a canned result, or applies ``func(variables) -> variables``; records the code and context."""

    func: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    result: CodeResult | None = None
    calls: list[str] = field(default_factory=list)
    contexts: list[CodeContext | None] = field(default_factory=list)

    def run(
        self,
        *,
        code: str,
        variables: dict[str, Any],
        timeout: float,
        context: CodeContext | None = None,
        http: HttpRelay | None = None,
    ) -> CodeResult:
        self.calls.append(code)
        self.contexts.append(context)
        if self.result is not None:
            return self.result
        return CodeResult(True, variables=(self.func or (lambda v: v))(dict(variables)))


class InProcessCodeRunner:
    """Runs the code with ``exec`` in this process with the real ``flow`` API: fast, NOT sandboxed.

    Tests, the emulator's fakes and benchmarks only. ``flow.http`` goes straight to ``http``.
    """

    def run(
        self,
        *,
        code: str,
        variables: dict[str, Any],
        timeout: float,
        context: CodeContext | None = None,
        http: HttpRelay | None = None,
    ) -> CodeResult:
        context = context or CodeContext()
        calls = 0

        def transport(spec: dict[str, Any]) -> dict[str, Any]:
            nonlocal calls
            if http is None:
                raise codeapi.HttpError("HTTP is not available here")
            calls += 1
            try:
                return http.request(spec)
            except HttpRefused as exc:
                raise codeapi.HttpError(str(exc)) from None

        flow = codeapi.Flow(
            variables=json.loads(json.dumps(variables)),
            tags=context.tags,
            contact=context.contact,
            constants=context.constants,
            params=context.params,
            transport=transport,
        )
        try:
            result = codeapi.execute(codeapi.compile_code(code), flow)
        except codeapi.NotJsonError as exc:
            return CodeResult(False, error="not_json", message=str(exc), http_requests=calls)
        except Exception as exc:  # reported like the sandbox does
            return CodeResult(False, error="exception", message=f"{type(exc).__name__}: {exc}", http_requests=calls)
        return CodeResult(
            True,
            variables=result["variables"],
            messages=tuple(result["messages"]),
            outcome=result["outcome"],
            tags=tuple(result["tags"]),
            http_requests=calls,
        )


@dataclass
class FakeSecrets:
    """Secrets from a dict; records the names asked for."""

    values: dict[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        self.asked.append(name)
        return self.values.get(name)


@dataclass
class FakeActionCatalog:
    """Reusable actions from a dict keyed by ``ActionDefinition.key``."""

    definitions: dict[str, ActionDefinition] = field(default_factory=dict)

    @classmethod
    def of(cls, *definitions: ActionDefinition) -> FakeActionCatalog:
        """A catalog holding ``definitions``."""
        return cls({d.key: d for d in definitions})

    def get(self, key: str) -> ActionDefinition | None:
        return self.definitions.get(key)


@dataclass
class FakeActionServer:
    """A Rasa action server stand-in: ``respond(payload) -> body`` (or a canned ``body``/``error``); records payloads."""

    body: dict[str, Any] = field(default_factory=lambda: {"events": [], "responses": []})
    respond: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    error: str | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)

    def call(self, *, server_url: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        self.calls.append({"server_url": server_url, "payload": payload, "timeout": timeout})
        if self.error is not None:
            raise ActionServerError(self.error)
        return self.respond(payload) if self.respond else self.body


def fake_ports(**overrides: Any) -> Ports:
    """Ports made of fakes (in-process code, fixed clock, first-item random, keyword matcher, no secrets or actions).

    Args:
        **overrides: Replace any port by name, e.g. ``http=FakeHttp({...})``.
    """
    base = Ports(
        http=FakeHttp(),
        email=FakeEmail(),
        code=InProcessCodeRunner(),
        search=FakeSearch(),
        clock=FakeClock(),
        random=FakeRandom(),
        matcher=KeywordMatcher(),
        secrets=FakeSecrets(),
        actions=FakeActionCatalog(),
    )
    return replace(base, **overrides)
