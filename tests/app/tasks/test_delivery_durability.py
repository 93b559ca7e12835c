"""Nothing lost when a worker dies: a real Celery worker is SIGKILLed mid-send and a new one delivers every
reply once, within the redelivery window, without the stuck sweep (no beat runs here).

Each test has a Redis database of its own (the broker's unacked set and its restore lock are per database)
and a fresh PostgreSQL database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlmodel import Session, select

import flowstudio.tasks.delivery
import flowstudio.tasks.webhooks  # noqa: F401 - registers the webhook task
from flowstudio.api import create_api
from flowstudio.db import engine_for
from flowstudio.models import (
    ContactIdentity,
    Conversation,
    DeliveryStatus,
    Direction,
    Message,
    WebhookDelivery,
    WebhookStatus,
    Workspace,
)
from flowstudio.services.integrations import webhook_subscriptions, webhooks
from flowstudio.services.system import migrations
from flowstudio.services.system.seed import seed_demo
from flowstudio.tasks.celery_app import create_celery
from tests.conftest import PROJECT_ROOT, REDIS_TEST_URL, use_env
from tests.support.channels import post_signed, wa_payload, wait_until, whatsapp_channel
from tests.support.fake_provider import FakeProvider, fake_provider

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
REDELIVERY_S = 5
REDIS_DB = 14  # this file's own: restoring unacked messages is per database, not per queue


class Stack:
    """PostgreSQL, this file's Redis database, the fake provider and the worker processes started."""

    def __init__(self, *, env: dict[str, str], provider: FakeProvider, session: Session, key: str, logs: Path) -> None:
        self.env, self.provider, self.session, self.key, self.logs = env, provider, session, key, logs
        self.workers: list[subprocess.Popen] = []
        self.client = TestClient(create_api())

    def start_worker(self) -> subprocess.Popen:
        """A worker as `flowstudio worker` runs it (threads, 4), without beat: no sweep can help."""
        log = (self.logs / f"worker-{len(self.workers)}.log").open("w")
        worker = subprocess.Popen(
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
                "4",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=PROJECT_ROOT,
            env=self.env,
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen) -> None:
        """SIGKILL the worker and everything it started."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)

    def say(self, senders: list[str], text: str = "oi") -> None:
        """Each sender sends `text` (through the signed webhook, at once)."""

        def post(sender: str) -> int:
            payload = wa_payload(text, wamid=f"wamid.{sender}.{time.time_ns()}", sender=sender)
            return post_signed(self.client, self.key, payload).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(post, senders)) == {200}

    def outbound(self) -> list[Message]:
        """The stored replies."""
        self.session.expire_all()
        return list(self.session.exec(select(Message).where(Message.direction == Direction.OUTBOUND)).all())

    def all_sent(self) -> bool:
        """Whether every stored reply is sent (and there is at least one)."""
        statuses = {m.status for m in self.outbound()}
        return statuses == {DeliveryStatus.SENT}


@pytest.fixture
def stack(postgres_url: str, monkeypatch: pytest.MonkeyPatch, isolated_settings: Path) -> Iterator[Stack]:
    """The real stack with no worker yet; workers started by the test are killed at the end."""
    url = REDIS_TEST_URL.rsplit("/", 1)[0] + f"/{REDIS_DB}"
    broker = redis.Redis.from_url(url)
    broker.flushdb()
    use_env(monkeypatch, DATABASE_URL=postgres_url, REDIS_URL=url, FLOWSTUDIO_TASK_REDELIVERY_SECONDS=str(REDELIVERY_S))
    migrations.upgrade(postgres_url)
    producer = create_celery()
    producer.set_default()  # the ASGI app publishes from its own threads
    with fake_provider() as provider, Session(engine_for(postgres_url)) as session:
        workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
        key = whatsapp_channel(session, workspace_id=workspace_id, graph_base_url=provider.url)
        built = Stack(env=dict(os.environ), provider=provider, session=session, key=key, logs=isolated_settings.parent)
        try:
            yield built
        finally:
            for worker in built.workers:
                if worker.poll() is None:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait(10)
    broker.flushdb()


def _sent_to(provider: FakeProvider) -> Counter:
    """How many messages reached the provider, per recipient."""
    return Counter(body["to"] for body in provider.bodies("/messages"))


def _stored_for(stack: Stack) -> Counter:
    """How many replies are stored, per recipient."""
    stack.session.expire_all()
    rows = stack.session.exec(
        select(ContactIdentity.external_id)
        .join(Conversation, Conversation.contact_id == ContactIdentity.contact_id)
        .join(Message, Message.conversation_id == Conversation.id)
        .where(Message.direction == Direction.OUTBOUND)
    ).all()
    return Counter(rows)


def _sent_rows(stack: Stack) -> int:
    return sum(m.status == DeliveryStatus.SENT for m in stack.outbound())


def test_a_worker_killed_mid_send_loses_nothing_and_sends_each_reply_once(stack: Stack) -> None:
    burst = "5511977776666"  # one customer sends four messages at once: their replies queue behind each other
    others = [f"55119{n:08d}" for n in range(12)]
    stack.provider.latency_s = 0.05
    first = stack.start_worker()
    stack.say(others + [burst] * 4)
    assert wait_until(lambda: len(stack.provider.bodies()) >= 6, seconds=60)
    stack.provider.stalled_s = 120  # the provider stops answering ...
    assert wait_until(lambda: stack.provider.stalled >= 1 and _sent_rows(stack) == len(stack.provider.bodies()))
    time.sleep(10)  # ... for a while (the waiting replies keep asking for their turn) ...
    stack.kill(first)  # ... and the worker dies mid-send, with the tasks it had taken
    assert not stack.all_sent()
    stack.provider.stalled_s, stack.provider.flaky = 0, True  # back, refusing each message's first try (HTTP 500)
    started = time.monotonic()
    stack.start_worker()
    assert wait_until(stack.all_sent, seconds=REDELIVERY_S + 60), Counter(m.status for m in stack.outbound())
    recovered = time.monotonic() - started
    time.sleep(2)  # nothing more may arrive
    assert _sent_to(stack.provider) == _stored_for(stack)  # each stored reply once, none twice
    print(
        f"all {len(stack.outbound())} replies sent {recovered:.1f} s after the new worker started "
        f"({stack.provider.stalled} sends cut off)"
    )


def test_ten_messages_of_one_conversation_at_once_all_get_their_replies(stack: Stack) -> None:
    stack.provider.latency_s, stack.provider.flaky = 0.05, True
    stack.start_worker()
    sender = "5511988887777"
    payloads = [wa_payload("oi", wamid=f"wamid.burst.{n}", sender=sender) for n in range(10)]
    with ThreadPoolExecutor(10) as pool:
        assert set(pool.map(lambda p: post_signed(stack.client, stack.key, p).status_code, payloads)) == {200}
    started = time.monotonic()
    assert wait_until(stack.all_sent, seconds=90), Counter(m.status for m in stack.outbound())
    print(f"{len(stack.outbound())} replies sent in {time.monotonic() - started:.1f} s")
    assert _sent_to(stack.provider) == _stored_for(stack)


def test_webhooks_out_survive_a_worker_killed_mid_post(stack: Stack) -> None:
    workspace_id = stack.session.exec(select(Workspace.id)).one()  # the demo's
    webhook_subscriptions.create_subscription(
        session=stack.session, workspace_id=workspace_id, url=f"{stack.provider.url}/hooks", events=["flow.published"]
    )
    stack.session.commit()
    stack.provider.latency_s = 0.05
    first = stack.start_worker()
    for n in range(30):
        webhooks.emit(stack.session, workspace_id, "flow.published", {"n": n})
        stack.session.commit()  # each event queued once its transaction commits

    def delivered() -> int:
        stack.session.expire_all()
        return len(
            stack.session.exec(
                select(WebhookDelivery.id).where(WebhookDelivery.status == WebhookStatus.DELIVERED)
            ).all()
        )

    assert wait_until(lambda: len(stack.provider.bodies("/hooks")) >= 8, seconds=60)
    stack.provider.stalled_s = 120  # the receiver stops answering and the worker dies mid-POST
    assert wait_until(lambda: stack.provider.stalled >= 1 and delivered() == len(stack.provider.bodies("/hooks")))
    stack.kill(first)
    stack.provider.stalled_s = 0
    stack.start_worker()
    assert wait_until(lambda: delivered() == 30, seconds=REDELIVERY_S + 40), delivered()
    time.sleep(2)  # nothing more may arrive
    assert Counter(body["data"]["n"] for body in stack.provider.bodies("/hooks")) == Counter(range(30))
