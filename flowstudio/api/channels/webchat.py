"""Webchat: the embeddable widget's endpoints (send, history, a server-sent event stream) and a demo page.

The widget (`assets/webchat.js`) is added to any page with one tag:
`<script src="https://HOST/webchat/widget.js" data-key="CHANNEL_KEY" data-color="#4f46e5" async></script>`.
Bot replies are visible once their delivery task has run, so the flow's wait seconds are honoured.
While the conversation's agent types, the polling answer's `typing` holds the seconds the widget shows
"typing…" (0 when not), and the stream sends an `event: typing` with `{"seconds": ...}` for each new signal.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlmodel import select

from flow_runtime.outputs import template_text
from flowstudio.api.channels.common import find_channel, take_turn
from flowstudio.db import session_scope
from flowstudio.models import Channel, ChannelKind, ContactIdentity, Conversation, DeliveryStatus, Direction, Message
from flowstudio.services.conversations import InboundEvent
from flowstudio.services.typing import webchat_typing

router = APIRouter(tags=["webchat"])
WIDGET = Path(__file__).resolve().parents[3] / "assets" / "webchat.js"
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type"}
VISITOR = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class WebchatMessageIn(BaseModel):
    """What the widget sends: typed text, or a pressed button."""

    visitor_id: str = Field(pattern=VISITOR.pattern, description="Random id the widget keeps in localStorage.")
    client_message_id: str = Field(min_length=8, max_length=64, description="Dedupe key for retried sends.")
    text: str = Field(default="", max_length=4000)
    button_id: str = Field(default="", max_length=128)
    label: str = Field(default="", max_length=200)


def _history(channel_id: int, visitor_id: str, after: int) -> list[dict[str, Any]]:
    with session_scope() as session:
        identity = session.exec(select(ContactIdentity).where(ContactIdentity.channel_id == channel_id,
                                                              ContactIdentity.external_id == visitor_id)).first()
        if identity is None:
            return []
        conversation_ids = select(Conversation.id).where(Conversation.contact_id == identity.contact_id,
                                                         Conversation.channel_id == channel_id)
        rows = session.exec(select(Message).where(Message.conversation_id.in_(conversation_ids), Message.id > after)
                            .order_by(Message.id)).all()
        shown = []
        for message in rows:
            if message.direction == Direction.OUTBOUND and message.status not in (
                    DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ):
                break  # keep order: nothing after a reply still waiting for its turn
            text = (template_text(message.payload) if message.payload.get("type") == "template"
                    else message.text or message.payload.get("label", ""))
            shown.append({"id": message.id, "from": "visitor" if message.direction == Direction.INBOUND else "bot",
                          "kind": message.kind, "text": text,
                          "payload": message.payload if message.direction == Direction.OUTBOUND else {}})
        return shown


@router.options("/api/v1/webchat/{key}/{rest:path}", include_in_schema=False)
async def preflight(key: str, rest: str) -> Response:
    """CORS preflight: the widget runs on other sites."""
    return Response(status_code=204, headers=CORS)


@router.get("/api/v1/webchat/{key}/config")
async def config(key: str) -> JSONResponse:
    """The widget's look and greeting, as configured on the channel."""
    channel = await find_channel("webchat", key)
    public = {k: channel.config.get(k) for k in ("title", "greeting", "color", "position") if channel.config.get(k)}
    return JSONResponse(public, headers=CORS)


@router.post("/api/v1/webchat/{key}/messages", status_code=202)
async def send(key: str, body: WebchatMessageIn) -> JSONResponse:
    """A visitor's message or button press."""
    channel = await find_channel("webchat", key)
    if not body.text.strip() and not body.button_id:
        raise HTTPException(status_code=422, detail="send a text or a button_id")
    event = InboundEvent(channel_id=channel.id, external_user_id=body.visitor_id,
                         external_message_id=body.client_message_id, kind="click" if body.button_id else "text",
                         text=body.label if body.button_id else body.text.strip(), button_id=body.button_id,
                         contact_name="Visitante")
    result = await take_turn(event)
    return JSONResponse({"accepted": True, "duplicate": result.duplicate, "message_id": result.message_id},
                        status_code=202, headers=CORS)


@router.get("/api/v1/webchat/{key}/messages")
async def history(key: str, visitor: str = Query(pattern=VISITOR.pattern), after: int = 0) -> JSONResponse:
    """The visitor's conversation after message `after` (the widget's polling fallback)."""
    channel = await find_channel("webchat", key)
    messages, (typing, _) = await run_in_threadpool(_updates, channel.id, visitor, after)
    return JSONResponse({"messages": messages, "typing": round(typing, 1)}, headers=CORS)


def _updates(channel_id: int, visitor_id: str, after: int) -> tuple[list[dict[str, Any]], tuple[float, str]]:
    """The messages after `after`, and whether the agent is typing (seconds left, signal id)."""
    return _history(channel_id, visitor_id, after), webchat_typing(channel_id, visitor_id)


@router.get("/api/v1/webchat/{key}/stream")
async def stream(key: str, request: Request, visitor: str = Query(pattern=VISITOR.pattern),
                 after: int = 0) -> StreamingResponse:
    """Server-sent events: each new message of the visitor's conversation as it becomes visible, and an
    `event: typing` each time the agent is seen typing."""
    channel = await find_channel("webchat", key)

    async def events():
        last, typing_sent = after, ""
        for _ in range(600):  # ~5 minutes, then the widget reconnects
            if await request.is_disconnected():
                return
            messages, (typing, signal) = await run_in_threadpool(_updates, channel.id, visitor, last)
            for message in messages:
                last = message["id"]
                yield f"id: {last}\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"
            if typing and signal != typing_sent:
                typing_sent = signal
                yield f"event: typing\ndata: {json.dumps({'seconds': round(typing, 1)})}\n\n"
            yield ": keep-alive\n\n"
            await asyncio.sleep(0.5)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={**CORS, "Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.get("/webchat/widget.js", include_in_schema=False)
async def widget() -> FileResponse:
    """The embeddable widget."""
    return FileResponse(WIDGET, media_type="text/javascript", headers={**CORS, "Cache-Control": "max-age=300"})


def _first_webchat_key() -> str | None:
    with session_scope() as session:
        return session.exec(select(Channel.key).where(Channel.kind == ChannelKind.WEBCHAT, Channel.is_active)
                            .order_by(Channel.id)).first()


@router.get("/webchat/demo", response_class=HTMLResponse, include_in_schema=False)
async def demo(key: str | None = None) -> HTMLResponse:
    """A page of a fictional pizzeria with the widget on it (the first webchat channel unless `key`)."""
    key = key or await run_in_threadpool(_first_webchat_key)
    if not key:
        raise HTTPException(status_code=404, detail="no webchat channel yet")
    safe = re.sub(r"[^A-Za-z0-9_-]", "", key)
    return HTMLResponse(f"""<!doctype html><html lang="pt-BR"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Pizzaria Bella</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;background:#fff7ed;color:#431407}}
header{{padding:48px 24px;background:#9a3412;color:#fff}}main{{padding:24px;max-width:720px}}</style></head>
<body><header><h1>Pizzaria Bella 🍕</h1><p>Pizzas artesanais desde 1998.</p></header>
<main><p>Peça pelo chat no canto da tela: nossa assistente Bella atende 24 horas.</p></main>
<script src="/webchat/widget.js" data-key="{safe}" data-color="#9a3412" data-title="Pizzaria Bella"
 data-greeting="Olá! Posso ajudar?" async></script></body></html>""")
