"""Local stand-ins for the provider calls behind "Test connection", answering as the providers document:

- WhatsApp Cloud API, `GET /{version}/{phone-number-id}`: the phone number object
  (`verified_name`, `display_phone_number`, `quality_rating`, `id`), or for a bad token HTTP 401 with
  `{"error": {"message": ..., "type": "OAuthException", "code": 190, "fbtrace_id": ...}}`
  (developers.facebook.com/docs/whatsapp/cloud-api/reference/phone-numbers and Graph API "Handling Errors").
- Telegram Bot API, `getMe` and `getWebhookInfo`: `{"ok": true, "result": {...}}` (a User; a WebhookInfo with
  `url`, `pending_update_count`, `last_error_message`), or `{"ok": false, "error_code": 401,
  "description": "Unauthorized"}` (core.telegram.org/bots/api#making-requests, #getme, #getwebhookinfo).
- A REST channel's receiver: records each POST (headers and raw body) and answers `status`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

WA_PHONE_ID = "106540352242922"
WA_TOKEN = "EAAG-good-token"
TG_TOKEN = "123456:ABC-good"


@dataclass
class Fakes:
    """What the fake answers (change between calls) and what it received."""

    url: str = ""
    webhook_url: str = ""  # what getWebhookInfo reports
    webhook_error: str = ""
    rest_status: int = 200
    received: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)


def _graph(fakes: Fakes, path: str, headers: dict[str, str]) -> tuple[int, dict]:
    if headers.get("authorization") != f"Bearer {WA_TOKEN}":
        return 401, {
            "error": {
                "message": "Invalid OAuth access token - Cannot parse access token",
                "type": "OAuthException",
                "code": 190,
                "fbtrace_id": "AbCdEf",
            }
        }
    if path.rstrip("/").rsplit("/", 1)[-1] != WA_PHONE_ID:
        return 400, {
            "error": {
                "message": "Unsupported get request. Object with ID 'x' does not exist",
                "type": "GraphMethodException",
                "code": 100,
                "error_subcode": 33,
            }
        }
    return 200, {
        "verified_name": "Pizzaria Bella",
        "display_phone_number": "+55 11 4000-1234",
        "quality_rating": "GREEN",
        "id": WA_PHONE_ID,
    }


def _telegram(fakes: Fakes, path: str) -> tuple[int, dict]:
    token, _, method = path.removeprefix("/tg/bot").partition("/")
    if token != TG_TOKEN:
        return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
    if method == "getMe":
        return 200, {
            "ok": True,
            "result": {
                "id": 123456,
                "is_bot": True,
                "first_name": "Bella",
                "username": "bella_pizza_bot",
                "can_join_groups": True,
            },
        }
    if method == "getWebhookInfo":
        info = {"url": fakes.webhook_url, "has_custom_certificate": False, "pending_update_count": 0}
        if fakes.webhook_error:
            info.update(last_error_date=1767225600, last_error_message=fakes.webhook_error)
        return 200, {"ok": True, "result": info}
    return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


@contextmanager
def provider_fakes() -> Iterator[Fakes]:
    """Serve the fakes on a free local port: Graph under `/graph`, Telegram under `/tg`, REST at `/hook`."""
    fakes = Fakes()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _answer(self, status: int, body: dict | None) -> None:
            raw = json.dumps(body or {}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            headers = {k.lower(): v for k, v in self.headers.items()}
            fakes.received.append(("GET", self.path, headers, b""))
            if path.startswith("/graph/"):
                self._answer(*_graph(fakes, path, headers))
            elif path.startswith("/tg/"):
                self._answer(*_telegram(fakes, path))
            else:
                self._answer(404, {})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            fakes.received.append(("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, raw))
            self._answer(fakes.rest_status, {"received": True} if fakes.rest_status < 300 else {"error": "nope"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fakes.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fakes
    finally:
        server.shutdown()
        server.server_close()
