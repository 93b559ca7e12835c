"""One conversation at a time: a lock per conversation, in Redis when configured, else in this process.

With PostgreSQL the conversation row is also locked (`SELECT ... FOR UPDATE`) inside the transaction,
so several processes without Redis still take turns; SQLite serialises writers by itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from flowstudio.settings import get_settings

LOCK_TIMEOUT_S = 30


class LockTimeout(RuntimeError):
    """The conversation stayed locked too long (a stuck worker?); the event can be retried."""


_local_locks: dict[int, threading.Lock] = {}
_local_guard = threading.Lock()


@cache
def _redis(url: str):  # noqa: ANN202 - a redis.Redis
    import redis

    return redis.Redis.from_url(url)


@contextmanager
def conversation_lock(conversation_id: int) -> Iterator[None]:
    """Hold the conversation's lock for the duration of the block."""
    url = get_settings().redis_url
    if url:
        lock = _redis(url).lock(f"flowstudio:lock:conversation:{conversation_id}", timeout=LOCK_TIMEOUT_S,
                                blocking_timeout=LOCK_TIMEOUT_S)
        if not lock.acquire():
            raise LockTimeout(f"conversation {conversation_id} is busy")
        try:
            yield
        finally:
            try:
                lock.release()
            except Exception:  # noqa: BLE001 - expired while we worked: the next holder is already in
                pass
        return
    with _local_guard:
        lock = _local_locks.setdefault(conversation_id, threading.Lock())
    if not lock.acquire(timeout=LOCK_TIMEOUT_S):
        raise LockTimeout(f"conversation {conversation_id} is busy")
    try:
        yield
    finally:
        lock.release()
