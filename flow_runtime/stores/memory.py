"""In-memory session store with TTL, optimistic versions and per-key locks (one process only)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from flow_runtime.ports import Clock, SystemClock
from flow_runtime.session import Session
from flow_runtime.stores.base import LockTimeout, VersionConflict


class InMemorySessionStore:
    """Keeps sessions as JSON in a dict, so stored data never aliases live objects.

    Args:
        ttl_seconds: Idle time after which a session is forgotten.
        clock: Time source (a fake in tests).
    """

    def __init__(self, *, ttl_seconds: float = 86_400, clock: Clock | None = None) -> None:
        self.ttl_seconds = ttl_seconds
        self.clock = clock or SystemClock()
        self._data: dict[str, tuple[int, str, float]] = {}
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _current(self, key: str) -> tuple[int, str, float] | None:
        entry = self._data.get(key)
        if entry is not None and entry[2] <= self._now():
            del self._data[key]
            return None
        return entry

    def load(self, key: str) -> Session | None:
        """The stored session, or ``None`` (never saved, deleted or expired)."""
        with self._guard:
            entry = self._current(key)
        return None if entry is None else replace(Session.from_json(entry[1]), version=entry[0])

    def save(self, key: str, session: Session) -> Session:
        """Store if nobody saved since ``session`` was loaded; returns it with the new version.

        Raises:
            VersionConflict: The stored version differs from ``session.version``.
        """
        with self._guard:
            entry = self._current(key)
            stored = entry[0] if entry else 0
            if stored != session.version:
                raise VersionConflict(f"session {key!r} is at version {stored}, not {session.version}")
            saved = replace(session.copy(), version=stored + 1)
            self._data[key] = (saved.version, saved.to_json(), self._now() + self.ttl_seconds)
        return saved

    def delete(self, key: str) -> None:
        """Forget a session."""
        with self._guard:
            self._data.pop(key, None)

    @contextmanager
    def lock(self, key: str, *, timeout: float = 30.0, wait: float = 10.0) -> Iterator[None]:
        """Hold the conversation's lock (``timeout`` is unused in memory).

        Raises:
            LockTimeout: Not acquired within ``wait`` seconds.
        """
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        if not lock.acquire(timeout=wait):
            raise LockTimeout(f"conversation {key!r} is busy")
        try:
            yield
        finally:
            lock.release()
