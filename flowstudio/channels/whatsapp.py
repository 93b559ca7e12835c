"""WhatsApp Cloud API: webhook verification and signed inbound payloads; outbound text, interactive reply
buttons, lists and cards (rendered by `whatsapp_render`), media, approved templates; the 24-hour
customer-service window (outside it only templates go out).

Channel config: `phone_number_id`, `graph_base_url` (default https://graph.facebook.com), `api_version`
(default v21.0). Secrets: `access_token`, `app_secret`, `verify_token`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlmodel import select

from flowstudio.api.channels.common import DeliveryError, find_channel, json_body, post_json, take_turn
from flowstudio.api.channels.whatsapp_render import interactive_messages, ui_language
from flowstudio.db import session_scope
from flowstudio.models import Bot, Conversation, DeliveryStatus, Message, as_utc
from flowstudio.services.conversations.inbound import InboundEvent

log = logging.getLogger("flowstudio.channel.whatsapp")
router = APIRouter(prefix="/webhooks/whatsapp", tags=["channels"])
SERVICE_WINDOW = timedelta(hours=24)
STATUS = {
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.READ,
    "failed": DeliveryStatus.FAILED,
}


def signature_ok(body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether `X-Hub-Signature-256` is the HMAC-SHA256 of the raw body with the app secret."""
    if not header or not header.startswith("sha256=") or not app_secret:
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def parse_messages(channel_id: int, payload: dict[str, Any]) -> tuple[list[InboundEvent], list[dict[str, Any]]]:
    """Inbound messages and delivery statuses of a webhook payload (unknown types are skipped)."""
    events, statuses = [], []
    for entry in payload.get("entry", []):
        for change in entry.get("changes", []):
            value = change.get("value", {})
            names = {c.get("wa_id"): c.get("profile", {}).get("name", "") for c in value.get("contacts", [])}
            statuses.extend(value.get("statuses", []))
            for message in value.get("messages", []):
                event = _event(channel_id, message, names.get(message.get("from"), ""))
                if event is not None:
                    events.append(event)
    return events, statuses


def _event(channel_id: int, message: dict[str, Any], name: str) -> InboundEvent | None:
    kind = message.get("type")
    base = {
        "channel_id": channel_id,
        "external_user_id": str(message.get("from", "")),
        "external_message_id": message.get("id"),
        "contact_name": name,
        "sent_at": datetime.fromtimestamp(int(message.get("timestamp", 0)), UTC) if message.get("timestamp") else None,
    }
    if kind == "text":
        return InboundEvent(kind="text", text=message.get("text", {}).get("body", ""), **base)
    if kind == "interactive":
        reply = message.get("interactive", {})
        chosen = reply.get("button_reply") or reply.get("list_reply") or {}
        return InboundEvent(kind="click", button_id=chosen.get("id", ""), text=chosen.get("title", ""), **base)
    if kind == "button":  # a template's quick reply
        button = message.get("button", {})
        return InboundEvent(kind="click", button_id=button.get("payload", ""), text=button.get("text", ""), **base)
    if kind == "location":
        where = message.get("location", {})
        return InboundEvent(
            kind="location",
            data={
                "lat": where.get("latitude"),
                "lng": where.get("longitude"),
                "name": where.get("name"),
                "address": where.get("address"),
            },
            **base,
        )
    if kind in {"image", "document", "audio", "video", "sticker"}:
        media = message.get(kind, {})
        return InboundEvent(
            kind="image" if kind == "sticker" else kind,
            text=media.get("caption", ""),
            data={"media_id": media.get("id"), "mime_type": media.get("mime_type"), "filename": media.get("filename")},
            **base,
        )
    return None


def _apply_statuses(statuses: list[dict[str, Any]]) -> None:
    with session_scope() as session:
        for status in statuses:
            message = session.exec(select(Message).where(Message.channel_message_id == status.get("id"))).first()
            new = STATUS.get(status.get("status"))
            if message is None or new is None:
                continue
            order = [DeliveryStatus.QUEUED, DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ]
            if new == DeliveryStatus.FAILED:
                errors = status.get("errors") or [{}]
                message.status, message.error = new, f"{errors[0].get('code', '')} {errors[0].get('title', '')}".strip()
            elif message.status in order and order.index(new) > order.index(message.status):
                message.status = new
            session.add(message)


@router.get("/{key}", response_class=Response)
async def verify(
    key: str,
    mode: str = Query("", alias="hub.mode"),
    token: str = Query("", alias="hub.verify_token"),
    challenge: str = Query("", alias="hub.challenge"),
) -> Response:
    """Meta's webhook verification: echo `hub.challenge` when the verify token matches."""
    channel = await find_channel("whatsapp", key)
    if mode != "subscribe" or not hmac.compare_digest(token, str(channel.secrets.get("verify_token", ""))):
        raise HTTPException(status_code=403, detail="verify token does not match")
    return Response(challenge, media_type="text/plain")


@router.post("/{key}")
async def receive(key: str, request: Request) -> dict[str, Any]:
    """Inbound messages and statuses; refused (401) unless signed with the app secret."""
    channel = await find_channel("whatsapp", key)
    body = await request.body()
    if not signature_ok(body, request.headers.get("X-Hub-Signature-256"), str(channel.secrets.get("app_secret", ""))):
        raise HTTPException(status_code=401, detail="bad or missing X-Hub-Signature-256")
    events, statuses = parse_messages(channel.id, await json_body(request))
    handled = duplicates = 0
    for event in events:
        result = await take_turn(event)
        duplicates += result.duplicate
        handled += not result.duplicate
    if statuses:
        await run_in_threadpool(_apply_statuses, statuses)
    return {"received": handled, "duplicates": duplicates, "statuses": len(statuses)}


def render(output: dict[str, Any], to: str, *, language: str = "pt") -> list[dict[str, Any]]:
    """One engine output as the Cloud API messages that carry it, in order (a carousel takes one message
    per card, a long menu several lists: see `whatsapp_render`).

    Args:
        output: The engine output.
        to: The customer's WhatsApp id.
        language: The conversation's language (``pt``, ``es``, ``en``), for labels such as "See options".

    Raises:
        DeliveryError: a template parameter rendered empty (WhatsApp refuses those).
    """
    base = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    kind = output.get("type")
    if kind == "template":
        return [{**base, "type": "template", "template": _template(output)}]
    if kind == "buttons" or kind == "carousel":
        return [{**base, **part} for part in interactive_messages(output, ui_language(language))]
    if kind == "media":
        media_type = (
            output.get("media_type")
            if output.get("media_type") in {"image", "video", "audio", "document", "sticker"}
            else "document"
        )
        media = {"link": output.get("url")}
        if output.get("caption") and media_type in {"image", "video", "document"}:
            media["caption"] = output["caption"]
        if output.get("filename") and media_type == "document":
            media["filename"] = output["filename"]
        return [{**base, "type": media_type, media_type: media}]
    return [{**base, "type": "text", "text": {"preview_url": False, "body": (output.get("text") or "")[:4096]}}]


def _template(output: dict[str, Any]) -> dict[str, Any]:
    """The Cloud API `template` object: name, language code and the body's text parameters in order."""
    parameters = []
    for number, value in enumerate(output.get("parameters") or [], 1):
        text = " ".join(str(value).split())  # no newlines, tabs or runs of spaces in template parameters
        if not text:
            raise DeliveryError(f"template {output.get('name')}: parameter {{{{{number}}}}} is empty", retryable=False)
        parameters.append({"type": "text", "text": text})
    template: dict[str, Any] = {"name": output.get("name", ""), "language": {"code": output.get("language") or "pt_BR"}}
    if parameters:
        template["components"] = [{"type": "body", "parameters": parameters}]
    return template


def send(
    *,
    config: dict[str, Any],
    secrets: dict[str, Any],
    recipient: str,
    output: dict[str, Any],
    last_inbound_at: datetime | None,
    conversation_id: int | None = None,
    **_: Any,
) -> str:
    """Send one output; returns the `wamid` of its last message (an output may take several: its statuses
    follow the last one, which the customer sees last).

    A retry after a failure in the middle of a multi-message output sends it again from its first message
    (the Cloud API has no idempotency key): a repeated card rather than a lost one.

    Raises:
        DeliveryError: outside the 24-hour window (only templates may go out), or the API refused it.
    """
    if output.get("type") != "template" and (
        last_inbound_at is None or datetime.now(UTC) - as_utc(last_inbound_at) > SERVICE_WINDOW
    ):
        raise DeliveryError(
            "outside the 24-hour customer-service window: only approved templates can be sent", retryable=False
        )
    headers = {"Authorization": f"Bearer {secrets.get('access_token', '')}"}
    wamid = ""
    interactive = output.get("type") in ("buttons", "carousel")  # the only outputs with labels of their own
    for message in render(output, recipient, language=_language(conversation_id) if interactive else "pt"):
        answer = post_json(_messages_url(config), message, headers=headers)
        wamid = str(answer.get("messages", [{}])[0].get("id", ""))
    return wamid


def _language(conversation_id: int | None) -> str:
    """The conversation's language, else its bot's, else ``pt``."""
    if conversation_id is None:
        return "pt"
    with session_scope() as session:
        bot_id = sa.func.coalesce(Conversation.owner_bot_id, Conversation.last_bot_id)
        row = session.exec(
            select(Conversation.language, Bot.language)
            .outerjoin(Bot, Bot.id == bot_id)
            .where(Conversation.id == conversation_id)
        ).first()
    return (row and (row[0] or row[1])) or "pt"


def _messages_url(config: dict[str, Any]) -> str:
    base = config.get("graph_base_url", "https://graph.facebook.com").rstrip("/")
    return f"{base}/{config.get('api_version', 'v21.0')}/{config.get('phone_number_id')}/messages"


TYPING_TIMEOUT_S = 5


def send_typing(*, config: dict[str, Any], secrets: dict[str, Any], reference: str, **_: Any) -> None:
    """Show the typing indicator on the customer's message `reference` (its wamid); WhatsApp marks it read
    and shows the indicator until the reply or for 25 s.

    Raises:
        DeliveryError: the API refused it (say, an old message) or did not answer in time.
    """
    post_json(
        _messages_url(config),
        {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": reference,
            "typing_indicator": {"type": "text"},
        },
        headers={"Authorization": f"Bearer {secrets.get('access_token', '')}"},
        timeout=TYPING_TIMEOUT_S,
    )
