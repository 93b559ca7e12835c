"""Security headers on everything the app serves, same-origin checks (CSRF, cross-site websockets), and no
SQL built from strings."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from flowstudio.api import create_api
from flowstudio.api.security import SecurityMiddleware, same_origin
from tests.conftest import PROJECT_ROOT, use_env


def _reflex_like() -> FastAPI:
    """The API with a stand-in for what Reflex mounts under it in production (pages, /_upload, /_event)."""
    api = create_api()

    async def page(request):
        return PlainTextResponse("<html>page</html>", media_type="text/html")

    async def upload(request):
        return PlainTextResponse("uploaded")

    async def event(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    api.router.routes.append(
        Mount(
            "",
            routes=[
                Route("/_upload", upload, methods=["POST"]),
                WebSocketRoute("/_event/", event),
                Route("/{path:path}", page),
            ],
        )
    )
    return api


@pytest.fixture
def client() -> TestClient:
    return TestClient(_reflex_like(), raise_server_exceptions=False)


def test_pages_and_api_carry_the_security_headers(client: TestClient) -> None:
    for path in ("/bots", "/login", "/api/v1/health"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        assert "camera=()" in headers["permissions-policy"], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "strict-transport-security" not in headers  # development: no HSTS
    page_csp = client.get("/bots").headers["content-security-policy"]
    assert "connect-src 'self' ws: wss:" in page_csp and "object-src 'none'" in page_csp
    assert client.get("/api/v1/health").headers["content-security-policy"].startswith("default-src 'none'")
    assert "cdn.jsdelivr.net" in client.get("/api/docs").headers["content-security-policy"]


def test_the_webchat_widget_and_demo_can_be_embedded_by_other_sites(client: TestClient) -> None:
    widget = client.get("/webchat/widget.js")
    assert widget.status_code == 200 and widget.headers["x-content-type-options"] == "nosniff"
    for path in ("/webchat/widget.js", "/webchat/demo?key=abc"):
        headers = client.get(path).headers
        assert "x-frame-options" not in headers and "frame-ancestors" not in headers["content-security-policy"]


def test_a_route_s_own_headers_win() -> None:
    async def sandboxed(scope, receive, send):
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-security-policy", b"default-src 'none'; sandbox")],
            }
        )
        await send({"type": "http.response.body", "body": b"file"})

    headers = TestClient(SecurityMiddleware(sandboxed)).get("/api/v1/media/1/t/a.png").headers
    assert headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert headers["x-frame-options"] == "DENY"


def test_hsts_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    use_env(monkeypatch, FLOWSTUDIO_ENV="production", SECRET_KEY="x" * 40)
    headers = TestClient(_reflex_like()).get("/bots").headers
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_cross_site_posts_with_the_browser_credentials_are_refused(client: TestClient) -> None:
    assert client.post("/_upload", headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/_upload", headers={"Referer": "https://evil.example/page"}).status_code == 403
    assert client.post("/_upload", headers={"Origin": "null"}).status_code == 403
    assert client.post("/_upload", headers={"Origin": "http://testserver"}).text == "uploaded"
    assert client.post("/_upload").text == "uploaded"  # not a browser page: nothing to forge
    # bearer-token API and the public webchat are not cookie-authenticated: a foreign Origin is normal there
    refused = client.post("/api/v1/bots", json={"name": "x"}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 401


def test_cross_site_websockets_to_the_event_socket_are_refused(client: TestClient) -> None:
    with client.websocket_connect("/_event/", headers={"Origin": "http://testserver"}) as socket:
        assert socket.receive_text() == "hello"
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect("/_event/", headers={"Origin": "https://evil.example"}),
    ):
        pass
    assert refused.value.code == 1008


def test_same_origin_rules() -> None:
    assert same_origin({"host": "app.example:3000", "origin": "https://app.example"})
    assert same_origin({"host": "127.0.0.1:3000", "origin": "http://localhost:3000"})  # Reflex's default api_url
    assert not same_origin({"host": "app.example", "origin": "https://app.example.evil.com"})
    assert not same_origin(
        {"host": "10.0.0.5:3000", "origin": "https://app.example", "x-forwarded-host": "app.example"},
        trusted_proxy_hops=0,
    )
    assert same_origin(
        {"host": "10.0.0.5:3000", "origin": "https://app.example", "x-forwarded-host": "app.example"},
        trusted_proxy_hops=1,
    )


def test_no_sql_is_built_by_formatting_strings() -> None:
    pattern = re.compile(r"""(text|execute|exec_driver_sql)\(\s*(f["']|["'][^"']*["']\s*(%|\.format))""")
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for folder in ("flowstudio", "flow_runtime")
        for path in (PROJECT_ROOT / folder).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_the_middleware_passes_streams_untouched() -> None:
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
        for chunk in (b"data: 1\n\n", b"data: 2\n\n"):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    response = TestClient(SecurityMiddleware(app)).get("/api/v1/webchat/k/stream")
    assert response.text == "data: 1\n\ndata: 2\n\n" and response.headers["x-content-type-options"] == "nosniff"
