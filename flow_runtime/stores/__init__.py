"""Session stores: in-memory (tests, single process) and Redis (many processes)."""

from flow_runtime.stores.base import LockTimeout, SessionStore, VersionConflict
from flow_runtime.stores.memory import InMemorySessionStore

__all__ = ["InMemorySessionStore", "LockTimeout", "SessionStore", "VersionConflict"]
