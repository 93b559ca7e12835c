"""Outgoing webhooks: what is recorded for which event, how a delivery is signed, retried and logged."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from flow_runtime.testing.builders import make_doc
from flowstudio.models import (
    FlowVersion,
    FlowVersionStatus,
    WebhookDelivery,
    WebhookStatus,
    WebhookSubscription,
    Workspace,
)
from flowstudio.services.conversations.inbound import InboundEvent, handle_inbound
from flowstudio.services.integrations import webhook_deliveries, webhook_subscriptions, webhooks
from flowstudio.services.integrations.channels import create_channel
from flowstudio.services.integrations.signing import signature_ok
from flowstudio.tasks import webhooks as webhook_tasks
from tests.support.factories import make_bot, make_workspace


@dataclass
class Received:
    """One request the receiver got."""

    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A local webhook receiver: answers `status`, after `fail_next` answers of `fail_status` (and after
    `fail_each` of them to each event id)."""

    url: str = ""
    fail_next: int = 0
    fail_each: int = 0
    fail_status: int = 500
    status: int = 200
    requests: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    def delivered(self) -> list[Received]:
        """The requests answered 2xx."""
        return [r for r in self.requests if r.headers.get("x-answered") == "ok"]


@contextmanager
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on a free local port, for the duration of the block."""
    state = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                headers = {k.lower(): v for k, v in self.headers.items()}
                tries = sum(
                    r.headers.get("x-flowstudio-delivery") == headers.get("x-flowstudio-delivery")
                    for r in state.requests
                )
                failing = state.fail_next > 0 or tries < state.fail_each
                state.fail_next -= 1 if state.fail_next > 0 else 0
                answer = state.fail_status if failing else state.status
                headers["x-answered"] = "ok" if 200 <= answer < 300 else "failed"
                state.requests.append(Received(headers, body))
            self.send_response(answer)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if answer < 300 else b"receiver is down")
            state.arrived.set()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    webhooks.invalidate()
    yield
    webhooks.invalidate()


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Delivery ids queued after commit (instead of a broker)."""
    ids: list[int] = []
    monkeypatch.setattr(webhook_tasks, "enqueue", lambda delivery_ids, countdown=0.0: ids.extend(delivery_ids))
    return ids


@pytest.fixture
def workspace_id(session: Session) -> int:
    workspace = make_workspace(session)
    session.commit()
    return workspace.id


def _webchat(session: Session, workspace_id: int) -> int:
    """A webchat channel whose bot answers every message with "Olá!"."""
    bot = make_bot(session, workspace=session.get(Workspace, workspace_id), is_default=True)
    document = make_doc(
        [{"id": "start", "kind": "start"}, {"id": "hi", "kind": "message", "text": "Olá!"}], [("start", "hi")]
    )
    session.add(FlowVersion(bot_id=bot.id, status=FlowVersionStatus.PUBLISHED, number=1, document=document))
    channel = create_channel(session=session, workspace_id=workspace_id, kind="webchat", name="Site", bot_id=bot.id)
    session.commit()
    return channel.id


def _say(channel_id: int, text: str, message_id: str) -> None:
    handle_inbound(
        InboundEvent(
            channel_id=channel_id, external_user_id="visitor-1", external_message_id=message_id, kind="text", text=text
        )
    )


def test_nothing_is_recorded_and_no_query_runs_without_subscriptions(session, workspace_id, queued) -> None:
    webhooks.subscribed_events(session, workspace_id)  # warm the cache
    statements: list[str] = []
    sa.event.listen(session.get_bind(), "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert webhooks.emit(session, workspace_id, "message.created", {"x": 1}) == []
    assert statements == []
    assert queued == []


def test_a_subscription_shows_its_secret_once_and_stores_it_sealed(session, workspace_id) -> None:
    row, secret = webhook_subscriptions.create_subscription(
        session=session,
        workspace_id=workspace_id,
        url="https://example.com/h",
        events=["message.created", "flow.published"],
    )
    session.commit()
    assert secret.startswith("whsec_") and secret not in row.secret and row.secret.startswith("fs1:")
    assert webhook_subscriptions.signing_secret(row) == secret
    view = webhook_subscriptions.list_subscriptions(session=session, workspace_id=workspace_id)[0]
    assert secret not in repr(view) and not hasattr(view, "secret")


@pytest.mark.parametrize(
    ("url", "events", "reason"),
    [
        ("ftp://example.com", ["message.created"], "http:// or https://"),
        ("https://example.com", [], "at least one event"),
        ("https://example.com", ["message.deleted"], "unknown event"),
    ],
)
def test_bad_subscriptions_are_refused_with_a_reason(session, workspace_id, url, events, reason) -> None:
    with pytest.raises(webhook_subscriptions.WebhookError, match=reason):
        webhook_subscriptions.create_subscription(session=session, workspace_id=workspace_id, url=url, events=events)


def test_an_inbound_turn_delivers_signed_message_created_events(session, workspace_id, queued) -> None:
    channel_id = _webchat(session, workspace_id)
    with receiver() as hook:
        row, secret = webhook_subscriptions.create_subscription(
            session=session, workspace_id=workspace_id, url=hook.url, events=["message.created"]
        )
        session.commit()
        _say(channel_id, "oi", "m1")
        assert len(queued) >= 2  # the contact's message and the bot's answer(s), queued after commit
        outcomes = [webhook_tasks.attempt_delivery(i).outcome for i in queued]
        assert set(outcomes) == {"delivered"}
    first = hook.requests[0]
    assert signature_ok(
        secret, first.headers["x-flowstudio-timestamp"], first.body, first.headers["x-flowstudio-signature"]
    )
    assert not signature_ok(
        "whsec_other", first.headers["x-flowstudio-timestamp"], first.body, first.headers["x-flowstudio-signature"]
    )
    envelope = first.json()
    assert envelope["event"] == first.headers["x-flowstudio-event"] == "message.created"
    assert envelope["id"] == first.headers["x-flowstudio-delivery"] and envelope["workspace"] == workspace_id
    assert envelope["data"]["message"]["text"] == "oi" and envelope["data"]["message"]["direction"] == "inbound"
    assert [r.json()["data"]["message"]["direction"] for r in hook.requests[1:]] == ["outbound"] * (len(queued) - 1)
    log = webhook_deliveries.deliveries(session=session, workspace_id=workspace_id)
    assert {(d.status, d.attempts, d.last_status_code) for d in log} == {(WebhookStatus.DELIVERED, 1, 200)}


def test_a_receiver_failing_twice_gets_the_event_on_the_third_try_with_backoff(session, workspace_id, queued) -> None:
    with receiver() as hook:
        hook.fail_next = 2
        webhook_subscriptions.create_subscription(
            session=session, workspace_id=workspace_id, url=hook.url, events=["flow.published"]
        )
        session.commit()
        [delivery_id] = webhooks.emit(session, workspace_id, "flow.published", {"bot": {"id": 1}})
        session.commit()
        first = webhook_tasks.attempt_delivery(delivery_id)
        assert (first.outcome, first.countdown) == ("retry", 10)
        assert webhook_tasks.attempt_delivery(delivery_id).outcome == "skipped"  # not due yet: a copy does nothing
        _make_due(session, delivery_id)
        second = webhook_tasks.attempt_delivery(delivery_id)
        assert (second.outcome, second.countdown) == ("retry", 60)
        _make_due(session, delivery_id)
        assert webhook_tasks.attempt_delivery(delivery_id).outcome == "delivered"
    session.expire_all()
    row = session.get(WebhookDelivery, delivery_id)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == (WebhookStatus.DELIVERED, 3, 200, "")
    assert len({r.headers["x-flowstudio-delivery"] for r in hook.requests}) == 1  # one event id on every try


def _make_due(session: Session, delivery_id: int) -> None:
    session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .values(next_attempt_at=sa.func.current_timestamp())
    )
    session.commit()


@pytest.mark.parametrize(
    ("status", "outcome"), [(400, "failed"), (404, "failed"), (429, "retry"), (408, "retry"), (503, "retry")]
)
def test_only_network_errors_5xx_408_and_429_are_retried(session, workspace_id, queued, status, outcome) -> None:
    with receiver() as hook:
        hook.status = status
        webhook_subscriptions.create_subscription(
            session=session, workspace_id=workspace_id, url=hook.url, events=["flow.published"]
        )
        session.commit()
        [delivery_id] = webhooks.emit(session, workspace_id, "flow.published", {})
        session.commit()
        assert webhook_tasks.attempt_delivery(delivery_id).outcome == outcome
    session.expire_all()
    row = session.get(WebhookDelivery, delivery_id)
    assert row.last_status_code == status and "receiver is down" in row.last_error


def test_an_unreachable_receiver_is_retried_then_fails_after_the_last_backoff(
    session, workspace_id, queued, monkeypatch
) -> None:
    monkeypatch.setattr(webhook_deliveries, "BACKOFF_S", (0, 0))
    webhook_subscriptions.create_subscription(
        session=session, workspace_id=workspace_id, url="http://127.0.0.1:9/closed", events=["flow.published"]
    )
    session.commit()
    [delivery_id] = webhooks.emit(session, workspace_id, "flow.published", {})
    session.commit()
    outcomes = [webhook_tasks.attempt_delivery(delivery_id).outcome for _ in range(3)]
    assert outcomes == ["retry", "retry", "failed"]
    session.expire_all()
    row = session.get(WebhookDelivery, delivery_id)
    assert (row.status, row.attempts, row.last_status_code) == (WebhookStatus.FAILED, 3, None)
    assert "ConnectError" in row.last_error and row.next_attempt_at is None


def test_redelivering_by_hand_sends_the_same_event_again_and_keeps_the_failed_row(
    session, workspace_id, queued
) -> None:
    with receiver() as hook:
        hook.status = 400
        webhook_subscriptions.create_subscription(
            session=session, workspace_id=workspace_id, url=hook.url, events=["flow.published"]
        )
        session.commit()
        [failed_id] = webhooks.emit(session, workspace_id, "flow.published", {"n": 1})
        session.commit()
        assert webhook_tasks.attempt_delivery(failed_id).outcome == "failed"
        hook.status = 200
        again = webhook_deliveries.redeliver(session=session, workspace_id=workspace_id, delivery_id=failed_id)
        session.commit()
        assert queued[-1] == again.id
        assert webhook_tasks.attempt_delivery(again.id).outcome == "delivered"
    first, second = (r.json() for r in hook.requests)
    assert first == second
    session.expire_all()
    log = webhook_deliveries.deliveries(session=session, workspace_id=workspace_id)
    assert [(d.id, d.status) for d in log] == [(again.id, WebhookStatus.DELIVERED), (failed_id, WebhookStatus.FAILED)]


def test_a_rolled_back_action_queues_nothing(session, workspace_id, queued) -> None:
    webhook_subscriptions.create_subscription(
        session=session, workspace_id=workspace_id, url="https://example.com/h", events=["flow.published"]
    )
    session.commit()
    webhooks.emit(session, workspace_id, "flow.published", {})
    session.rollback()
    session.commit()
    assert queued == []
    assert session.exec(select(WebhookDelivery)).all() == []


def test_paused_and_deleted_subscriptions_get_nothing(session, workspace_id, queued) -> None:
    row, _ = webhook_subscriptions.create_subscription(
        session=session, workspace_id=workspace_id, url="https://example.com/h", events=["flow.published"]
    )
    session.commit()
    webhook_subscriptions.update_subscription(
        session=session, workspace_id=workspace_id, subscription_id=row.id, active=False
    )
    session.commit()
    assert webhooks.emit(session, workspace_id, "flow.published", {}) == []
    webhook_subscriptions.update_subscription(
        session=session, workspace_id=workspace_id, subscription_id=row.id, active=True
    )
    assert len(webhooks.emit(session, workspace_id, "flow.published", {})) == 1
    session.commit()
    webhook_subscriptions.delete_subscription(session=session, workspace_id=workspace_id, subscription_id=row.id)
    session.commit()
    assert session.exec(select(WebhookSubscription)).all() == [] and session.exec(select(WebhookDelivery)).all() == []
    assert webhooks.emit(session, workspace_id, "flow.published", {}) == []


def _events(session: Session) -> list[tuple[str, dict]]:
    session.expire_all()
    return [(d.event, d.payload["data"]) for d in session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id))]


def test_assignment_closing_tagging_and_publishing_emit_their_events(session, workspace_id, queued) -> None:
    from flow_runtime.testing.builders import make_doc as doc
    from flowstudio.services.assignment import handoffs, queueing
    from flowstudio.services.inbox import tags as inbox_tags
    from flowstudio.services.studio import drafts
    from tests.support.factories import make_conversation, make_user

    webhook_subscriptions.create_subscription(
        session=session, workspace_id=workspace_id, url="https://example.com/h", events=list(webhooks.EVENTS)
    )
    workspace = session.get(Workspace, workspace_id)
    bot = make_bot(session, workspace=workspace)
    agent = make_user(session, workspace=workspace)
    conversation = make_conversation(session, workspace=workspace, bot=bot)
    session.commit()
    queueing.assign_to_agent(
        session=session,
        conversation=conversation,
        user_id=agent.id,
        actor_type="user",
        actor_id=1,
        reason="picked",
        force=True,
    )
    inbox_tags.add_tag(
        session=session, workspace_id=workspace_id, conversation_id=conversation.id, name="vip", actor_id=agent.id
    )
    handoffs.close_conversation(session=session, conversation=conversation, actor_type="agent", actor_id=agent.id)
    draft = drafts.load_draft(session=session, workspace_id=workspace_id, bot_id=bot.id)
    document = doc(
        [{"id": "start", "kind": "start"}, {"id": "hi", "kind": "message", "text": "Olá"}], [("start", "hi")]
    )
    drafts.save_draft(session=session, bot_id=bot.id, document=document, expected_revision=draft.revision)
    drafts.publish(session=session, bot_id=bot.id, author_id=None, changelog="first")
    session.commit()
    events = _events(session)
    assert [name for name, _ in events] == [
        "conversation.assigned",
        "contact.updated",
        "conversation.closed",
        "flow.published",
    ]
    assigned, tagged, closed, published = (data for _, data in events)
    assert assigned["agent_id"] == agent.id and assigned["conversation"]["owner_type"] == "agent"
    assert tagged["tags_added"] == ["vip"] and tagged["contact"]["name"] == "Ana"
    assert closed["conversation"]["id"] == conversation.id and closed["actor"] == {"type": "agent", "id": agent.id}
    assert published["version"]["number"] == 1 and published["bot"]["id"] == bot.id
    assert len(queued) == 4


def test_platform_messages_are_message_created_events_too(session, workspace_id, queued) -> None:
    from flowstudio.models import Conversation, WebhookDelivery
    from flowstudio.services.assignment import system_messages

    channel_id = _webchat(session, workspace_id)
    _say(channel_id, "oi", "m1")
    webhook_subscriptions.create_subscription(
        session=session, workspace_id=workspace_id, url="https://example.com/h", events=["message.created"]
    )
    session.commit()
    conversation = session.exec(select(Conversation)).one()
    system_messages.send_system_message(
        session=session, conversation=conversation, text="Você é o 2º da fila", purpose="queue.position"
    )
    session.commit()
    payloads = [d.payload for d in session.exec(select(WebhookDelivery)).all()]
    assert [(p["data"]["message"]["sender"], p["data"]["message"]["text"]) for p in payloads] == [
        ("system", "Você é o 2º da fila")
    ]
