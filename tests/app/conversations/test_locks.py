"""The contact lock: one holder at a time (Redis, or in-process without it), a clear timeout, an expired lock
never released by its late holder, and work handed to `before_release` done before the next holder starts."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis

from flowstudio.services.conversations import locks
from flowstudio.services.conversations.locks import LockTimeout, conversation_lock
from tests.conftest import use_env


@pytest.fixture(params=["redis", "local"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "redis":
        use_env(monkeypatch, REDIS_URL=request.getfixturevalue("redis_url"))
    else:
        use_env(monkeypatch, REDIS_URL="")
    return request.param


def _in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_one_holder_at_a_time_and_hooks_run_before_the_next(backend: str) -> None:
    key, order, inside = f"contact:test:{uuid.uuid4().hex}", [], threading.Event()
    seen_by_hook: list[tuple[bool, object]] = []

    def first() -> None:
        with conversation_lock(key) as held:
            inside.set()
            time.sleep(0.3)
            order.append("first done")
            held.before_release(
                lambda pipeline, url: (seen_by_hook.append((pipeline is not None, url)), order.append("first's hook"))
            )

    thread = _in_thread(first)
    assert inside.wait(5)
    with conversation_lock(key):
        order.append("second in")
    thread.join(5)
    assert order == ["first done", "first's hook", "second in"]
    expected_url = locks.get_settings().redis_url or None
    assert seen_by_hook == [(backend == "redis", expected_url)]


@pytest.mark.redis
def test_hook_commands_travel_with_the_release(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    use_env(monkeypatch, REDIS_URL=redis_url)
    key, box = f"contact:test:{uuid.uuid4().hex}", f"test:locks:{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_url)
    inside, found = threading.Event(), []

    def first() -> None:
        with conversation_lock(key) as held:
            inside.set()
            time.sleep(0.2)
            held.before_release(lambda pipeline, _url: pipeline.rpush(box, "queued by the first"))

    thread = _in_thread(first)
    assert inside.wait(5)
    with conversation_lock(key):
        found = client.lrange(box, 0, -1)  # what the first holder's hook pushed is there when the second gets in
    thread.join(5)
    client.delete(box)
    assert found == [b"queued by the first"]


def test_a_busy_lock_times_out_with_a_reason(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    key, inside, leave = f"contact:test:{uuid.uuid4().hex}", threading.Event(), threading.Event()

    def holder() -> None:
        with conversation_lock(key):
            inside.set()
            leave.wait(5)

    thread = _in_thread(holder)
    assert inside.wait(5)
    monkeypatch.setattr(locks, "LOCK_TIMEOUT_S", 0.3)  # how long the second waits (the first holds it for 30 s)
    started = time.monotonic()
    with pytest.raises(LockTimeout, match="is busy"):
        with conversation_lock(key):
            pass
    assert time.monotonic() - started >= 0.3
    leave.set()
    thread.join(5)
    with conversation_lock(key):  # free again once the holder left
        pass


def test_a_failing_hook_is_logged_and_the_lock_still_released(
    backend: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = f"contact:test:{uuid.uuid4().hex}"
    with conversation_lock(key) as held:
        held.before_release(lambda _pipeline, _url: 1 / 0)
    assert "lock.hook_failed" in caplog.text
    monkeypatch.setattr(locks, "LOCK_TIMEOUT_S", 0.5)
    with conversation_lock(key):  # released: taken again at once
        pass


@pytest.mark.redis
def test_a_lock_that_expired_and_was_taken_is_not_released_by_its_late_holder(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(monkeypatch, REDIS_URL=redis_url)
    key = f"contact:test:{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_url)
    with conversation_lock(key):
        client.set(f"flowstudio:lock:{key}", "the next holder's token")  # ours expired; another took it
    assert client.get(f"flowstudio:lock:{key}") == b"the next holder's token"
    client.delete(f"flowstudio:lock:{key}")
