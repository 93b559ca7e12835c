"""The session-store contract: load, optimistic save, delete, per-conversation lock."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from flow_runtime.session import Session


class VersionConflict(RuntimeError):
    """Someone saved the session since it was loaded; reload and retry the turn."""


class LockTimeout(TimeoutError):
    """The conversation lock could not be acquired in time."""


@runtime_checkable
class SessionStore(Protocol):
    """Where sessions live between events.

    ``save`` is optimistic: it succeeds only when the stored version equals
    ``session.version`` (0 for a session never saved) and returns the session with the
    version bumped. ``lock`` serialises the turns of one conversation across workers.
    """

    def load(self, key: str) -> Session | None: ...

    def save(self, key: str, session: Session) -> Session: ...

    def delete(self, key: str) -> None: ...

    def lock(self, key: str, *, timeout: float = 30.0, wait: float = 10.0) -> AbstractContextManager[None]: ...
