"""A message as the inbox shows it: its bubble (text, buttons, cards, file, time) and its one-line preview."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from flow_runtime.outputs import template_text
from flowstudio.models import (
    Direction,
    Message,
    SenderType,
    as_utc,
    utcnow,
)


def clock_text(moment: datetime | None, zone: tzinfo, now: datetime) -> str:
    """A time as the inbox shows it: ``HH:MM`` today, ``dd/mm HH:MM`` before."""
    if moment is None:
        return ""
    local = as_utc(moment).astimezone(zone)
    return local.strftime("%H:%M") if local.date() == now.astimezone(zone).date() else local.strftime("%d/%m %H:%M")


def preview(message: Message) -> str:
    """A message in one line of plain text (the list's preview)."""
    body = render_message(message, UTC, utcnow())
    text = body["text"] or body["file_name"] or (body["buttons"][0] if body["buttons"] else "")
    if body["kind"] in ("image", "file") and not text:
        text = body["kind"]
    return " ".join(str(text).split())[:120]


def render_message(message: Message, zone: tzinfo, now: datetime) -> dict[str, Any]:
    """A message as the chat pane draws it (plain strings only: the page renders them as text).

    Returns:
        ``{id, side ("in"|"out"), sender, kind ("text"|"buttons"|"cards"|"image"|"file"|"template"),
        text, buttons [labels], image_url, file_url, file_name, time, status, purpose}``.
    """
    payload = dict(message.payload or {})
    kind, text, buttons_, image, file_url, file_name = "text", message.text or "", [], "", "", ""
    output_type = payload.get("type") if message.direction == Direction.OUTBOUND else None
    if output_type == "buttons":
        kind, text = "buttons", payload.get("text") or text
        buttons_ = [str(b.get("label", "")) for b in payload.get("buttons") or []]
    elif output_type == "carousel":
        kind, text = "cards", payload.get("text") or ""
        for card in payload.get("cards") or []:
            buttons_.append(" · ".join(x for x in (str(card.get("title") or ""), str(card.get("subtitle") or "")) if x))
    elif output_type == "template":
        kind, text = "template", template_text(payload)
    elif output_type == "media" or payload.get("url"):
        url = str(payload.get("url") or "")
        media_type = str(payload.get("media_type") or message.kind or "")
        text = str(payload.get("caption") or message.text or "")
        file_name = str(payload.get("filename") or url.rsplit("/", 1)[-1])
        if url.startswith(("http://", "https://", "/")):
            if media_type == "image":
                kind, image = "image", url
            else:
                kind, file_url = "file", url
        else:
            kind = "file"
    elif message.direction == Direction.INBOUND and message.kind == "click":
        kind, text = "text", text or str(payload.get("label") or payload.get("button_id") or "")
    return {
        "id": message.id,
        "side": "in" if message.direction == Direction.INBOUND else "out",
        "sender": SenderType(message.sender_type).value,
        "kind": kind,
        "text": text,
        "buttons": buttons_,
        "image_url": image,
        "file_url": file_url,
        "file_name": file_name,
        "time": clock_text(message.created_at, zone, now),
        "status": str(message.status),
        "purpose": str(payload.get("purpose") or ""),
        "edited": bool(payload.get("edited_at")),
        "previous_text": str((payload.get("previous_texts") or [""])[-1]),
    }
