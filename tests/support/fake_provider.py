"""A local stand-in for the WhatsApp Graph API, the Telegram Bot API and a REST channel's webhook receiver:
records what FlowStudio sends."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeProvider:
    """Answers every POST like the provider would, after `fail_next` failures (HTTP `fail_status`, 500 unless
    set); keeps (path, json body) pairs, and in `raw` the headers and exact bytes of each request it accepted."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict]] = []
        self.raw: list[tuple[str, dict[str, str], bytes]] = []
        self.fail_next = 0
        self.fail_status = 500
        self.hold_first_s = 0.0  # keep the first request waiting this long before answering (a slow provider)
        self.latency_s = 0.0  # every answered request takes this long (a provider at its usual pace)
        self.stalled_s = 0.0  # while set, every request hangs this long and does not count (a stalled provider)
        self.stalled = 0  # how many requests the stall has caught
        self.flaky = False  # while set, each body's odd-numbered tries meet `fail_status` (every send fails once)
        self.tries: dict[bytes, int] = {}
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

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.loads(raw or b"{}")
                fake.arrived.set()
                with fake.lock:
                    hold, fake.hold_first_s = fake.hold_first_s, 0.0
                    hold = hold or fake.stalled_s
                    fake.stalled += bool(fake.stalled_s)
                if hold:
                    time.sleep(hold)  # the sender gives up (or dies) before this request counts
                    return
                if fake.latency_s:
                    time.sleep(fake.latency_s)
                with fake.lock:
                    failing = fake.fail_next > 0
                    fake.fail_next -= failing
                    if fake.flaky:
                        fake.tries[raw] = fake.tries.get(raw, 0) + 1
                        failing = failing or fake.tries[raw] % 2 == 1
                    if not failing:
                        fake.requests.append((self.path, body))
                        fake.raw.append((self.path, dict(self.headers.items()), raw))
                    number = len(fake.requests)
                    status = fake.fail_status
                if failing:
                    reason = b"temporarily unavailable" if status >= 500 else b"this conversation was deleted here"
                    self.send_response(status)
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "' + reason + b'"}}')
                    return
                answer = (
                    {"ok": True, "result": {"message_id": number}}
                    if "/bot" in self.path
                    else {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.out.{number}"}]}
                )
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
