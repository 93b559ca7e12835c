"""A small local HTTP server for code-action and http_request tests (records what it received)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class LocalServer:
    """Where it listens and the requests it got (``{"method", "path", "headers", "body"}``)."""

    port: int
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"


def _handler(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            server.requests.append(
                {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
            )
            path = self.path.split("?")[0]
            if path == "/order":
                self._reply(200, {"id": 7, "status": "late", "query": self.path.partition("?")[2]})
            elif path == "/echo":
                self._reply(200, {"headers": dict(self.headers), "body": body})
            elif path == "/redirect-away":
                self._reply(302, {}, {"Location": "http://example.org/steal"})
            elif path == "/redirect-here":
                self._reply(302, {}, {"Location": "/order"})
            elif path == "/slow":
                time.sleep(2)
                self._reply(200, {"late": True})
            elif path == "/big":
                self._reply(200, b"x" * 3_000_000)
            elif path == "/unauthorized":
                self._reply(401, {"error": "bad token"})
            else:
                self._reply(404, {"error": "not found"})

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    return Handler


@contextmanager
def local_server() -> Iterator[LocalServer]:
    """Serve on a free port of 127.0.0.1 in a thread for the block's duration."""
    holder = LocalServer(0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(holder))
    holder.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder
    finally:
        httpd.shutdown()
        httpd.server_close()
