"""Live nudges: a waiter wakes when its topic is published, from another thread (no Redis) or another process
(through Redis); a lost Redis leaves waiters to their fallback poll and publishing harmless, and the subscriber
comes back with Redis. The Redis here is the test's own server, killed for real."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowstudio.services.system import live
from flowstudio.settings import get_settings
from tests.conftest import use_env

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis(port: int, folder: Path) -> subprocess.Popen:
    server = shutil.which("redis-server") or pytest.skip("redis-server is not installed")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture
def own_redis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """A Redis server of this test's own (REDIS_URL points at it); the list holds the running process."""
    port = _free_port()
    servers = [_start_redis(port, tmp_path)]
    use_env(monkeypatch, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    yield f"redis://127.0.0.1:{port}/0", servers
    for server in servers:
        server.kill()
        server.wait()


async def _until(condition, limit: float = 30.0) -> bool:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def test_a_nudge_from_another_thread_wakes_its_waiter_without_redis(isolated_settings) -> None:
    assert not get_settings().redis_url

    async def scenario() -> tuple[bool, bool]:
        other = asyncio.create_task(live.wait(live.inbox_topic(2), 0.5))
        waiting = asyncio.create_task(live.wait(live.inbox_topic(1), 60))
        await asyncio.sleep(0.05)
        threading.Thread(target=live.publish, args=(live.inbox_topic(1),)).start()
        return await waiting, await other

    woken, other_woken = asyncio.run(scenario())
    assert woken is True and other_woken is False  # only its own topic wakes a waiter


def test_a_nudge_from_another_process_arrives_through_redis(own_redis) -> None:
    url, _ = own_redis
    topic = live.webchat_topic(7, "visitor-abc12345")

    async def scenario() -> bool:
        waiting = asyncio.create_task(live.wait(topic, 60))
        assert await _until(live.pushed), "the subscriber never connected"
        code = f"from flowstudio.services.system import live; live.publish({topic!r})"
        env = {**os.environ, "REDIS_URL": url, "PYTHONPATH": str(ROOT)}
        await asyncio.to_thread(subprocess.run, [sys.executable, "-c", code], env=env, check=True)
        return await waiting

    assert asyncio.run(scenario()) is True


def test_losing_redis_falls_back_to_polls_and_the_subscriber_comes_back(own_redis, tmp_path) -> None:
    url, servers = own_redis
    topic = live.inbox_topic(3)

    async def scenario() -> None:
        first = asyncio.create_task(live.wait(topic, 60))
        assert await _until(live.pushed)
        live.publish(topic)
        assert await first is True
        servers[0].send_signal(signal.SIGKILL)  # Redis dies
        servers[0].wait()
        assert await _until(lambda: not live.pushed())
        live.publish(topic)  # does not raise: the waiters poll
        assert await live.wait(topic, 0.2) is False
        servers.append(_start_redis(int(url.rsplit(":", 1)[1].split("/")[0]), tmp_path))  # Redis is back
        again = asyncio.create_task(live.wait(topic, 60))
        assert await _until(live.pushed), "the subscriber did not reconnect"
        live.publish(topic)
        assert await again is True

    asyncio.run(scenario())
