"""A delivery task goes out as one Redis command, in a message a Celery worker cannot tell from apply_async's;
anything unusual still goes through apply_async."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish

from flowstudio.tasks.celery_app import create_celery
from flowstudio.tasks.publish import publish
from tests.app.tasks.recording_worker import RECORD, recording_app
from tests.conftest import use_env

pytestmark = pytest.mark.redis


@pytest.fixture
def app(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """A Celery app on the test Redis with a queue of its own, and a task recording its runs."""
    use_env(monkeypatch, REDIS_URL=redis_url)
    app = create_celery()
    run = uuid.uuid4().hex[:8]
    app.conf.task_default_queue = f"test-publish-{run}"
    app.runs = []

    @app.task(name=f"tests.publish.record.{run}", bind=True, ignore_result=True)  # (names are process-wide)
    def record(self, ids, later=None) -> None:
        app.runs.append((ids, later, time.time(), self.request.parent_id))
        if later == "publish from a task":
            publish(record, [ids + 1])

    app.record = record
    yield app
    redis.Redis.from_url(redis_url).delete(app.conf.task_default_queue)


def _no_apply_async(monkeypatch: pytest.MonkeyPatch, task) -> None:
    def refuse(*_args, **_kwargs) -> None:
        raise AssertionError("went through apply_async")

    monkeypatch.setattr(task, "apply_async", refuse)


def _queued(app, redis_url: str) -> list[dict]:
    """The messages on the app's queue, oldest first, bodies decoded."""
    raw = redis.Redis.from_url(redis_url).lrange(app.conf.task_default_queue, 0, -1)
    messages = [json.loads(item) for item in reversed(raw)]
    for message in messages:
        message["body"] = json.loads(base64.b64decode(message["body"]))
    return messages


def test_the_message_is_the_one_apply_async_sends(app, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app.record.apply_async(args=[[1, 2]], kwargs={"later": [[[3], 12.5]]}, countdown=2.5)
    with monkeypatch.context() as patch:
        _no_apply_async(patch, app.record)
        publish(app.record, [[1, 2]], {"later": [[[3], 12.5]]}, countdown=2.5)
    theirs, ours = _queued(app, redis_url)
    for field in ("id", "root_id"):
        assert ours["headers"].pop(field) == ours["properties"]["correlation_id"] != theirs["headers"].pop(field)
    for field in ("correlation_id", "delivery_tag"):
        assert ours["properties"].pop(field) != theirs["properties"].pop(field)  # fresh ids, as Celery's
    eta_ours, eta_theirs = (datetime.fromisoformat(m["headers"].pop("eta")) for m in (ours, theirs))
    assert abs((eta_ours - eta_theirs).total_seconds()) < 1
    assert ours == theirs  # every other header, property and the body, field by field


def test_a_worker_runs_published_tasks_on_time(app, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_apply_async(monkeypatch, app.record)
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10):
        sent = time.time()
        publish(app.record, [[7, 8]], countdown=1.5)
        publish(app.record, [5], {"later": [[[6], sent + 3]]})
        deadline = time.time() + 20
        while len(app.runs) < 2 and time.time() < deadline:
            time.sleep(0.05)
    assert [(ids, later) for ids, later, _at, _parent in app.runs] == [(5, [[[6], sent + 3]]), ([7, 8], None)]
    assert app.runs[1][2] >= sent + 1.5  # the countdown held


def test_a_task_published_from_a_task_is_linked_to_its_parent(app) -> None:
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10):
        publish(app.record, [1], {"later": "publish from a task"})
        deadline = time.time() + 20
        while len(app.runs) < 2 and time.time() < deadline:
            time.sleep(0.05)
    first, second = app.runs
    assert first[3] is None and second[0] == 2 and second[3] is not None  # Celery's parent link (apply_async)


def test_publish_signals_and_other_brokers_go_through_apply_async(app, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple] = []
    monkeypatch.setattr(app.record, "apply_async", lambda **kwargs: calls.append(tuple(kwargs.items())))

    def listener(**_kwargs) -> None:  # e.g. a tracing integration: it must see every publish
        pass

    before_task_publish.connect(listener)
    try:
        publish(app.record, [1], countdown=2)
    finally:
        before_task_publish.disconnect(listener)
    assert calls == [(("args", [1]), ("kwargs", None), ("countdown", 2))]
    app.conf.broker_url = "amqp://guest@rabbit//"
    publish(app.record, [2])
    assert calls[-1] == (("args", [2]), ("kwargs", None), ("countdown", None))


PROJECT_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def worker_queue(redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A queue of its own with a real worker process consuming it (`tests.app.tasks.recording_worker`)."""
    use_env(monkeypatch, REDIS_URL=redis_url)
    queue = f"test-publish-worker-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "tests.app.tasks.recording_worker", "worker"),
                *("--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat"),
                *("--queues", queue, "--loglevel", "WARNING"),
            ],
            cwd=PROJECT_ROOT,
            env={**os.environ, "RECORDING_WORKER_QUEUE": queue},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        client = redis.Redis.from_url(redis_url)
        client.delete(queue, f"{queue}:runs", f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        print(log.read_text()[-3000:])  # shown when the test failed


def test_a_worker_process_runs_tasks_published_both_ways_alike(
    worker_queue: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = recording_app(redis_url, worker_queue).tasks[RECORD]
    through_apply_async: list[str] = []
    apply_async = record.apply_async

    def counted(*args, **kwargs):
        through_apply_async.append(os.environ["FLOWSTUDIO_FAST_PATH"])
        return apply_async(*args, **kwargs)

    monkeypatch.setattr(record, "apply_async", counted)
    sent = time.time()
    for fast in ("1", "0"):  # FLOWSTUDIO_FAST_PATH: one LPUSH, then Celery's apply_async
        use_env(monkeypatch, FLOWSTUDIO_FAST_PATH=fast)
        publish(record, [[fast, 1, 2]], {"later": [[[3], 12.5]]}, countdown=1.5)
        publish(record, [[fast, 5]])
    assert through_apply_async == ["0", "0"]

    runs_key, client = f"{worker_queue}:runs", redis.Redis.from_url(redis_url)
    deadline = time.time() + 60
    while client.llen(runs_key) < 4 and time.time() < deadline:
        time.sleep(0.1)
    runs = [json.loads(run) for run in client.lrange(runs_key, 0, -1)]
    assert len(runs) == 4, runs
    by_path: dict[str, dict[int, dict]] = {"1": {}, "0": {}}
    for run in runs:
        path, *ids = run["args"][0]
        run["args"][0] = ids
        by_path[path][ids[0]] = run
    for first in (1, 5):
        fast, plain = by_path["1"][first], by_path["0"][first]
        etas = [datetime.fromisoformat(run.pop("eta")) if run["eta"] else None for run in (fast, plain)]
        if first == 1:
            assert all(abs(eta.timestamp() - (sent + 1.5)) < 1 for eta in etas)  # the countdown, both ways
        else:
            assert etas == [None, None]
        assert fast == plain  # arguments, parent, retries, reply_to, delivery info, the request's fields, headers
    assert by_path["1"][1]["kwargs"] == {"later": [[[3], 12.5]]} and by_path["1"][5]["parent_id"] is None


def test_the_plain_path_is_apply_async(app, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple] = []
    monkeypatch.setattr(app.record, "apply_async", lambda **kwargs: calls.append(tuple(kwargs.items())))
    use_env(monkeypatch, FLOWSTUDIO_FAST_PATH="0")
    publish(app.record, [[1, 2]], {"later": [[[3], 12.5]]}, countdown=2.5)
    assert calls == [(("args", [[1, 2]]), ("kwargs", {"later": [[[3], 12.5]]}), ("countdown", 2.5))]
