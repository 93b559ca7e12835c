"""Telegram Bot API: webhook updates (messages, inline-keyboard callbacks, locations, photos, edits of
earlier messages) checked by `X-Telegram-Bot-Api-Secret-Token`; outbound text with inline keyboards, photos
and documents.

Channel config: `api_base_url` (default https://api.telegram.org). Secrets: `bot_token`, `webhook_secret`.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx

from flow_runtime.outputs import template_text
from flowstudio import http_pool
from flowstudio.channels.base import Capabilities, ChannelInfo, Contact, Inbound, Outgoing, Payload, Refused, post_json
from flowstudio.services.conversations.edits import MessageEdit
from flowstudio.services.conversations.inbound import InboundEvent

log = logging.getLogger("flowstudio.channel.telegram")


def parse_update(channel_id: int, update: dict[str, Any]) -> tuple[InboundEvent | None, str | None]:
    """The inbound event of an update, and the callback query id to answer (if it was a button press).

    A message's id is ``<chat id>:<message id>`` (Telegram numbers messages per chat), so a later edit finds
    it (`parse_edit`); a button press, which is no message of its own, is known by its update id.
    """
    callback = update.get("callback_query")
    if callback:
        chat = (callback.get("message") or {}).get("chat") or callback.get("from") or {}
        return InboundEvent(
            kind="click",
            external_user_id=str(chat.get("id", "")),
            button_id=callback.get("data", ""),
            contact_name=_name(callback.get("from") or {}),
            channel_id=channel_id,
            external_message_id=str(update.get("update_id", "")) or None,
        ), callback.get("id")
    message = update.get("message")
    if not message:
        return None, None
    common = {
        "channel_id": channel_id,
        "external_message_id": _message_key(message),
        "external_user_id": str(message.get("chat", {}).get("id", "")),
        "contact_name": _name(message.get("from") or {}),
        "sent_at": datetime.fromtimestamp(message["date"], UTC) if message.get("date") else None,
    }
    if "text" in message:
        return InboundEvent(kind="text", text=message["text"], **common), None
    if "location" in message:
        where = message["location"]
        return InboundEvent(
            kind="location", data={"lat": where.get("latitude"), "lng": where.get("longitude")}, **common
        ), None
    for field, kind in (
        ("photo", "image"),
        ("document", "document"),
        ("voice", "audio"),
        ("audio", "audio"),
        ("video", "video"),
    ):
        if field in message:
            media = message[field][-1] if isinstance(message[field], list) else message[field]
            return InboundEvent(
                kind=kind, text=message.get("caption", ""), data={"file_id": media.get("file_id")}, **common
            ), None
    return None, None


def parse_edit(channel_id: int, update: dict[str, Any]) -> MessageEdit | None:
    """The edit an `edited_message` update carries (a new text or caption), else None."""
    message = update.get("edited_message")
    if not message or ("text" not in message and "caption" not in message):
        return None
    edited = message.get("edit_date") or message.get("date")
    return MessageEdit(
        channel_id=channel_id,
        external_user_id=str(message.get("chat", {}).get("id", "")),
        external_message_id=_message_key(message),
        text=message.get("text", message.get("caption")),
        edited_at=datetime.fromtimestamp(edited, UTC) if edited else datetime.now(UTC),
    )


def _message_key(message: dict[str, Any]) -> str:
    return f"{message.get('chat', {}).get('id', '')}:{message.get('message_id', '')}"


def _name(user: dict[str, Any]) -> str:
    return " ".join(x for x in (user.get("first_name"), user.get("last_name")) if x) or user.get("username", "")


def _api(config: dict[str, Any], secrets: dict[str, Any], method: str) -> str:
    base = config.get("api_base_url", "https://api.telegram.org").rstrip("/")
    return f"{base}/bot{secrets.get('bot_token', '')}/{method}"


def _answer_callback(config: dict[str, Any], secrets: dict[str, Any], callback_id: str) -> None:
    """Stop the button's spinner in the user's app (best effort)."""
    try:
        http_pool.post(_api(config, secrets, "answerCallbackQuery"), json={"callback_query_id": callback_id}, timeout=5)
    except httpx.HTTPError:
        log.warning("channel.telegram.callback_not_answered", extra={"callback_id": callback_id})


def render(output: dict[str, Any], chat_id: str) -> tuple[str, dict[str, Any]]:
    """One engine output as a Bot API method and its parameters."""
    kind = output.get("type")
    if kind == "media":
        method, field = ("sendPhoto", "photo") if output.get("media_type") == "image" else ("sendDocument", "document")
        body = {"chat_id": chat_id, field: output.get("url")}
        if output.get("caption"):
            body["caption"] = output["caption"]
        return method, body
    if kind == "template":  # WhatsApp only: its fallback text here
        return "sendMessage", {"chat_id": chat_id, "text": template_text(output) or "…"}
    body: dict[str, Any] = {"chat_id": chat_id, "text": output.get("text") or "…"}
    if kind == "buttons":
        body["reply_markup"] = {
            "inline_keyboard": [[{"text": b["label"], "callback_data": b["id"]}] for b in output.get("buttons", [])]
        }
    elif kind == "carousel":
        rows = []
        for card in output.get("cards", []):
            for b in card.get("buttons", []):
                label = f"{card.get('title', '')}: {b.get('label', '')}"
                rows.append(
                    [{"text": label, "url": b["url"]} if b.get("url") else {"text": label, "callback_data": b["id"]}]
                )
        body["text"] = output.get("text") or "\n".join(
            f"• {c.get('title', '')}" + (f" — {c['subtitle']}" if c.get("subtitle") else "") for c in output["cards"]
        )
        body["reply_markup"] = {"inline_keyboard": rows}
    return "sendMessage", body


def send(
    *,
    config: dict[str, Any],
    secrets: dict[str, Any],
    recipient: str,
    output: dict[str, Any],
    last_inbound_at: datetime | None,
    **_: Any,
) -> str:
    """Send one output; returns Telegram's message id."""
    channel = ChannelInfo(0, "telegram", config, secrets)
    [payload] = ADAPTER.render(channel, Outgoing(recipient, output, last_inbound_at))
    return ADAPTER.send(channel, payload)


TYPING_TIMEOUT_S = 5


def send_typing(*, config: dict[str, Any], secrets: dict[str, Any], recipient: str, **_: Any) -> None:
    """Show "typing…" in the chat (Telegram clears it after 5 s or when a message arrives).

    Raises:
        DeliveryError: the Bot API refused it or did not answer in time.
    """
    post_json(
        _api(config, secrets, "sendChatAction"), {"chat_id": recipient, "action": "typing"}, timeout=TYPING_TIMEOUT_S
    )


class Telegram:
    """The Telegram Bot API adapter (see the module's docstring)."""

    kind = "telegram"
    capabilities = Capabilities(max_buttons=100, typing=True)

    def verify(self, channel: ChannelInfo, headers: Mapping[str, str], body: bytes) -> None:
        """Refused (401) unless the update carries the channel's secret token."""
        token = headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(token, str(channel.secrets.get("webhook_secret", ""))) or not token:
            raise Refused(401, "bad or missing X-Telegram-Bot-Api-Secret-Token")

    def parse(self, channel: ChannelInfo, payload: Any) -> Inbound:
        """An update: an edit of an earlier message (no new turn), or a message or button press; a press is
        acknowledged (the button's spinner stops)."""
        edit = parse_edit(channel.id, payload)
        if edit is not None:
            return Inbound(edits=[edit])
        event, callback_id = parse_update(channel.id, payload)
        return Inbound(
            events=[event] if event is not None else [],
            acknowledge=partial(_answer_callback, channel.config, channel.secrets, callback_id)
            if callback_id
            else None,
        )

    def render(self, channel: ChannelInfo, message: Outgoing) -> list[Payload]:
        """One Bot API call: ``{"method": ..., "body": ...}``."""
        method, body = render(message.output, message.recipient)
        return [{"method": method, "body": body}]

    def send(self, channel: ChannelInfo, payload: Payload) -> str:
        """Call the Bot API; Telegram's message id."""
        answer = post_json(_api(channel.config, channel.secrets, payload["method"]), payload["body"])
        return str(answer.get("result", {}).get("message_id", ""))

    def send_typing(self, channel: ChannelInfo, contact: Contact) -> None:
        """ "typing…" in the chat (see `send_typing`)."""
        send_typing(config=channel.config, secrets=channel.secrets, recipient=contact.recipient)


ADAPTER = Telegram()
