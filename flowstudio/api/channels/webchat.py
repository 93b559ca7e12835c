"""Webchat: the embeddable widget's endpoints (config, send, history, a server-sent event stream) and a demo page.

The widget (`assets/webchat.js`) is added to any page with one tag:
`<script src="https://HOST/webchat/widget.js" data-key="CHANNEL_KEY" data-color="#4f46e5" async></script>`.
Bot replies are visible once their delivery task has run, so the flow's wait seconds are honoured; an agent's
reply at once (`services.conversations.shown_now`). The stream is pushed: it reads when nudged (`live`).
What the widget is shown comes from `flowstudio.services.conversations.webchat`: each message with its sender kind (an
agent's with their name), notices (agent joined, conversation closed, back to the bot) and a status
(``owner``, ``typing`` seconds, ``typing_by``). The polling answer holds them all; the stream sends each item
as a plain event, an ``event: typing`` for each new agent signal, and an ``event: status`` when it changes.
"""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlmodel import col, select

from flowstudio.api.channels.common import find_channel, take_turn
from flowstudio.channels import webchat as adapter
from flowstudio.channels.base import ChannelInfo, Refused
from flowstudio.db import session_scope
from flowstudio.models import Channel, ChannelKind
from flowstudio.services.conversations import webchat as view
from flowstudio.services.conversations.inbound import InboundEvent
from flowstudio.services.conversations.typing_indicator import webchat_typing
from flowstudio.services.system import live

router = APIRouter(tags=["webchat"])
WIDGET = Path(__file__).resolve().parents[3] / "assets/webchat.js"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
}
VISITOR = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
STATUS_EVERY_S = 10.0
"""The stream repeats the status this often even unchanged (the widget's "typing…" lasts as long as told)."""
STREAM_S = 300.0
"""A stream lasts this long, then the widget reconnects (proxies drop long-lived responses)."""
POLL_S, PUSHED_POLL_S = 0.5, 3.0
"""The stream reads the conversation when nudged (`services.system.live`: a message became visible, the agent
typed), else after this many seconds: `POLL_S` while nudges from other processes cannot reach this one (no
Redis), `PUSHED_POLL_S` while they do (a missed nudge, a typing signal expiring)."""


async def _channel(key: str, request: Request) -> ChannelInfo:
    """The webchat channel `key`; HTTP 403 when the request comes from a site the channel does not allow."""
    channel = await find_channel("webchat", key)
    try:
        adapter.ADAPTER.verify(channel, request.headers, b"")
    except Refused as refused:
        raise HTTPException(status_code=refused.status, detail=refused.reason) from refused
    return channel


class WebchatMessageIn(BaseModel):
    """What the widget sends: typed text, or a pressed button."""

    visitor_id: str = Field(pattern=VISITOR.pattern, description="Random id the widget keeps in localStorage.")
    client_message_id: str = Field(min_length=8, max_length=64, description="Dedupe key for retried sends.")
    text: str = Field(default="", max_length=4000)
    button_id: str = Field(default="", max_length=128)
    label: str = Field(default="", max_length=200)
    name: str = Field(
        default="",
        max_length=200,
        description="The visitor's name, when the page knows it (`data-name`); names a new contact.",
    )


@router.options("/api/v1/webchat/{key}/{rest:path}", include_in_schema=False)
async def preflight(key: str, rest: str, request: Request) -> Response:
    """CORS preflight: the widget runs on other sites (those the channel allows)."""
    await _channel(key, request)
    return Response(status_code=204, headers=CORS)


@router.get("/api/v1/webchat/{key}/config")
async def config(key: str, request: Request) -> JSONResponse:
    """The widget's look and greeting as configured on the channel, its language (the bot's) and its texts."""
    channel = await _channel(key, request)
    public = {k: channel.config.get(k) for k in ("title", "greeting", "color", "position") if channel.config.get(k)}
    texts = await run_in_threadpool(view.widget_config, channel_id=channel.id)
    return JSONResponse({**public, **texts}, headers=CORS)


@router.post("/api/v1/webchat/{key}/messages", status_code=202)
async def send(key: str, body: WebchatMessageIn, request: Request) -> JSONResponse:
    """A visitor's message or button press; answers the status after the turn (is the bot still typing?)."""
    channel = await _channel(key, request)
    if not body.text.strip() and not body.button_id:
        raise HTTPException(status_code=422, detail="send a text or a button_id")
    name = await run_in_threadpool(
        view.visitor_name, channel_id=channel.id, visitor_id=body.visitor_id, given=body.name
    )
    event = InboundEvent(
        channel_id=channel.id,
        external_user_id=body.visitor_id,
        external_message_id=body.client_message_id,
        kind="click" if body.button_id else "text",
        text=body.label if body.button_id else body.text.strip(),
        button_id=body.button_id,
        contact_name=name,
    )
    result = await take_turn(event)
    status = await run_in_threadpool(view.status, channel_id=channel.id, visitor_id=body.visitor_id)
    return JSONResponse(
        {"accepted": True, "duplicate": result.duplicate, "message_id": result.message_id, "status": status},
        status_code=202,
        headers=CORS,
    )


@router.get("/api/v1/webchat/{key}/messages")
async def history(
    key: str, request: Request, visitor: str = Query(pattern=VISITOR.pattern), after: int = 0, notices_after: int = 0
) -> JSONResponse:
    """The visitor's conversation after message `after` and notice `notices_after` (the widget's polling
    fallback): ``messages`` (notices among them), ``typing`` seconds and ``status``."""
    channel = await _channel(key, request)
    feed = await run_in_threadpool(
        view.feed, channel_id=channel.id, visitor_id=visitor, after=after, notices_after=notices_after
    )
    return JSONResponse({"messages": feed.items, "typing": feed.status["typing"], "status": feed.status}, headers=CORS)


@router.get("/api/v1/webchat/{key}/stream")
async def stream(
    key: str, request: Request, visitor: str = Query(pattern=VISITOR.pattern), after: int = 0, notices_after: int = 0
) -> StreamingResponse:
    """Server-sent events: each new message or notice of the visitor's conversation as it becomes visible,
    an `event: typing` each time the agent is seen typing, and an `event: status` after new items, when the
    status changes, and every `STATUS_EVERY_S` seconds."""
    channel = await _channel(key, request)

    async def events():
        last, last_notice, typing_sent, status_sent, status_at = after, notices_after, "", None, 0.0
        topic, ends = live.webchat_topic(channel.id, visitor), time.monotonic() + STREAM_S
        while time.monotonic() < ends:  # then the widget reconnects
            if await request.is_disconnected():
                return
            feed = await run_in_threadpool(
                view.feed, channel_id=channel.id, visitor_id=visitor, after=last, notices_after=last_notice
            )
            for item in feed.items:
                if "id" in item:
                    last = item["id"]
                    yield f"id: {last}\ndata: {json.dumps(item, ensure_ascii=False)}\n\n"
                else:
                    yield f"data: {json.dumps(item, ensure_ascii=False)}\n\n"
            last_notice = feed.status["notices_after"]
            signal = webchat_typing(channel.id, visitor)[1] if feed.status["typing_by"] == "agent" else ""
            if signal and signal != typing_sent:
                typing_sent = signal
                yield f"event: typing\ndata: {json.dumps({'seconds': feed.status['typing']})}\n\n"
            shape = (feed.status["owner"], feed.status["typing_by"], signal)
            if feed.items or shape != status_sent or time.monotonic() - status_at > STATUS_EVERY_S:
                status_sent, status_at = shape, time.monotonic()
                yield f"event: status\ndata: {json.dumps(feed.status)}\n\n"
            yield ": keep-alive\n\n"
            await live.wait(topic, PUSHED_POLL_S if live.pushed() else POLL_S)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={**CORS, "Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/webchat/widget.js", include_in_schema=False)
async def widget() -> FileResponse:
    """The embeddable widget."""
    return FileResponse(WIDGET, media_type="text/javascript", headers={**CORS, "Cache-Control": "max-age=300"})


def _first_webchat_key() -> str | None:
    with session_scope() as session:
        return session.exec(
            select(Channel.key).where(Channel.kind == ChannelKind.WEBCHAT, Channel.is_active).order_by(col(Channel.id))
        ).first()


@router.get("/webchat/demo", response_class=HTMLResponse, include_in_schema=False)
async def demo(key: str | None = None, name: str = "") -> HTMLResponse:
    """A page of a fictional pizzeria with the widget on it (the first webchat channel unless `key`; `name`
    is passed to the widget as `data-name`, as a page that knows its visitor would)."""
    key = key or await run_in_threadpool(_first_webchat_key)
    if not key:
        raise HTTPException(status_code=404, detail="no webchat channel yet")
    safe = re.sub(r"[^A-Za-z0-9_-]", "", key)
    named = f' data-name="{html.escape(view.clean_name(name), quote=True)}"' if view.clean_name(name) else ""
    return HTMLResponse(f"""<!doctype html><html lang="pt-BR"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Pizzaria Bella</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;background:#fff7ed;color:#431407}}
header{{padding:48px 24px;background:#9a3412;color:#fff}}main{{padding:24px;max-width:720px}}</style></head>
<body><header><h1>Pizzaria Bella 🍕</h1><p>Pizzas artesanais desde 1998.</p></header>
<main><p>Peça pelo chat no canto da tela: nossa assistente Bella atende 24 horas.</p></main>
<script src="/webchat/widget.js" data-key="{safe}" data-color="#9a3412" data-title="Pizzaria Bella"
 data-greeting="Olá! Posso ajudar?"{named} async></script></body></html>""")
