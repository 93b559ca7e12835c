"""Helpers for channel tests: signed WhatsApp payloads, and sending what a webhook queued."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from fastapi.testclient import TestClient
from sqlmodel import Session

from flowstudio.services.integrations.channels import create_channel
from flowstudio.tasks import delivery

APP_SECRET = "app-secret"
VERIFY_TOKEN = "verify"


def whatsapp_channel(session: Session, *, workspace_id: int, graph_base_url: str, bot_id: int | None = None) -> str:
    """A WhatsApp channel (phone number id `PNID`) talking to `graph_base_url`, committed; returns its key."""
    key = create_channel(
        session=session,
        workspace_id=workspace_id,
        kind="whatsapp",
        name="WA",
        bot_id=bot_id,
        config={"phone_number_id": "PNID", "graph_base_url": graph_base_url},
        secrets={"access_token": "token", "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN},
    ).key
    session.commit()
    return key


def drain(queued: list[int]) -> list[str]:
    """Send every queued delivery now (in order); returns their outcomes."""
    outcomes = [delivery.deliver_message(message_id, final_attempt=False) for message_id in queued]
    queued.clear()
    return outcomes


def wa_payload(
    text: str | None = None,
    *,
    wamid: str,
    click: tuple[str, str] | None = None,
    sender: str = "5511999990000",
    ts: int | None = None,
) -> dict:
    """A Cloud API webhook payload with one text message (or a reply-button press)."""
    message = {"from": sender, "id": wamid, "timestamp": str(ts or int(time.time()))}
    if click:
        message |= {
            "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": click[0], "title": click[1]}},
        }
    else:
        message |= {"type": "text", "text": {"body": text}}
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "551130000000", "phone_number_id": "PNID"},
                            "contacts": [{"profile": {"name": "Ana"}, "wa_id": sender}],
                            "messages": [message],
                        },
                    }
                ],
            }
        ],
    }


def post_signed(client: TestClient, key: str, payload: dict, secret: str = APP_SECRET):
    """POST a payload to the channel's webhook, signed like Meta does."""
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        f"/webhooks/whatsapp/{key}",
        content=body,
        headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"},
    )


def wait_until(predicate, seconds: float = 30.0) -> bool:
    """Poll `predicate` until it holds (True) or `seconds` pass (False): for work a real worker does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
