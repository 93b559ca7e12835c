"""Live updates pushed, not polled: a nudge on a topic when something a page or a widget shows has changed.

A topic names what changed (`inbox_topic`: a workspace's inbox; `webchat_topic`: one visitor's conversation).
`publish` is called after the change is committed, from any thread or process (web, worker); `wait` is awaited
by whoever shows it (the inbox's background task, the widget's event stream), which then reads the database as
before. A nudge carries nothing but its topic: the database stays the one source, and a lost nudge costs only
the fallback poll's delay.

With Redis (`REDIS_URL`), a nudge is a `PUBLISH` on `flowstudio:live:<topic>` and every web process keeps one
subscriber (one connection, a pattern subscription) that wakes its waiters; nudges from the Celery worker
reach every web node. Without Redis (the default `make run`), nudges reach the waiters of the publishing
process only; the waiters' timeout (a fallback poll) covers what other processes change.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import redis.asyncio as aioredis

from flowstudio.services.conversations.locks import redis_client
from flowstudio.settings import get_settings

log = logging.getLogger("flowstudio.live")
PREFIX = "flowstudio:live:"
RETRY_S = 2.0
"""The subscriber reconnects this long after losing Redis (waiters fall back to their polls meanwhile)."""


def inbox_topic(workspace_id: int) -> str:
    """A workspace's inbox: a message came or went, a conversation changed owner, status or tags."""
    return f"inbox:{workspace_id}"


def webchat_topic(channel_id: int, visitor_id: str) -> str:
    """One webchat visitor's conversation: a message became visible, the agent typed, the status changed."""
    return f"webchat:{channel_id}:{visitor_id}"


class _Hub:
    """The waiters of one event loop, and (with Redis) the loop's subscriber task."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiters: dict[str, set[asyncio.Future[None]]] = {}
        self.subscriber: asyncio.Task[None] | None = None
        self.connected = False

    def wake(self, topic: str) -> None:
        """On the hub's loop: resolve every waiter of `topic`."""
        for future in self.waiters.pop(topic, ()):
            if not future.done():
                future.set_result(None)

    async def listen(self, url: str) -> None:
        """Relay Redis nudges to this loop's waiters, reconnecting after a failure, for the loop's life."""
        while True:
            client = aioredis.Redis.from_url(url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.psubscribe(f"{PREFIX}*")
                    self.connected = True
                    async for message in pubsub.listen():
                        if message.get("type") == "pmessage":
                            self.wake(message["channel"].decode()[len(PREFIX) :])
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Redis went away: waiters poll until it is back
                log.warning("live.subscriber_lost", extra={"error": str(error)})
            finally:
                self.connected = False
                await client.aclose()
            await asyncio.sleep(RETRY_S)


_hubs: dict[asyncio.AbstractEventLoop, _Hub] = {}
_hubs_lock = threading.Lock()


def _hub() -> _Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        with _hubs_lock:
            for stale in [other for other in _hubs if other.is_closed()]:
                del _hubs[stale]
            hub = _hubs[loop] = _Hub(loop)
    url = get_settings().redis_url
    if url and (hub.subscriber is None or hub.subscriber.done()):
        hub.subscriber = loop.create_task(hub.listen(url), name="flowstudio-live-subscriber")
    return hub


def pushed() -> bool:
    """Whether nudges from other processes reach this loop now (its Redis subscriber is connected): callers
    may then poll less often."""
    try:
        hub = _hubs.get(asyncio.get_running_loop())
    except RuntimeError:
        return False
    return bool(hub and hub.connected)


async def wait(topic: str, timeout: float) -> bool:
    """Wait until `topic` is nudged (True) or `timeout` seconds pass (False)."""
    hub = _hub()
    future: asyncio.Future[None] = hub.loop.create_future()
    hub.waiters.setdefault(topic, set()).add(future)
    try:
        await asyncio.wait_for(future, timeout)
        return True
    except TimeoutError:
        return False
    finally:
        waiting = hub.waiters.get(topic)
        if waiting is not None:
            waiting.discard(future)
            if not waiting:
                del hub.waiters[topic]


def publish(*topics: str, pipeline: Any = None) -> None:
    """Nudge the waiters of `topics` (after the change they show was committed). With `pipeline` (a redis-py
    pipeline the caller executes next, on the configured Redis), the nudges travel in its round trip. Never
    raises: a nudge that cannot be sent leaves its waiters to their fallback poll."""
    if not topics:
        return
    url = get_settings().redis_url
    if not url:
        for hub in list(_hubs.values()):
            if not hub.loop.is_closed():
                for topic in topics:
                    hub.loop.call_soon_threadsafe(hub.wake, topic)
        return
    try:
        target = pipeline if pipeline is not None else redis_client(url).pipeline(transaction=False)
        for topic in topics:
            target.publish(f"{PREFIX}{topic}", b"")
        if pipeline is None:
            target.execute()
    except Exception as error:
        log.warning("live.publish_failed", extra={"topics": topics, "error": str(error)})
