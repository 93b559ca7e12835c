"""The real stack: PostgreSQL, Redis as broker and lock, a Celery worker; WhatsApp replies arrive once."""

from __future__ import annotations

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from fastapi.testclient import TestClient
from sqlmodel import Session, select

import flowstudio.tasks.delivery  # noqa: F401 - registers the delivery task
from flowstudio.api import create_api
from flowstudio.db import engine_for
from flowstudio.models import DeliveryStatus, Direction, Message
from flowstudio.services.system import migrations
from flowstudio.services.system.seed import seed_demo
from flowstudio.tasks.celery_app import create_celery
from tests.conftest import use_env
from tests.support.channels import post_signed, wa_payload, wait_until, whatsapp_channel
from tests.support.fake_provider import fake_provider

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_signed_message_in_reply_out_through_a_worker(
    postgres_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(monkeypatch, DATABASE_URL=postgres_url, REDIS_URL=redis_url)
    migrations.upgrade(postgres_url)
    with fake_provider() as provider, Session(engine_for(postgres_url)) as session:
        workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
        key = whatsapp_channel(session, workspace_id=workspace_id, graph_base_url=provider.url)
        app = create_celery()
        app.conf.task_default_queue = f"test-{uuid.uuid4().hex[:8]}"
        client = TestClient(create_api())
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
            provider.fail_next = 1  # the first attempt meets a 500: the task retries with backoff
            payload = wa_payload("oi", wamid="wamid.stack.1")
            assert post_signed(client, key, payload).status_code == 200
            assert post_signed(client, key, payload).json()["duplicates"] == 1
            assert wait_until(lambda: len(provider.bodies()) >= 2)
            time.sleep(1.0)  # nothing more may arrive
        assert [b["type"] for b in provider.bodies()] == ["text", "interactive"]
        outbound = session.exec(select(Message).where(Message.direction == Direction.OUTBOUND)).all()
        assert {m.status for m in outbound} == {DeliveryStatus.SENT}


def _worker(env: dict[str, str], queue: str):
    import subprocess
    import sys

    from tests.conftest import PROJECT_ROOT

    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "flowstudio.tasks",
            "worker",
            "--pool",
            "threads",
            "-c",
            "2",
            "-Q",
            queue,
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_delivery_is_replaced_and_the_customer_gets_each_message_once(
    postgres_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch, isolated_settings
) -> None:
    import os
    import signal

    use_env(monkeypatch, DATABASE_URL=postgres_url, REDIS_URL=redis_url, FLOWSTUDIO_TASK_REDELIVERY_SECONDS="3")
    migrations.upgrade(postgres_url)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CELERY_TASK_DEFAULT_QUEUE": queue}
    with fake_provider() as provider, Session(engine_for(postgres_url)) as session:
        workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
        key = whatsapp_channel(session, workspace_id=workspace_id, graph_base_url=provider.url)
        producer = create_celery()
        producer.conf.task_default_queue = queue
        producer.set_default()  # the ASGI app publishes from another thread
        provider.hold_first_s = 8  # the first send hangs ...
        first = _worker(env, queue)
        try:
            assert post_signed(TestClient(create_api()), key, wa_payload("oi", wamid="wamid.kill.1")).status_code == 200
            assert provider.arrived.wait(30)
            os.killpg(first.pid, signal.SIGKILL)  # ... and its worker dies meanwhile
            first.wait(10)
            second = _worker(env, queue)
            try:
                assert wait_until(lambda: len(provider.bodies()) >= 2, seconds=60)
                time.sleep(2)
            finally:
                os.killpg(second.pid, signal.SIGTERM)
                second.wait(30)
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
        assert [b["type"] for b in provider.bodies()] == ["text", "interactive"]
        session.expire_all()
        outbound = session.exec(select(Message).where(Message.direction == Direction.OUTBOUND)).all()
        assert {m.status for m in outbound} == {DeliveryStatus.SENT}
