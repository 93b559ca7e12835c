"""Fixed-window rate limits: Redis when `REDIS_URL` is set (shared by every web node), else in-process.

The in-process fallback counts per process: with `make run`'s single machine and its two Granian
workers, a limit is at most twice as loose. Lockouts themselves live in the database
(`LoginThrottle`), so they hold across processes either way.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import lru_cache

import redis

from flowstudio.settings import get_settings

_PREFIX = "flowstudio:rl:"


@dataclass(frozen=True)
class Verdict:
    """Whether the attempt may go ahead, and if not, in how many seconds it may."""

    allowed: bool
    retry_after: int = 0


class _Memory:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, window: int) -> tuple[int, int]:
        now = time.monotonic()
        with self._lock:
            if len(self._windows) > 50_000:  # forget expired windows instead of growing without end
                self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
            expires, count = self._windows.get(key, (0.0, 0))
            if expires <= now:
                expires, count = now + window, 0
            count += 1
            self._windows[key] = (expires, count)
            return count, max(1, int(expires - now + 0.999))

    def reset(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def forgive(self, key: str) -> None:
        with self._lock:
            expires, count = self._windows.get(key, (0.0, 0))
            if count > 0:
                self._windows[key] = (expires, count - 1)


_memory = _Memory()


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def hit(key: str, *, limit: int, window: int) -> Verdict:
    """Count one attempt under `key`; refused once more than `limit` fall in the current `window` seconds."""
    url = get_settings().redis_url
    if url:
        client = _redis(url)
        name = _PREFIX + key
        with client.pipeline() as pipe:
            pipe.incr(name)
            pipe.expire(name, window, nx=True)
            pipe.ttl(name)
            count, _, ttl = pipe.execute()
        count, retry = int(count), max(1, int(ttl))
    else:
        count, retry = _memory.hit(key, window)
    return Verdict(True) if count <= limit else Verdict(False, retry)


def reset(key: str) -> None:
    """Forget the attempts under `key` (after a success)."""
    url = get_settings().redis_url
    if url:
        _redis(url).delete(_PREFIX + key)
    else:
        _memory.reset(key)


def forgive(key: str) -> None:
    """Take back one attempt counted under `key` (it succeeded: limits are for guessing, not for using)."""
    url = get_settings().redis_url
    if url:
        client = _redis(url)
        name = _PREFIX + key
        if int(client.decr(name)) < 0:  # expired in between: nothing to take back
            client.delete(name)
    else:
        _memory.forgive(key)
