"""A local stand-in for the WhatsApp Graph API and the Telegram Bot API: records what FlowStudio sends."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeProvider:
    """Answers every POST like the provider would, after `fail_next` 500s; keeps (path, json body) pairs."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict]] = []
        self.fail_next = 0
        self.hold_first_s = 0.0  # keep the first request waiting this long before answering (a slow provider)
        self.arrived = threading.Event()  # set when a request comes in, answered or not
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def bodies(self, path_end: str = "") -> list[dict]:
        """The JSON bodies received on paths ending with `path_end`."""
        with self.lock:
            return [body for path, body in self.requests if path.endswith(path_end)]

    def _handler(self):  # noqa: ANN202
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.arrived.set()
                with fake.lock:
                    hold, fake.hold_first_s = fake.hold_first_s, 0.0
                if hold:
                    time.sleep(hold)  # the sender gives up (or dies) before this request counts
                    return
                with fake.lock:
                    failing = fake.fail_next > 0
                    fake.fail_next -= failing
                    if not failing:
                        fake.requests.append((self.path, body))
                    number = len(fake.requests)
                if failing:
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "temporarily unavailable"}}')
                    return
                answer = ({"ok": True, "result": {"message_id": number}} if "/bot" in self.path
                          else {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.out.{number}"}]})
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler


@contextmanager
def fake_provider() -> Iterator[FakeProvider]:
    """Run a FakeProvider on a free loopback port for the duration of the block."""
    fake = FakeProvider()
    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), fake._handler())
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
