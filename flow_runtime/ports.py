"""Ports: the protocols every side effect goes through, and the bundle the engine receives.

The service layer passes real adapters; tests pass the fakes in ``flow_runtime.testing``.
"""

from __future__ import annotations

import random as _random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol, runtime_checkable

from flow_runtime.matching import IntentIndex, IntentScore, KeywordMatcher


class PortUnavailable(RuntimeError):
    """Raised by the placeholder adapters when the app did not configure a port."""


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """What an HTTP call returned: status code, parsed JSON body (or ``None``) and raw text."""

    status: int
    json: Any = None
    text: str = ""


@runtime_checkable
class HttpClient(Protocol):
    """Performs one HTTP request; raises on network failure or timeout."""

    def request(
        self, *, method: str, url: str, headers: dict[str, str], body: Any, timeout: float
    ) -> HttpResponse: ...


@runtime_checkable
class EmailSender(Protocol):
    """Sends one e-mail; raises on failure."""

    def send(self, *, to: str, subject: str, body: str, cc: Sequence[str] = ()) -> None: ...


@dataclass(frozen=True, slots=True)
class CodeResult:
    """Outcome of a code action: new variables on success, else an error code and message."""

    ok: bool
    variables: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    message: str = ""
    stdout: str = ""


@runtime_checkable
class CodeRunner(Protocol):
    """Runs designer code that reads and writes ``variables``; never raises."""

    def run(self, *, code: str, variables: dict[str, Any], timeout: float) -> CodeResult: ...


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result."""

    title: str
    url: str = ""
    snippet: str = ""


@runtime_checkable
class Searcher(Protocol):
    """Site or knowledge search; raises on failure."""

    def search(
        self, *, query: str, source: str, site: str | None, max_results: int
    ) -> list[SearchHit]: ...


@runtime_checkable
class Clock(Protocol):
    """Tells the time (timezone-aware)."""

    def now(self) -> datetime: ...


@runtime_checkable
class RandomSource(Protocol):
    """Randomness, injectable so runs are reproducible."""

    def choice(self, items: Sequence[Any]) -> Any: ...


@runtime_checkable
class Matcher(Protocol):
    """Ranks the flow's intents for a text; the NLU issue plugs a trained model in here."""

    def match(self, text: str, index: IntentIndex, *, language: str) -> list[IntentScore]: ...


class _Unavailable:
    def __init__(self, port: str) -> None:
        self._port = port

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise PortUnavailable(f"no {self._port} adapter is configured")

    request = send = search = _fail


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class SystemRandom:
    """The standard library's random generator."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = _random.Random(seed)

    def choice(self, items: Sequence[Any]) -> Any:
        return self._rng.choice(items)


def _default_code_runner() -> CodeRunner:
    from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner

    return SubprocessCodeRunner()


@dataclass(frozen=True, slots=True)
class Ports:
    """Everything with side effects the engine may use.

    Defaults: HTTP, e-mail and search raise ``PortUnavailable`` (so those nodes take their
    error path), code runs in a sandboxed subprocess, real clock and randomness, and the
    built-in keyword matcher.
    """

    http: HttpClient = field(default_factory=lambda: _Unavailable("HTTP"))  # type: ignore[assignment]
    email: EmailSender = field(default_factory=lambda: _Unavailable("e-mail"))  # type: ignore[assignment]
    code: CodeRunner = field(default_factory=_default_code_runner)
    search: Searcher = field(default_factory=lambda: _Unavailable("search"))  # type: ignore[assignment]
    clock: Clock = field(default_factory=SystemClock)
    random: RandomSource = field(default_factory=SystemRandom)
    matcher: Matcher = field(default_factory=KeywordMatcher)
