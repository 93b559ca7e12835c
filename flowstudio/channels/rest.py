"""REST channel adapter: messages in through the API (`POST /api/v1/channels/{id}/messages`, or
`POST /api/v1/conversations/{id}/messages` with `"sender": "contact"`), each outbound message POSTed to the
channel's webhook as signed JSON.

Channel config: `webhook_url` (http or https). Secrets: `webhook_secret`.

Every webhook request carries `X-FlowStudio-Timestamp` (Unix seconds) and
`X-FlowStudio-Signature: sha256=<hex>`, the HMAC-SHA256 with the webhook secret of
`<timestamp>.<raw body>`; receivers recompute it and refuse old timestamps to stop replays.
A 2xx answer means delivered; 5xx, 429 and timeouts are retried with backoff; any other answer
marks the message failed with the receiver's reason.

While an agent types, an `agent.typing` event (`conversation_id`, `user_id`, `sent_at`) is POSTed the same
way, at most every few seconds and never retried.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlmodel import select

from flow_runtime.outputs import template_text
from flowstudio import http_pool
from flowstudio.channels.base import (
    Capabilities,
    ChannelInfo,
    Contact,
    DeliveryError,
    Inbound,
    Outgoing,
    Payload,
    Refused,
    http_failure,
)
from flowstudio.db import session_scope
from flowstudio.models import Message
from flowstudio.services.conversations.inbound import InboundEvent, handle_inbound
from flowstudio.services.integrations.signing import (  # noqa: F401 - sign, signature_ok and the headers are re-exported
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign,
    signature_ok,
    signed_headers,
)

TIMEOUT_S = 10


def message_json(output: dict[str, Any]) -> dict[str, Any]:
    """An engine output as the webhook's `message` (a template becomes its fallback text)."""
    if output.get("type") == "template":
        return {
            "type": "text",
            "text": template_text(output),
            "template": {k: output.get(k) for k in ("name", "language", "parameters")},
        }
    return dict(output)


def payload(
    *, message_id: int | None, conversation_id: int | None, recipient: str, sender_type: str, output: dict[str, Any]
) -> dict[str, Any]:
    """The JSON body POSTed for one outbound message."""
    return {
        "event": "message.created",
        "message_id": message_id,
        "conversation_id": conversation_id,
        "user_id": recipient,
        "sender": sender_type,
        "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "message": message_json(output),
    }


def _signed_headers(secrets: dict[str, Any], body: bytes) -> dict[str, str]:
    return signed_headers(str(secrets.get("webhook_secret", "")), body)


def send(
    *,
    config: dict[str, Any],
    secrets: dict[str, Any],
    recipient: str,
    output: dict[str, Any],
    last_inbound_at: datetime | None,
    message_id: int | None = None,
    conversation_id: int | None = None,
    sender_type: str = "bot",
    **_: Any,
) -> str:
    """POST one output to the channel's webhook, signed; returns the receiver's `id` if its JSON answer has one.

    Raises:
        DeliveryError: no answer in time or 5xx/429 (retryable), or any other non-2xx answer (not retryable).
    """
    url = str(config.get("webhook_url") or "")
    if not url:
        raise DeliveryError("the channel has no config.webhook_url", retryable=False)
    body = json.dumps(
        payload(
            message_id=message_id,
            conversation_id=conversation_id,
            recipient=recipient,
            sender_type=sender_type,
            output=output,
        ),
        ensure_ascii=False,
    ).encode()
    headers = {**_signed_headers(secrets, body), "X-FlowStudio-Message-Id": str(message_id or "")}
    try:
        response = http_pool.post(url, content=body, headers=headers, timeout=TIMEOUT_S)
    except httpx.HTTPError as error:
        raise DeliveryError(f"{type(error).__name__}: {error}", retryable=True) from error
    if not 200 <= response.status_code < 300:
        raise http_failure(response.status_code, response.text)
    try:
        answer = response.json()
    except ValueError:
        return ""
    return str(answer.get("id", "")) if isinstance(answer, dict) else ""


TYPING_TIMEOUT_S = 5


def send_typing(
    *, config: dict[str, Any], secrets: dict[str, Any], recipient: str, conversation_id: int | None = None, **_: Any
) -> None:
    """POST `{"event": "agent.typing", ...}` to the channel's webhook, signed like messages (a receiver may
    show it or ignore it); nothing without a webhook.

    Raises:
        DeliveryError: the receiver did not answer 2xx in time.
    """
    url = str(config.get("webhook_url") or "")
    if not url:
        return
    body = json.dumps(
        {
            "event": "agent.typing",
            "conversation_id": conversation_id,
            "user_id": recipient,
            "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    ).encode()
    try:
        response = http_pool.post(url, content=body, headers=_signed_headers(secrets, body), timeout=TYPING_TIMEOUT_S)
    except httpx.HTTPError as error:
        raise DeliveryError(f"{type(error).__name__}: {error}", retryable=True) from error
    if not 200 <= response.status_code < 300:
        raise http_failure(response.status_code, response.text)


def receive(
    *,
    channel_id: int,
    user_id: str,
    text: str = "",
    button_id: str = "",
    label: str = "",
    message_id: str | None = None,
    name: str = "",
) -> dict[str, Any]:
    """One message of a REST channel's user: stored once (per `message_id`), answered by the conversation's
    owner; the replies are queued for the webhook and returned.

    Returns:
        `conversation_id`, the stored `message_id`, `duplicate`, and `replies` (id, status and message of each).
    """
    dedupe = f"{user_id}:{message_id}" if message_id else None  # the caller's ids need only be unique per user
    event = InboundEvent(
        channel_id=channel_id,
        external_user_id=user_id,
        external_message_id=dedupe,
        kind="click" if button_id else "text",
        text=label if button_id else text.strip(),
        button_id=button_id,
        contact_name=name,
    )
    result = handle_inbound(event, queue_deliveries=True)
    ids = [outbound_id for outbound_id, _ in result.deliveries]
    with session_scope() as session:
        rows = {m.id: m for m in session.exec(select(Message).where(Message.id.in_(ids))).all()} if ids else {}
        replies = [
            {"message_id": i, "status": rows[i].status.value, "message": message_json(rows[i].payload)}
            for i in ids
            if i in rows
        ]
    return {
        "conversation_id": result.conversation_id,
        "message_id": result.message_id,
        "duplicate": result.duplicate,
        "replies": replies,
    }


class Rest:
    """The REST channel adapter: inbound through the API (`receive`), outbound POSTed to the channel's webhook."""

    kind = "rest"
    capabilities = Capabilities(
        webhook=False, max_buttons=100, lists=True, carousels=True, typing=True, max_text=100_000
    )

    def verify(self, channel: ChannelInfo, headers: Mapping[str, str], body: bytes) -> None:
        """REST messages come in through the authenticated API, never through a provider webhook."""
        raise Refused(404, "REST channels take their messages through /api/v1")

    def parse(self, channel: ChannelInfo, payload: Any) -> Inbound:
        """Nothing: see `verify`."""
        return Inbound()

    def render(self, channel: ChannelInfo, message: Outgoing) -> list[Payload]:
        """The webhook's arguments for one message (the body is built and signed as it goes out)."""
        return [
            {
                "recipient": message.recipient,
                "output": message.output,
                "message_id": message.message_id,
                "conversation_id": message.conversation_id,
                "sender_type": message.sender_type,
            }
        ]

    def send(self, channel: ChannelInfo, payload: Payload) -> str:
        """POST it to the webhook, signed (see `send`)."""
        return send(config=channel.config, secrets=channel.secrets, last_inbound_at=None, **payload)

    def send_typing(self, channel: ChannelInfo, contact: Contact) -> None:
        """An `agent.typing` event to the webhook (see `send_typing`)."""
        send_typing(
            config=channel.config,
            secrets=channel.secrets,
            recipient=contact.recipient,
            conversation_id=contact.conversation_id,
        )


ADAPTER = Rest()
