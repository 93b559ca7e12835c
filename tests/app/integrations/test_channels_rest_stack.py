"""The REST channel on the real stack (PostgreSQL, Redis, a Celery worker): a webhook that fails once with a
500 still gets every reply, once, in order, signed."""

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
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.system import migrations
from flowstudio.services.system.seed import seed_demo
from flowstudio.tasks.celery_app import create_celery
from tests.app.integrations.test_channels_rest import SECRET, verified
from tests.conftest import use_env
from tests.support.channels import wait_until
from tests.support.fake_provider import fake_provider

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_replies_reach_the_webhook_through_a_worker_after_a_500(
    postgres_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(monkeypatch, DATABASE_URL=postgres_url, REDIS_URL=redis_url)
    migrations.upgrade(postgres_url)
    with fake_provider() as receiver, Session(engine_for(postgres_url)) as session:
        workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
        headers = {"Authorization": f"Bearer {create_token(session=session, workspace_id=workspace_id, name='t')}"}
        session.commit()
        client = TestClient(create_api())
        channel = client.post(
            "/api/v1/channels",
            headers=headers,
            json={
                "kind": "rest",
                "name": "App",
                "config": {"webhook_url": f"{receiver.url}/hooks/flowstudio"},
                "secrets": {"webhook_secret": SECRET},
            },
        ).json()["id"]
        app = create_celery()
        app.conf.task_default_queue = f"test-{uuid.uuid4().hex[:8]}"
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
            receiver.fail_next = 1  # the greeting's first attempt meets a 500: retried with backoff
            sent = client.post(
                f"/api/v1/channels/{channel}/messages",
                headers=headers,
                json={"user_id": "cliente-1", "text": "oi", "message_id": "a-1"},
            )
            assert sent.status_code == 202
            replies = [r["message_id"] for r in sent.json()["replies"]]
            assert len(replies) == 2
            assert wait_until(lambda: len(receiver.raw) >= 2)
            time.sleep(1.0)  # nothing more may arrive
        assert [b["message_id"] for b in verified(receiver)] == replies
        session.expire_all()
        outbound = session.exec(select(Message).where(Message.direction == Direction.OUTBOUND)).all()
        assert {m.status for m in outbound} == {DeliveryStatus.SENT}
