"""WhatsApp Cloud API adapter: signed inbound payloads; outbound text, interactive reply
buttons, lists and cards (rendered by `whatsapp_render`), media, approved templates; the 24-hour
customer-service window (outside it only templates go out).

Channel config: `phone_number_id`, `graph_base_url` (default https://graph.facebook.com), `api_version`
(default v21.0). Secrets: `access_token`, `app_secret`, `verify_token`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from flowstudio.channels.base import (
    Capabilities,
    ChannelInfo,
    Contact,
    DeliveryError,
    Inbound,
    Outgoing,
    Payload,
    Refused,
    Status,
    post_json,
)
from flowstudio.channels.whatsapp_render import MAX_REPLY_BUTTONS, TEXT_LIMIT, interactive_messages, ui_language
from flowstudio.db import session_scope
from flowstudio.models import Bot, Conversation, DeliveryStatus, as_utc
from flowstudio.services.conversations.inbound import InboundEvent

log = logging.getLogger("flowstudio.channel.whatsapp")
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
    """Send one output at once, all its messages; returns the `wamid` of its last message (see `WhatsApp`).

    Raises:
        DeliveryError: outside the 24-hour window (only templates may go out), or the API refused it.
    """
    channel = ChannelInfo(0, "whatsapp", config, secrets)
    wamid = ""
    for part in ADAPTER.render(channel, Outgoing(recipient, output, last_inbound_at, conversation_id=conversation_id)):
        wamid = ADAPTER.send(channel, part)
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


class WhatsApp:
    """The WhatsApp Cloud API adapter (see the module's docstring)."""

    kind = "whatsapp"
    capabilities = Capabilities(
        max_buttons=MAX_REPLY_BUTTONS,
        lists=True,
        templates=True,
        typing=True,
        window=SERVICE_WINDOW,
        max_text=TEXT_LIMIT,
    )

    def verify(self, channel: ChannelInfo, headers: Mapping[str, str], body: bytes) -> None:
        """Refused (401) unless `X-Hub-Signature-256` signs the body with the app secret."""
        if not signature_ok(body, headers.get("X-Hub-Signature-256"), str(channel.secrets.get("app_secret", ""))):
            raise Refused(401, "bad or missing X-Hub-Signature-256")

    def parse(self, channel: ChannelInfo, payload: Any) -> Inbound:
        """The messages and delivery statuses of a webhook payload."""
        events, statuses = parse_messages(channel.id, payload)
        return Inbound(events=events, statuses=[_status(s) for s in statuses if STATUS.get(s.get("status"))])

    def render(self, channel: ChannelInfo, message: Outgoing) -> list[Payload]:
        """The Cloud API messages of one output (an output may take several: a carousel, a long menu).

        Raises:
            DeliveryError: outside the 24-hour window (only templates may go out), or an empty template parameter.
        """
        output = message.output
        if output.get("type") != "template" and (
            message.last_inbound_at is None or datetime.now(UTC) - as_utc(message.last_inbound_at) > SERVICE_WINDOW
        ):
            raise DeliveryError(
                "outside the 24-hour customer-service window: only approved templates can be sent", retryable=False
            )
        interactive = output.get("type") in ("buttons", "carousel")  # the only outputs with labels of their own
        language = (message.language or _language(message.conversation_id)) if interactive else "pt"
        return render(output, message.recipient, language=language)

    def send(self, channel: ChannelInfo, payload: Payload) -> str:
        """POST one message; its `wamid` (delivery keeps the last part's: its statuses follow the one seen last)."""
        headers = {"Authorization": f"Bearer {channel.secrets.get('access_token', '')}"}
        answer = post_json(_messages_url(channel.config), payload, headers=headers)
        return str(answer.get("messages", [{}])[0].get("id", ""))

    def send_typing(self, channel: ChannelInfo, contact: Contact) -> None:
        """The typing indicator on the customer's message `contact.reference` (see `send_typing`)."""
        send_typing(config=channel.config, secrets=channel.secrets, reference=contact.reference)


def _status(status: dict[str, Any]) -> Status:
    errors = status.get("errors") or [{}]
    error = (
        f"{errors[0].get('code', '')} {errors[0].get('title', '')}".strip() if status.get("status") == "failed" else ""
    )
    return Status(str(status.get("id", "")), STATUS[status["status"]].value, error)


ADAPTER = WhatsApp()


def subscription_ok(channel: ChannelInfo, mode: str, token: str) -> bool:
    """Meta's webhook verification: `hub.mode` is subscribe and `hub.verify_token` the channel's."""
    return mode == "subscribe" and hmac.compare_digest(token, str(channel.secrets.get("verify_token", "")))
