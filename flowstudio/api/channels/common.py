"""Shared pieces of the channel adapters."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import HTTPException, Request
from sqlmodel import select
from starlette.concurrency import run_in_threadpool

from flowstudio.db import session_scope
from flowstudio.models import Channel
from flowstudio.services.conversations.inbound import InboundEvent, InboundResult, handle_inbound


class DeliveryError(RuntimeError):
    """Sending failed. `retryable` says whether trying again later can help (timeouts, 5xx, 429)."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


@dataclass(frozen=True)
class ChannelInfo:
    """What a webhook needs of its channel (read once, outside the conversation's transaction)."""

    id: int
    kind: str
    config: dict
    secrets: dict


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


def http_failure(status: int, body: str) -> DeliveryError:
    """A provider's HTTP error as a DeliveryError (retry on 429 and 5xx only)."""
    return DeliveryError(f"HTTP {status}: {body[:300]}", retryable=status == 429 or status >= 500)


async def json_body(request: Request) -> Any:
    """The request's JSON, or HTTP 400 saying it is not JSON."""
    try:
        return await request.json()
    except ValueError as error:
        raise HTTPException(status_code=400, detail="body is not JSON") from error


def post_json(
    url: str, body: dict[str, Any], *, headers: dict[str, str] | None = None, timeout: float = 10
) -> dict[str, Any]:
    """POST to a provider; its JSON answer, or a DeliveryError (retryable on network errors, 429 and 5xx)."""
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as error:
        raise DeliveryError(f"{type(error).__name__}: {error}", retryable=True) from error
    if response.status_code >= 300:
        raise http_failure(response.status_code, response.text)
    return response.json()


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
