"""Engine outputs as WhatsApp Cloud API messages: one output may need several messages.

WhatsApp has no free-form carousel and at most 3 reply buttons or 10 list rows per message, so:

- buttons: up to 3 go out as reply buttons; more as a list opened by a "See options" button (in the
  conversation's language), 10 rows a list, further lists following ("More options (2/3)"): nothing dropped;
- carousel: its text (if any), then one message per card: reply buttons under the card's image and its
  title and subtitle, a link button as a call-to-action URL message, a card without buttons as an image
  with a caption (or a text);
- a message body is never empty: buttons without text get "Choose an option".

Shapes and limits as Meta documents them (body 1024, button title 20, list button 20, row title 24, row
description 72, 10 rows per list):
https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages
https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-list-messages
https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-cta-url-messages
"""

from __future__ import annotations

from typing import Any

from flowstudio.i18n import translate

MAX_REPLY_BUTTONS = 3
MAX_LIST_ROWS = 10
BODY_LIMIT = 1024
TEXT_LIMIT = 4096
BUTTON_TITLE_LIMIT = 20
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
CAPTION_LIMIT = 1024

Payload = dict[str, Any]


def ui_language(bot_language: str | None) -> str:
    """The catalog language (`flowstudio.i18n`) for a conversation's language (``pt``, ``es``, ``en``,
    ``fr``): French bots get English labels until there is a French catalog."""
    return {"es": "es", "en": "en", "fr": "en"}.get((bot_language or "pt")[:2], "pt-BR")


def interactive_messages(output: Payload, lang: str) -> list[Payload]:
    """The `interactive` objects (or plain text/image message parts) of a buttons or carousel output, in the
    order they go out. Each item is ``{"type": ..., <type>: {...}}`` without the recipient fields.

    Args:
        output: A ``buttons`` or ``carousel`` engine output.
        lang: A catalog language (see :func:`ui_language`) for the list button and the fallback bodies.
    """
    if output.get("type") == "carousel":
        parts = [_text(output["text"])] if (output.get("text") or "").strip() else []
        for card in output.get("cards") or []:
            parts.extend(_card(card, lang))
        return parts
    rows = [{"id": b["id"], "title": str(b.get("label", ""))} for b in output.get("buttons") or []]
    body = (output.get("text") or "").strip() or translate("whatsapp.choose", lang)
    return _choice(body, rows, lang)


def _choice(body: str, options: list[dict[str, str]], lang: str, header: Payload | None = None) -> list[Payload]:
    """Reply buttons when they fit, else as many lists as the options need (the first with `body`)."""
    if len(options) <= MAX_REPLY_BUTTONS:
        interactive: Payload = {
            "type": "button",
            "body": {"text": body[:BODY_LIMIT]},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": o["id"], "title": o["title"][:BUTTON_TITLE_LIMIT]}}
                    for o in options
                ]
            },
        }
        if header:
            interactive["header"] = header
        return [{"type": "interactive", "interactive": interactive}]
    pages = [options[i : i + MAX_LIST_ROWS] for i in range(0, len(options), MAX_LIST_ROWS)]
    label = translate("whatsapp.list_button", lang)[:BUTTON_TITLE_LIMIT]
    lists = []
    for number, rows in enumerate(pages, 1):
        text = body if number == 1 else translate("whatsapp.more_options", lang, page=number, pages=len(pages))
        lists.append(
            {
                "type": "interactive",
                "interactive": {
                    "type": "list",
                    "body": {"text": text[:BODY_LIMIT]},
                    "action": {"button": label, "sections": [{"title": label, "rows": [_row(r) for r in rows]}]},
                },
            }
        )
    return lists


def _row(option: dict[str, str]) -> dict[str, str]:
    row = {"id": option["id"], "title": option["title"][:ROW_TITLE_LIMIT]}
    if option.get("description"):
        row["description"] = option["description"][:ROW_DESCRIPTION_LIMIT]
    return row


def _card(card: Payload, lang: str) -> list[Payload]:
    """One card: its reply buttons under its image, each link button as a call-to-action message."""
    title, subtitle = str(card.get("title") or "").strip(), str(card.get("subtitle") or "").strip()
    body = "\n".join(x for x in (f"*{title}*" if title else "", subtitle) if x) or translate("whatsapp.choose", lang)
    image = _public_image(card.get("image"))
    header = {"type": "image", "image": {"link": image}} if image else None
    replies = [
        {"id": b["id"], "title": str(b.get("label", "")), "description": subtitle}
        for b in card.get("buttons") or []
        if not b.get("url")
    ]
    links = [b for b in card.get("buttons") or [] if b.get("url")]
    parts = _choice(body, replies, lang, header) if replies else []
    for link in links:
        cta: Payload = {
            "type": "cta_url",
            "body": {"text": (body if not parts else title or body)[:BODY_LIMIT]},
            "action": {
                "name": "cta_url",
                "parameters": {"display_text": str(link.get("label", ""))[:BUTTON_TITLE_LIMIT], "url": link["url"]},
            },
        }
        if header and not parts:
            cta["header"] = header
        parts.append({"type": "interactive", "interactive": cta})
    if parts:
        return parts
    if image:
        return [{"type": "image", "image": {"link": image, "caption": body[:CAPTION_LIMIT]}}]
    return [_text(body)]


def _text(text: str) -> Payload:
    return {"type": "text", "text": {"preview_url": False, "body": text[:TEXT_LIMIT]}}


def _public_image(url: Any) -> str | None:
    """The image's address if WhatsApp's servers can fetch it (absolute http(s)); a relative path served by
    this app is not reachable from Meta, so the card goes without its image rather than fail."""
    url = str(url or "")
    return url if url.startswith(("https://", "http://")) else None
