"""A fast local stand-in for the WhatsApp Cloud API's send endpoint, for `bench/delivery.py`.

Served by granian in processes of its own (``granian --interface asgi --workers 2 fake_graph:app``), a bare ASGI
callable without a framework, so it is never what limits the deliveries measured against it.

``POST /{version}/{phone-number-id}/messages`` answers what Meta documents for a message accepted for delivery
(developers.facebook.com/docs/whatsapp/cloud-api/reference/messages, "Response", and the guide "Send messages",
developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages)::

    {"messaging_product": "whatsapp",
     "contacts": [{"input": "+16505551234", "wa_id": "16505551234"}],
     "messages": [{"id": "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"}]}

with the request's `to` as input and wa_id and a fresh wamid. Any other path answers 404 with a Graph error
object (developers.facebook.com/docs/graph-api/guides/error-handling).
"""

from __future__ import annotations

import itertools
import json
import os

_numbers = itertools.count(1)
_PREFIX = f"wamid.bench{os.getpid()}x"
_JSON = [(b"content-type", b"application/json")]
_NOT_FOUND = json.dumps(
    {"error": {"message": "Unknown path components", "type": "OAuthException", "code": 2500, "fbtrace_id": "Ab"}}
).encode()


async def app(scope, receive, send) -> None:
    """The ASGI application."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if scope["method"] != "POST" or not scope["path"].endswith("/messages"):
        await _answer(send, 404, _NOT_FOUND)
        return
    to = str(json.loads(body or b"{}").get("to", ""))
    answer = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to.lstrip("+")}],
        "messages": [{"id": f"{_PREFIX}{next(_numbers)}"}],
    }
    await _answer(send, 200, json.dumps(answer).encode())


async def _answer(send, status: int, payload: bytes) -> None:
    headers = [*_JSON, (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
