"""What the channel routes share: the channel of a webhook (cached), its JSON body, a turn in the thread pool,
delivery statuses reported by providers."""

from __future__ import annotations

import threading
import time
from typing import Any

import sqlalchemy as sa
from fastapi import HTTPException, Request
from sqlmodel import select
from starlette.concurrency import run_in_threadpool

from flowstudio.channels.base import ChannelInfo, Status
from flowstudio.db import session_scope
from flowstudio.models import Channel, DeliveryStatus, Message
from flowstudio.services.conversations.inbound import InboundEvent, InboundResult, handle_inbound

CHANNEL_CACHE_S = 5.0
"""How long a process reuses a channel it read (every webhook needs it; it rarely changes). Changes made
in this process apply at once; other processes see them within this many seconds."""
_channels: dict[tuple[str, str], tuple[float, ChannelInfo]] = {}


@sa.event.listens_for(Channel, "after_insert")  # a new database (tests) may reuse a key
@sa.event.listens_for(Channel, "after_update")
@sa.event.listens_for(Channel, "after_delete")
def _forget_channels(*_args) -> None:
    _channels.clear()


def _cached_channel(kind: str, key: str) -> ChannelInfo | None:
    cached = _channels.get((kind, key))
    return cached[1] if cached is not None and cached[0] > time.monotonic() else None


async def find_channel(kind: str, key: str) -> ChannelInfo:
    """:func:`channel_or_404` for a webhook: from the cache on the event loop when fresh (no hop to a worker
    thread, which under load waits for the GIL behind the turns), else read in the thread pool."""
    return _cached_channel(kind, key) or await run_in_threadpool(channel_or_404, kind, key)


def channel_or_404(kind: str, key: str) -> ChannelInfo:
    """The active channel of that kind and key, else HTTP 404."""
    cached = _cached_channel(kind, key)
    if cached is not None:
        return cached
    with session_scope() as session:
        channel = session.exec(
            select(Channel).where(Channel.key == key, Channel.kind == kind, Channel.is_active)
        ).first()
        if channel is None:
            raise HTTPException(status_code=404, detail=f"no active {kind} channel '{key}'")
        info = ChannelInfo(channel.id, channel.kind, dict(channel.config), dict(channel.secrets))
    _channels[(kind, key)] = (time.monotonic() + CHANNEL_CACHE_S, info)
    return info


async def json_body(request: Request) -> Any:
    """The request's JSON, or HTTP 400 saying it is not JSON."""
    try:
        return await request.json()
    except ValueError as error:
        raise HTTPException(status_code=400, detail="body is not JSON") from error


TURNS_AT_ONCE = 4
"""Inbound turns a process runs at once. More threads than this only queue for the GIL and the database
pool; a short line costs less than many threads switching."""
_turns = threading.BoundedSemaphore(TURNS_AT_ONCE)  # a thread primitive: fine across event loops


async def take_turn(event: InboundEvent) -> InboundResult:
    """Handle an inbound event and queue its deliveries in a worker thread (the broker publish included:
    it never blocks the event loop), at most TURNS_AT_ONCE turns at a time. The deliveries are queued as the
    contact's lock is released, in the same round trip to Redis (see `handle_inbound`)."""

    def turn() -> InboundResult:
        with _turns:
            return handle_inbound(event, queue_deliveries=True)

    return await run_in_threadpool(turn)


_PROGRESS = [DeliveryStatus.QUEUED, DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ]


def apply_statuses(statuses: list[Status]) -> None:
    """Record the delivery statuses a provider reported: forward only (sent, delivered, read), or failed."""
    with session_scope() as session:
        for status in statuses:
            message = session.exec(select(Message).where(Message.channel_message_id == status.external_id)).first()
            if message is None:
                continue
            new = DeliveryStatus(status.new)
            if new == DeliveryStatus.FAILED:
                message.status, message.error = new, status.error
            elif message.status in _PROGRESS and _PROGRESS.index(new) > _PROGRESS.index(message.status):
                message.status = new
            session.add(message)
