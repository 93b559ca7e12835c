"""Sessions round-trip JSON; the in-memory and Redis stores."""

from __future__ import annotations

import threading

import pytest

from flow_runtime import Event, Session, new_session
from flow_runtime.stores import InMemorySessionStore, LockTimeout, VersionConflict
from flow_runtime.testing import FakeClock


def test_session_round_trips_json():
    session = new_session(id="c1", variables={"a": [1, {"b": None}]}, tags=["x"], cursor="q", retries=2)
    assert Session.from_json(session.to_json()) == session


def test_unknown_keys_from_newer_runtimes_are_ignored():
    data = new_session().to_dict() | {"future_field": 1}
    assert Session.from_dict(data) == new_session()


def test_copy_does_not_share_containers():
    session = new_session(variables={"a": 1})
    clone = session.copy()
    clone.variables["a"] = 2
    clone.tags.append("t")
    assert session.variables == {"a": 1} and session.tags == []


def test_event_round_trips():
    event = Event.location(1.5, 2.5)
    assert Event.from_dict(event.to_dict()) == event


@pytest.fixture
def memory_store():
    return InMemorySessionStore(ttl_seconds=60, clock=FakeClock())


def test_memory_store_saves_and_bumps_the_version(memory_store):
    saved = memory_store.save("c1", new_session(variables={"a": 1}))
    assert saved.version == 1
    assert memory_store.load("c1") == saved


def test_memory_store_rejects_a_stale_version(memory_store):
    memory_store.save("c1", new_session())
    with pytest.raises(VersionConflict):
        memory_store.save("c1", new_session())


def test_memory_store_expires_after_ttl():
    clock = FakeClock()
    store = InMemorySessionStore(ttl_seconds=60, clock=clock)
    store.save("c1", new_session())
    clock.advance(seconds=61)
    assert store.load("c1") is None


def test_memory_store_lock_excludes_a_second_holder(memory_store):
    with memory_store.lock("c1"):
        outcome = []
        thread = threading.Thread(target=lambda: outcome.append(_try_lock(memory_store, "c1")))
        thread.start()
        thread.join()
    assert outcome == ["timeout"]


def _try_lock(store, key):
    try:
        with store.lock(key, wait=0.05):
            return "acquired"
    except LockTimeout:
        return "timeout"


def test_memory_store_delete(memory_store):
    memory_store.save("c1", new_session())
    memory_store.delete("c1")
    assert memory_store.load("c1") is None


@pytest.fixture
def redis_store(redis_client):
    from flow_runtime.stores.redis_store import RedisSessionStore

    return RedisSessionStore(redis_client, prefix=redis_client.test_prefix, ttl_seconds=30)


@pytest.mark.redis
def test_redis_store_round_trip(redis_store):
    saved = redis_store.save("c1", new_session(variables={"ç": "ã"}, tags=["t"]))
    assert saved.version == 1
    assert redis_store.load("c1") == saved


@pytest.mark.redis
def test_redis_store_optimistic_version_check(redis_store):
    first = redis_store.save("c1", new_session())
    redis_store.save("c1", first)
    with pytest.raises(VersionConflict):
        redis_store.save("c1", first)


@pytest.mark.redis
def test_redis_store_sets_a_ttl(redis_store, redis_client):
    redis_store.save("c1", new_session())
    assert 0 < redis_client.pttl(redis_client.test_prefix + "c1") <= 30_000


@pytest.mark.redis
def test_redis_store_lock_excludes_a_second_holder(redis_store):
    with redis_store.lock("c1", timeout=5):
        with pytest.raises(LockTimeout):
            with redis_store.lock("c1", wait=0.1):
                pass
    with redis_store.lock("c1", wait=0.1):
        pass


@pytest.mark.redis
def test_redis_store_missing_and_delete(redis_store):
    assert redis_store.load("nope") is None
    redis_store.save("c1", new_session())
    redis_store.delete("c1")
    assert redis_store.load("c1") is None
