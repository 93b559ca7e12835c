"""Redis session store: a hash per session (version + JSON), TTL, Lua compare-and-set, Redis locks.

The redis-py client is injected by the caller; this is the only module that touches Redis.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from redis.exceptions import LockError

from flow_runtime.session import Session
from flow_runtime.stores.base import LockTimeout, VersionConflict

_SAVE = """
local current = redis.call('HGET', KEYS[1], 'version')
if current == false then current = '0' end
if current ~= ARGV[1] then return -1 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'data', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return tonumber(ARGV[2])
"""


class RedisSessionStore:
    """Sessions in Redis, safe across processes.

    Args:
        client: A ``redis.Redis`` client (``decode_responses`` either way).
        prefix: Key prefix; the session lives at ``<prefix><key>``, its lock at ``<prefix>lock:<key>``.
        ttl_seconds: Idle time after which Redis drops the session.
    """

    def __init__(self, client: Any, *, prefix: str = "flowstudio:session:", ttl_seconds: float = 86_400) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl_ms = int(ttl_seconds * 1000)
        self._save = client.register_script(_SAVE)

    def _key(self, key: str) -> str:
        return self.prefix + key

    def load(self, key: str) -> Session | None:
        """The stored session, or ``None``."""
        data = self.client.hmget(self._key(key), ["version", "data"])
        if data[1] is None:
            return None
        version, raw = (v.decode() if isinstance(v, bytes) else v for v in data)
        return replace(Session.from_json(raw), version=int(version))

    def save(self, key: str, session: Session) -> Session:
        """Compare-and-set on the version, then refresh the TTL.

        Raises:
            VersionConflict: Someone saved since ``session`` was loaded.
        """
        saved = replace(session.copy(), version=session.version + 1)
        result = self._save(
            keys=[self._key(key)], args=[str(session.version), str(saved.version), saved.to_json(), self.ttl_ms]
        )
        if int(result) < 0:
            raise VersionConflict(f"session {key!r} changed since version {session.version}")
        return saved

    def delete(self, key: str) -> None:
        """Forget a session."""
        self.client.delete(self._key(key))

    @contextmanager
    def lock(self, key: str, *, timeout: float = 30.0, wait: float = 10.0) -> Iterator[None]:
        """Hold the conversation's Redis lock (auto-released after ``timeout`` seconds).

        Raises:
            LockTimeout: Not acquired within ``wait`` seconds.
        """
        lock = self.client.lock(f"{self.prefix}lock:{key}", timeout=timeout, blocking_timeout=wait)
        if not lock.acquire():
            raise LockTimeout(f"conversation {key!r} is busy")
        try:
            yield
        finally:
            try:
                lock.release()
            except LockError:  # the lock expired meanwhile; nothing left to release
                pass
