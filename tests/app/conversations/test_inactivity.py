"""Inactivity markers: conversations silent for the workspace's "inactive after" minutes are marked inactive
(exactly at the limit, not a second before), closed after "close after" whoever owns them (humans through
the agents' close path, with the queue's CSAT and the agent's room freed; bots as they stand), and the
customer's next message clears the marker. Other workspaces are untouched. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from flowstudio.models import (
    Conversation,
    ConversationStatus,
    Event,
    Message,
    OwnerType,
    WorkspaceSettings,
    utcnow,
)
from flowstudio.services.conversations import inactivity
from flowstudio.tasks.celery_app import celery_app
from tests.support.factories import make_bot, make_conversation, make_queue, make_workspace
from tests.support.queues import agent, published_bot, say, webchat

MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)


def _policy(session: Session, workspace_id: int, inactive: int | None, close: int | None) -> None:
    session.add(
        WorkspaceSettings(workspace_id=workspace_id, inactive_after_minutes=inactive, close_after_minutes=close)
    )
    session.flush()


def _reload(session: Session, *ids: int) -> list[Conversation]:
    session.expire_all()
    return [session.get(Conversation, i) for i in ids]


def _events(session: Session, conversation_id: int, name: str) -> list[Event]:
    return list(session.exec(select(Event).where(Event.conversation_id == conversation_id, Event.name == name)).all())


def test_marks_inactive_exactly_at_the_limit_and_leaves_the_rest_alone(session: Session) -> None:
    now = utcnow()
    workspace = make_workspace(session)
    bot = make_bot(session, workspace=workspace)
    _policy(session, workspace.id, inactive=30, close=None)
    due = make_conversation(session, workspace=workspace, bot=bot, last_inbound_at=now - 30 * MINUTE)
    inside = make_conversation(session, workspace=workspace, bot=bot, last_inbound_at=now - 30 * MINUTE + SECOND)
    never_wrote = make_conversation(session, workspace=workspace, bot=bot, created_at=now - 45 * MINUTE)
    closed = make_conversation(
        session, workspace=workspace, bot=bot, last_inbound_at=now - 90 * MINUTE, status=ConversationStatus.CLOSED
    )
    other = make_workspace(session)  # no settings: never marked
    other_bot = make_bot(session, workspace=other)
    elsewhere = make_conversation(session, workspace=other, bot=other_bot, last_inbound_at=now - 90 * MINUTE)
    stricter = make_workspace(session)  # its own, longer limit
    _policy(session, stricter.id, inactive=120, close=None)
    stricter_one = make_conversation(
        session, workspace=stricter, bot=make_bot(session, workspace=stricter), last_inbound_at=now - 90 * MINUTE
    )
    session.commit()

    result = inactivity.sweep(now=now)

    rows = _reload(session, due.id, inside.id, never_wrote.id, closed.id, elsewhere.id, stricter_one.id)
    assert [c.inactive_since is not None for c in rows] == [True, False, True, False, False, False]
    assert result.marked == 2 and result.closed == 0
    assert all(c.status == ConversationStatus.OPEN for c in (rows[0], rows[1], rows[2]))  # marked, not closed
    assert [e.data for e in _events(session, due.id, "conversation.inactive")] == [{"minutes": 30}]
    # a second sweep keeps the first time and records nothing new
    inactivity.sweep(now=now + 5 * MINUTE)
    first = _reload(session, due.id)[0]
    assert abs((first.inactive_since.replace(tzinfo=None) - now.replace(tzinfo=None)).total_seconds()) < 1
    assert len(_events(session, due.id, "conversation.inactive")) == 1


def test_the_customers_next_message_clears_the_marker(session: Session) -> None:
    workspace = make_workspace(session)
    published_bot(session, workspace, "Bella", default=True, greeting="Oi!")
    _policy(session, workspace.id, inactive=10, close=None)
    channel_id = webchat(session, workspace)
    conversation_id = say(channel_id, "oi").conversation_id
    silent = _reload(session, conversation_id)[0]
    silent.last_inbound_at = utcnow() - 11 * MINUTE
    session.add(silent)
    session.commit()
    inactivity.sweep()
    assert _reload(session, conversation_id)[0].inactive_since is not None

    assert say(channel_id, "ainda estou aqui").conversation_id == conversation_id

    back = _reload(session, conversation_id)[0]
    assert back.inactive_since is None and back.status == ConversationStatus.OPEN
    inactivity.sweep()  # just spoke: not inactive again
    assert _reload(session, conversation_id)[0].inactive_since is None


def test_closes_after_the_limit_whoever_owns_it_as_an_agent_would(session: Session, queued: list[int]) -> None:
    now = utcnow()
    workspace = make_workspace(session)
    bot = make_bot(session, workspace=workspace, is_default=True)
    queue = make_queue(session, workspace=workspace, is_default=True, csat_enabled=True, return_to_bot_on_close=False)
    ana = agent(session, workspace, queue, capacity=1)
    _policy(session, workspace.id, inactive=30, close=60)
    humans = dict(
        owner_type=OwnerType.AGENT,
        owner_bot_id=None,
        owner_agent_id=ana,
        queue_id=queue.id,
        last_bot_id=bot.id,
        assigned_at=now - 2 * 60 * MINUTE,
    )
    with_agent = make_conversation(session, workspace=workspace, bot=bot, last_inbound_at=now - 60 * MINUTE, **humans)
    with_bot = make_conversation(session, workspace=workspace, bot=bot, last_inbound_at=now - 61 * MINUTE)
    almost = make_conversation(session, workspace=workspace, bot=bot, last_inbound_at=now - 60 * MINUTE + SECOND)
    waiting = make_conversation(
        session,
        workspace=workspace,
        bot=bot,
        last_inbound_at=now - MINUTE,
        owner_type=OwnerType.QUEUE,
        owner_bot_id=None,
        owner_queue_id=queue.id,
        queue_id=queue.id,
        waiting_since=now - MINUTE,
        queued_at=now - MINUTE,
    )
    other = make_workspace(session)
    elsewhere = make_conversation(
        session, workspace=other, bot=make_bot(session, workspace=other), last_inbound_at=now - 600 * MINUTE
    )
    session.commit()

    result = inactivity.sweep(now=now)

    agent_one, bot_one, almost_one, waiting_one, elsewhere_one = _reload(
        session, with_agent.id, with_bot.id, almost.id, waiting.id, elsewhere.id
    )
    assert result.closed == 2
    # the agent's: closed by the system as an agent closes it, the queue's CSAT question queued
    assert agent_one.status == ConversationStatus.CLOSED and agent_one.closed_at is not None
    assert agent_one.csat_requested_at is not None
    closing = _events(session, with_agent.id, "conversation.closed")
    assert [(e.actor_type, e.data["reason"]) for e in closing] == [("system", "inactivity")]
    question = session.exec(select(Message).where(Message.conversation_id == with_agent.id)).one()
    assert question.payload["purpose"] == "csat.question" and question.id in queued
    # the bot's: closed too, no CSAT
    assert bot_one.status == ConversationStatus.CLOSED and bot_one.csat_requested_at is None
    assert [e.data["reason"] for e in _events(session, with_bot.id, "conversation.closed")] == ["inactivity"]
    # a second short: still open (but inactive); another workspace: untouched
    assert almost_one.status == ConversationStatus.OPEN and almost_one.inactive_since is not None
    assert elsewhere_one.status == ConversationStatus.OPEN and elsewhere_one.inactive_since is None
    # ana's room was freed: the waiting conversation is hers now
    assert (waiting_one.owner_type, waiting_one.owner_agent_id) == (OwnerType.AGENT, ana)


def test_a_queue_that_returns_to_the_bot_still_ends_closed(session: Session, queued: list[int]) -> None:
    now = utcnow()
    workspace = make_workspace(session)
    bot = make_bot(session, workspace=workspace, is_default=True)
    queue = make_queue(session, workspace=workspace, is_default=True, return_to_bot_on_close=True)
    ana = agent(session, workspace, queue)
    _policy(session, workspace.id, inactive=None, close=15)
    conversation = make_conversation(
        session,
        workspace=workspace,
        bot=bot,
        last_inbound_at=now - 20 * MINUTE,
        owner_type=OwnerType.AGENT,
        owner_bot_id=None,
        owner_agent_id=ana,
        queue_id=queue.id,
        last_bot_id=bot.id,
    )
    session.commit()

    inactivity.sweep(now=now)

    closed = _reload(session, conversation.id)[0]
    assert closed.status == ConversationStatus.CLOSED
    assert (closed.owner_type, closed.owner_bot_id) == (OwnerType.BOT, bot.id)  # the humans' part ended first
    assert closed.inactive_since is None  # no "inactive after" set: only closing


def test_a_message_before_the_lock_keeps_it_open(session: Session) -> None:
    now = utcnow()
    workspace = make_workspace(session)
    bot = make_bot(session, workspace=workspace)
    _policy(session, workspace.id, inactive=None, close=5)
    conversation = make_conversation(session, workspace=workspace, bot=bot, last_inbound_at=now - 6 * MINUTE)
    session.commit()
    assert inactivity.due_to_close(session=session, workspace_id=workspace.id, minutes=5, now=now) == [conversation.id]
    conversation.last_inbound_at = now  # the customer wrote between the query and the lock
    session.add(conversation)
    session.commit()

    assert inactivity.close_inactive(conversation_id=conversation.id, minutes=5, now=now) is False
    assert _reload(session, conversation.id)[0].status == ConversationStatus.OPEN


def test_the_sweep_runs_every_minute_from_beat() -> None:
    entry = [e for e in celery_app.conf.beat_schedule.values() if e["task"] == "flowstudio.inactivity.sweep"]
    assert entry and entry[0]["schedule"] == 60.0
    assert "flowstudio.tasks.inactivity" in celery_app.conf.include
