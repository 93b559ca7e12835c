"""A local HTTP/1.1 provider that keeps connections open and counts them, answering like the WhatsApp Cloud API:
`{"messaging_product": "whatsapp", "contacts": [...], "messages": [{"id": "wamid..."}]}` for a message accepted,
a Graph error object for a failure (developers.facebook.com/docs/whatsapp/cloud-api/reference/messages,
"Response"; developers.facebook.com/docs/graph-api/guides/error-handling; code 2 is "Service temporarily
unavailable"). For the pooled clients' tests: how many TCP connections the requests came on is the point.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class KeepAliveServer:
    """What it answers (`statuses`: the next answers, 200 once empty; `holding`: keep requests waiting until
    `release` is set) and what it saw (`connections` accepted, `requests` as (path, JSON body))."""

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[tuple[str, dict]] = []
        self.statuses: list[int] = []
        self.holding = False
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.url = ""

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: one connection carries many requests

            def log_message(self, *args) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                with server.lock:
                    server.connections += 1

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if server.holding:
                    server.release.wait(30)  # a provider that does not answer in time
                    self.close_connection = True
                    return
                with server.lock:
                    status = server.statuses.pop(0) if server.statuses else 200
                    server.requests.append((self.path, body))
                    number = len(server.requests)
                if status == 200:
                    to = str(body.get("to", ""))
                    answer = {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": to, "wa_id": to}],
                        "messages": [{"id": f"wamid.keepalive.{number}"}],
                    }
                else:
                    message = "Service temporarily unavailable" if status >= 500 else "Invalid parameter"
                    answer = {"error": {"message": message, "type": "OAuthException", "code": 2, "fbtrace_id": "Ab"}}
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler


@contextmanager
def keepalive_server() -> Iterator[KeepAliveServer]:
    """Serve a KeepAliveServer on a free loopback port for the duration of the block."""
    fake = KeepAliveServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake._handler())
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
