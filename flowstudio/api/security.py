"""HTTP hardening for everything the app serves on its port: security headers, same-origin checks (CSRF and
cross-site websockets).

`SecurityMiddleware` wraps the FastAPI app that `rx.App(api_transformer=...)` mounts Reflex inside, so in
production (one port) it sees the pages, the static bundle, the `/_event` websocket, `/_upload` and `/api`.

Headers (set unless a route set its own):
- `Content-Security-Policy`: pages get a policy Reflex can live with (its runtime evaluates server-sent
  scripts, `rx.call_script`, and Radix/Emotion inject styles, hence `'unsafe-eval'`/`'unsafe-inline'`);
  everything else `default-src 'none'`. `frame-ancestors 'none'` except the webchat widget and its demo page
  (`/webchat/...`), which other sites embed.
- `X-Frame-Options: DENY` (same exceptions), `X-Content-Type-Options: nosniff`, `Referrer-Policy:
  strict-origin-when-cross-origin`, `Permissions-Policy` (no camera, microphone, geolocation...),
  `Cross-Origin-Opener-Policy: same-origin` on pages, and `Strict-Transport-Security` in production.

Same origin: a state-changing request (POST, PUT, PATCH, DELETE) that a browser could send with the login
cookie, and every `/_event` websocket upgrade, must come from this site: its `Origin` (or, without one, its
`Referer`) must name the host the request was sent to (`Host`, or `X-Forwarded-Host` behind trusted
proxies). Bearer-token API routes (`/api/v1/...`, no ambient credentials), signed channel webhooks and the
OpenID Connect callback (its `state` parameter protects it) are exempt. Requests without either header are
not from a browser page and pass.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flowstudio.settings import Environment, get_settings

PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; media-src 'self' blob: https:; "
    "font-src 'self' data:; connect-src 'self' ws: wss:; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "object-src 'none'; frame-ancestors 'none'"
)
EMBED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
HSTS = "max-age=31536000; includeSubDomains"

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_EXEMPT = ("/api/v1/", "/webhooks/", "/api/auth/oidc/")
EMBEDDABLE = ("/webchat/",)
EVENT_PATH = "/_event"
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})  # Reflex's default api_url says localhost


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _hostname(value: str) -> str:
    """`host[:port]` or a URL -> the lower-case host name, without the port."""
    if "//" not in value:
        value = "//" + value
    try:
        return (urlsplit(value).hostname or "").lower()
    except ValueError:
        return ""


def same_origin(headers: dict[str, str], *, trusted_proxy_hops: int | None = None) -> bool:
    """Whether a browser request comes from a page of this site (no `Origin`/`Referer`: not a page, True)."""
    source = headers.get("origin") or headers.get("referer") or ""
    if not source:
        return True
    if source == "null":
        return False
    hosts = {_hostname(headers.get("host", ""))}
    hops = get_settings().trusted_proxy_hops if trusted_proxy_hops is None else trusted_proxy_hops
    if hops > 0 and headers.get("x-forwarded-host"):
        hosts.add(_hostname(headers["x-forwarded-host"].split(",")[-1].strip()))
    hosts.discard("")
    origin = _hostname(source)
    return origin in hosts or (origin in LOOPBACK and bool(hosts & LOOPBACK))


def csp_for(path: str) -> str:
    """The Content-Security-Policy of a path."""
    if path.startswith("/api/docs") or path == "/api/openapi.json":
        return DOCS_CSP
    if path.startswith(EMBEDDABLE):
        return EMBED_CSP
    if path.startswith(("/api/", "/webhooks/")):
        return API_CSP
    return PAGE_CSP


def security_headers(path: str, *, production: bool) -> list[tuple[bytes, bytes]]:
    """The headers every response of `path` carries."""
    headers = {
        "content-security-policy": csp_for(path),
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "permissions-policy": PERMISSIONS_POLICY,
    }
    if not path.startswith(EMBEDDABLE):
        headers["x-frame-options"] = "DENY"
    if not path.startswith(("/api/", "/webhooks/", *EMBEDDABLE)):
        headers["cross-origin-opener-policy"] = "same-origin"
    if production:
        headers["strict-transport-security"] = HSTS
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


class SecurityMiddleware:
    """Pure ASGI (streams, server-sent events and websockets pass through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            if scope.get("path", "").startswith(EVENT_PATH) and not same_origin(_headers(scope)):
                await send({"type": "websocket.close", "code": 1008, "reason": "cross-site websocket refused"})
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        guarded = scope.get("method", "GET") in UNSAFE_METHODS and not path.startswith(CSRF_EXEMPT)
        if (guarded or path.startswith(EVENT_PATH)) and not same_origin(_headers(scope)):
            await _refuse(send, path)
            return
        extra = security_headers(path, production=get_settings().env is Environment.PRODUCTION)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Send, path: str) -> None:
    body = b'{"detail":"cross-site request refused: Origin does not match this site"}'
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *security_headers(path, production=get_settings().env is Environment.PRODUCTION),
    ]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})
