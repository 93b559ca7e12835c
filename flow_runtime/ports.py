"""Ports: the protocols every side effect goes through, and the bundle the engine receives.

The service layer passes real adapters; tests pass the fakes in ``flow_runtime.testing``.
"""

from __future__ import annotations

import random as _random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from flow_runtime.matching import IntentIndex, IntentScore, KeywordMatcher


class PortUnavailable(RuntimeError):
    """Raised by the placeholder adapters when the app did not configure a port."""


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """What an HTTP call returned: status code, parsed JSON body (or ``None``), raw text and headers."""

    status: int
    json: Any = None
    text: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class HttpClient(Protocol):
    """Performs one HTTP request; raises on network failure or timeout.

    ``follow_redirects=False`` returns a 3xx as is (with its ``Location`` header) instead of
    following it; ``max_bytes`` makes a longer response body raise ``ValueError``. Code actions'
    HTTP client relies on both to keep requests on allow-listed hosts and small.
    """

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
    ) -> HttpResponse: ...


@runtime_checkable
class EmailSender(Protocol):
    """Sends one e-mail; raises on failure."""

    def send(self, *, to: str, subject: str, body: str, cc: Sequence[str] = ()) -> None: ...


@dataclass(frozen=True, slots=True)
class CodeContext:
    """What code sees besides ``variables`` (all read-only for the code, except tags).

    Attributes:
        tags: The contact's tags; the code may add/remove (``flow.tag``/``flow.untag``).
        contact: Contact fields.
        constants: The flow's constants.
        params: Rendered, validated parameters of a reusable action (empty for inline code).
        outcomes: Named outcomes the node declares (besides ``ok`` and ``error``).
    """

    tags: tuple[str, ...] = ()
    contact: Mapping[str, Any] = field(default_factory=dict)
    constants: Mapping[str, Any] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    outcomes: tuple[str, ...] = ()


class HttpRefused(Exception):
    """A code action's HTTP request that the relay refused or that failed; the message is for the designer."""


@runtime_checkable
class HttpRelay(Protocol):
    """Performs the HTTP requests code asks for (``flow.http``), after its checks; see ``sandbox_http``.

    ``request`` receives ``{"method", "url", "headers", "json"}`` and returns
    ``{"status", "json", "text", "headers"}``; it raises ``HttpRefused`` for a request it refuses
    (host not allowed, too many requests) or that fails (timeout, connection refused).
    """

    def request(self, spec: Mapping[str, Any]) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class CodeResult:
    """Outcome of code: on success the new variables, messages, outcome and tags; else an error.

    Attributes:
        ok: Whether the code finished without error.
        variables: All variables after the code ran (on success).
        error: Machine code on failure: ``timeout``, ``cpu_limit``, ``memory_limit``,
            ``sandbox_violation``, ``exception``, ``not_json``, ``bad_outcome``, ``bad_message``,
            ``crashed``.
        message: Designer-readable explanation of the failure.
        stdout: What the code printed (last 2000 characters).
        messages: Messages to send, as output dicts (``text`` or ``buttons``, see ``outputs``).
        outcome: The handle to follow: ``None`` (= ``ok``), ``ok``, ``error`` or a declared outcome.
        tags: The tags after the code ran, or ``None`` when the runner does not report tags.
        http_requests: How many ``flow.http`` requests the code made.
    """

    ok: bool
    variables: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    message: str = ""
    stdout: str = ""
    messages: tuple[dict[str, Any], ...] = ()
    outcome: str | None = None
    tags: tuple[str, ...] | None = None
    http_requests: int = 0


@runtime_checkable
class CodeRunner(Protocol):
    """Runs designer code (see ``flow_runtime.codeapi`` for what the code sees); never raises.

    ``context`` and ``http`` are optional so plain ``run(code=, variables=, timeout=)`` keeps
    working; without ``http`` the code's ``flow.http`` refuses every request.
    """

    def run(
        self,
        *,
        code: str,
        variables: dict[str, Any],
        timeout: float,
        context: CodeContext | None = None,
        http: HttpRelay | None = None,
    ) -> CodeResult: ...


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """Runner-wide rules for code actions' HTTP requests (from configuration).

    Attributes:
        allowed_hosts: Hosts every code action may call, besides the node's own list
            (``api.example.com``, ``api.example.com:8443``, ``*.example.com``).
        allow_private: Whether hosts resolving to private, loopback or link-local addresses
            are allowed. An IP literal listed explicitly (``127.0.0.1:8080``) is always allowed.
        max_requests: Requests one run may make.
        max_response_bytes: Largest response body accepted.
        request_timeout: Seconds per request.
    """

    allowed_hosts: tuple[str, ...] = ()
    allow_private: bool = False
    max_requests: int = 10
    max_response_bytes: int = 1_000_000
    request_timeout: float = 10.0


@runtime_checkable
class Secrets(Protocol):
    """Workspace secrets by name (``{{secret.NAME}}`` in HTTP headers and URLs); ``None`` when undefined.

    Values are substituted only into the outgoing request: never into variables, outputs,
    events or error messages.
    """

    def get(self, name: str) -> str | None: ...


@dataclass(frozen=True, slots=True)
class ActionParameter:
    """One parameter of a reusable action.

    Attributes:
        name: Identifier the code reads as ``flow.params[name]``.
        type: ``text``, ``number``, ``boolean`` or ``json`` (any JSON value).
        required: Whether the node must give a value (a missing one with a default is fine).
        default: Used when the node gives none.
        label: Optional human label for the designer's form.
    """

    name: str
    type: str = "text"
    required: bool = False
    default: Any = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class ActionDefinition:
    """A reusable code action defined once per workspace, dropped onto canvases as ``action`` nodes.

    Attributes:
        key: Stable slug the ``action`` node refers to.
        name: Display name.
        flavour: ``python`` (``code`` runs in the sandbox) or ``rasa`` (``rasa_action`` on ``server_url``).
        code: Python source (flavour ``python``); reads ``flow.params``.
        server_url: Rasa SDK action server base URL (flavour ``rasa``), e.g. ``http://actions:5055``.
        rasa_action: The Rasa action's name (flavour ``rasa``).
        parameters: The parameters nodes fill in.
        outcomes: Named outcomes besides ``ok``/``error`` (python flavour).
        allowed_hosts: Hosts the code may call through ``flow.http``.
        timeout: Seconds the code or the server call may take.
        description: Optional help text for designers.
    """

    key: str
    name: str = ""
    flavour: str = "python"
    code: str = ""
    server_url: str = ""
    rasa_action: str = ""
    parameters: tuple[ActionParameter, ...] = ()
    outcomes: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    timeout: float = 5.0
    description: str = ""


@runtime_checkable
class ActionCatalog(Protocol):
    """The workspace's reusable actions by key; ``None`` for an unknown key."""

    def get(self, key: str) -> ActionDefinition | None: ...


class ActionServerError(Exception):
    """A Rasa action server call failed; the message is for the designer (no secrets, no bodies)."""


@runtime_checkable
class ActionServer(Protocol):
    """Calls a Rasa SDK action server's webhook.

    ``call`` POSTs ``payload`` (the Rasa action-server request: ``next_action``, ``sender_id``,
    ``tracker``, ``domain``, ``version``) to ``<server_url>/webhook`` and returns the response
    body (``{"events": [...], "responses": [...]}``); raises ``ActionServerError`` otherwise.
    """

    def call(self, *, server_url: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result."""

    title: str
    url: str = ""
    snippet: str = ""


@runtime_checkable
class Searcher(Protocol):
    """Site or knowledge search; raises on failure."""

    def search(self, *, query: str, source: str, site: str | None, max_results: int) -> list[SearchHit]: ...


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

    request = send = search = call = _fail


class NoSecrets:
    """No secrets defined (the default): every ``{{secret.NAME}}`` is an error on the node."""

    def get(self, name: str) -> str | None:
        return None


class NoActions:
    """No reusable actions (the default catalog)."""

    def get(self, key: str) -> ActionDefinition | None:
        return None


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


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
    error path), code runs in a sandboxed subprocess, real clock and randomness, the
    built-in keyword matcher, no secrets, no reusable actions, Rasa action servers called
    through ``http`` (``action_server=None``) and the default ``NetworkPolicy`` for code.
    """

    http: HttpClient = field(default_factory=lambda: _Unavailable("HTTP"))  # type: ignore[assignment]
    email: EmailSender = field(default_factory=lambda: _Unavailable("e-mail"))  # type: ignore[assignment]
    code: CodeRunner = field(default_factory=_default_code_runner)
    search: Searcher = field(default_factory=lambda: _Unavailable("search"))  # type: ignore[assignment]
    clock: Clock = field(default_factory=SystemClock)
    random: RandomSource = field(default_factory=SystemRandom)
    matcher: Matcher = field(default_factory=KeywordMatcher)
    secrets: Secrets = field(default_factory=NoSecrets)
    actions: ActionCatalog = field(default_factory=NoActions)
    action_server: ActionServer | None = None
    network: NetworkPolicy = NetworkPolicy()

    def rasa(self) -> ActionServer:
        """The Rasa action-server client: ``action_server``, else the webhook protocol over ``http``."""
        if self.action_server is not None:
            return self.action_server
        from flow_runtime.adapters.rasa_webhook import RasaWebhookClient

        return RasaWebhookClient(self.http)
