"""One contact at a time: a lock per contact and channel, in Redis when configured, else in this process.

With PostgreSQL the conversation row is also locked (`SELECT ... FOR UPDATE`) inside the transaction,
so several processes without Redis still take turns; SQLite serialises writers by itself.

What must happen before the next turn of the same contact may start — a turn queueing its replies, so that
they are queued in the order the turns ran — is handed to `Held.before_release`: on a Redis lock its Redis
commands travel in the release's own round trip (one pipeline: the commands, then the release).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from flowstudio.settings import get_settings

log = logging.getLogger("flowstudio.locks")
LOCK_TIMEOUT_S = 30
LOCK_POLL_S = 0.01
"""How often a turn waiting for a busy Redis lock asks again. redis-py's default (0.1 s) made the second of
two messages a customer sends at once (common on WhatsApp) wait up to 100 ms after the first was done."""
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
"""Delete the lock only while it is still ours (it may have expired under a stalled turn and been taken)."""

Hook = Callable[[Any, str | None], None]
"""Called with (a Redis pipeline, that Redis server's URL) on a Redis lock, (None, None) on a local one."""


class LockTimeout(RuntimeError):
    """The conversation stayed locked too long (a stuck worker?); the event can be retried."""


class Held:
    """A lock being held."""

    def __init__(self) -> None:
        self.hooks: list[Hook] = []

    def before_release(self, hook: Hook) -> None:
        """Run `hook` just before the lock is released (a failing hook is logged; the lock is released)."""
        self.hooks.append(hook)


def _run_hooks(held: Held, pipeline: Any, url: str | None) -> None:
    for hook in held.hooks:
        try:
            hook(pipeline, url)
        except Exception:
            log.exception("lock.hook_failed")


_STRIPES = 1024
_local_locks = [threading.Lock() for _ in range(_STRIPES)]  # striped: bounded memory, rare false sharing


@cache
def redis_client(url: str):
    """The process's Redis client for `url` (one connection pool per server: locks, typing, task publishing)."""
    import redis

    return redis.Redis.from_url(url)


def contact_lock_key(channel_id: int, external_user_id: str) -> str:
    """What is locked while a contact's event is handled: one contact on one channel, one conversation."""
    return f"contact:{channel_id}:{external_user_id}"


@contextmanager
def conversation_lock(key: str) -> Iterator[Held]:
    """Hold the lock named `key` (a contact on a channel, or a conversation) for the duration of the block.

    Raises:
        LockTimeout: another holder kept it for LOCK_TIMEOUT_S.
    """
    held = Held()
    url = get_settings().redis_url
    if url:
        client, name, token = redis_client(url), f"flowstudio:lock:{key}", uuid.uuid4().hex
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while not client.set(name, token, nx=True, px=int(LOCK_TIMEOUT_S * 1000)):  # expires: a crashed holder
            if time.monotonic() >= deadline:
                raise LockTimeout(f"{key} is busy")
            time.sleep(LOCK_POLL_S)
        try:
            yield held
        finally:
            pipeline = client.pipeline(transaction=False)
            _run_hooks(held, pipeline, url)
            pipeline.eval(_RELEASE, 1, name, token)
            try:
                for outcome in pipeline.execute(raise_on_error=False):
                    if isinstance(outcome, Exception):
                        log.error("lock.release_command_failed", extra={"key": key, "error": str(outcome)})
            except Exception:
                log.exception("lock.release_failed", extra={"key": key})
        return
    lock = _local_locks[zlib.crc32(key.encode()) % _STRIPES]
    if not lock.acquire(timeout=LOCK_TIMEOUT_S):
        raise LockTimeout(f"{key} is busy")
    try:
        yield held
    finally:
        _run_hooks(held, None, None)
        lock.release()
