"""Background work: a task really travels broker -> worker -> result store, embedded or on Redis."""

import uuid

import pytest
from celery.contrib.testing.worker import start_worker

import flowstudio.tasks.system  # noqa: F401 - registers the tasks
from flowstudio.tasks.celery_app import create_celery
from tests.conftest import use_env


def _round_trip() -> dict:
    app = create_celery()
    app.conf.task_default_queue = f"test-{uuid.uuid4().hex[:8]}"
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        return app.tasks["flowstudio.system.ping"].delay().get(timeout=30)


def test_embedded_broker_runs_a_task_with_no_server(isolated_settings) -> None:
    result = _round_trip()
    assert result["version"] == "0.1.0" and result["pong"]
    assert (isolated_settings / "celery-broker.sqlite").exists()


@pytest.mark.redis
def test_redis_broker_runs_a_task(redis_url: str, monkeypatch: pytest.MonkeyPatch, isolated_settings) -> None:
    use_env(monkeypatch, REDIS_URL=redis_url)
    result = _round_trip()
    assert result["version"] == "0.1.0"
    assert not (isolated_settings / "celery-broker.sqlite").exists()
