"""Helpers for channel tests: signed WhatsApp payloads, and sending what a webhook queued."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from fastapi.testclient import TestClient

from flowstudio.tasks import delivery

APP_SECRET = "app-secret"


def drain(queued: list[int]) -> list[str]:
    """Send every queued delivery now (in order); returns their outcomes."""
    outcomes = [delivery.deliver_message(message_id, final_attempt=False) for message_id in queued]
    queued.clear()
    return outcomes


def wa_payload(text: str | None = None, *, wamid: str, click: tuple[str, str] | None = None,
               sender: str = "5511999990000", ts: int | None = None) -> dict:
    """A Cloud API webhook payload with one text message (or a reply-button press)."""
    message = {"from": sender, "id": wamid, "timestamp": str(ts or int(time.time()))}
    if click:
        message |= {"type": "interactive", "interactive": {"type": "button_reply",
                                                           "button_reply": {"id": click[0], "title": click[1]}}}
    else:
        message |= {"type": "text", "text": {"body": text}}
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "551130000000",
                                                      "phone_number_id": "PNID"},
        "contacts": [{"profile": {"name": "Ana"}, "wa_id": sender}], "messages": [message]}}]}]}


def post_signed(client: TestClient, key: str, payload: dict, secret: str = APP_SECRET):  # noqa: ANN201
    """POST a payload to the channel's webhook, signed like Meta does."""
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(f"/webhooks/whatsapp/{key}", content=body,
                       headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"})
