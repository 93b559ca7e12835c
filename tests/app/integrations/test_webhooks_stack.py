"""Outgoing webhooks on the real stack: PostgreSQL, Redis as broker, a Celery worker retrying with backoff."""

from __future__ import annotations

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from sqlmodel import Session, select

import flowstudio.tasks.webhooks  # noqa: F401 - registers the delivery task
from flowstudio.db import engine_for
from flowstudio.models import WebhookDelivery, WebhookStatus
from flowstudio.services.integrations import webhook_deliveries, webhook_subscriptions, webhooks
from flowstudio.services.integrations.signing import signature_ok
from flowstudio.services.system import migrations
from flowstudio.tasks.celery_app import create_celery
from tests.app.integrations.test_webhooks import _say, _webchat, receiver
from tests.conftest import use_env
from tests.support.channels import wait_until
from tests.support.factories import make_workspace

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_a_receiver_failing_twice_gets_each_event_on_the_third_try_through_a_worker(
    postgres_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(monkeypatch, DATABASE_URL=postgres_url, REDIS_URL=redis_url)
    monkeypatch.setattr(webhook_deliveries, "BACKOFF_S", (0.5, 1.0, 1.0))
    migrations.upgrade(postgres_url)
    webhooks.invalidate()
    with receiver() as hook, Session(engine_for(postgres_url), expire_on_commit=False) as session:
        hook.fail_each = 2  # every event meets two HTTP 500s first
        workspace_id = make_workspace(session).id
        channel_id = _webchat(session, workspace_id)
        _, secret = webhook_subscriptions.create_subscription(
            session=session, workspace_id=workspace_id, url=hook.url, events=["message.created"]
        )
        session.commit()
        app = create_celery()
        app.conf.task_default_queue = f"test-{uuid.uuid4().hex[:8]}"
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
            _say(channel_id, "oi", "stack-1")  # the contact's message and the bot's answer: two events
            assert wait_until(lambda: len(hook.delivered()) >= 2, seconds=60)
            time.sleep(1.5)  # nothing more may arrive
        rows = session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [(r.status, r.attempts, r.last_status_code) for r in rows] == [(WebhookStatus.DELIVERED, 3, 200)] * 2
    assert len(hook.requests) == 6 and len(hook.delivered()) == 2
    texts = sorted(r.json()["data"]["message"]["text"] for r in hook.delivered())
    assert texts == ["Olá!", "oi"]
    assert all(
        signature_ok(secret, r.headers["x-flowstudio-timestamp"], r.body, r.headers["x-flowstudio-signature"])
        for r in hook.requests
    )
