"""Retention and "forget this contact" also scrub the events of the erased conversations: a hand-off's target,
a flow event quoting the customer's answer, a CSAT comment are gone; ids, owners, scores and the queue of an
SLA breach stay (the monitor still counts it); events of other conversations are untouched. On SQLite and
PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.models import Conversation, Event, Role, sealing
from flowstudio.services.privacy import erasure, forgetting, retention
from tests.app.privacy.test_retention import DAY, MINUTE, World
from tests.support.factories import make_user

PERSONAL = ("Joana Prado", "joana@example.com", "+5581999990000", "123.456.789-00")


@pytest.fixture(autouse=True)
def fresh_policies():
    sealing.forget_policies()
    yield
    sealing.forget_policies()


@pytest.fixture
def world(session: Session) -> World:
    return World(session)


def _add_events(world: World, conversation: Conversation) -> None:
    """What the platform records for a conversation, with the person's data where the platform puts it."""
    workspace_id = conversation.workspace_id
    for name, data in (
        ("handoff.failed", {"reason": "no bot 'Joana Prado'", "output": {"type": "handoff", "bot": "Joana Prado"}}),
        (
            "flow.question.invalid",
            {
                "type": "event",
                "name": "flow.question.invalid",
                "node_id": "ask_email",
                "reason": "not an e-mail: joana@example.com",
            },
        ),
        (
            "flow.http.error",
            {
                "type": "event",
                "name": "flow.http.error",
                "node_id": "crm",
                "message": "GET /clients?cpf=123.456.789-00 failed",
                "status": 500,
                "variables": {"phone": "+5581999990000"},
            },
        ),
        ("csat.answered", {"score": 5, "comment": "Joana Prado adorou"}),
        (
            "conversation.owner_changed",
            {
                "from": {"type": "bot", "id": 1},
                "to": {"type": "queue", "id": 2},
                "reason": "assign node",
                "rule_id": None,
            },
        ),
        ("queue.sla_breached", {"queue_id": 2}),
    ):
        world.session.add(Event(workspace_id=workspace_id, conversation_id=conversation.id, name=name, data=data))
    world.session.commit()


def _events(conversation: Conversation) -> dict[str, dict]:
    with session_scope() as session:
        return {e.name: e.data for e in session.exec(select(Event).where(Event.conversation_id == conversation.id))}


def _assert_scrubbed(events: dict[str, dict]) -> None:
    text = json.dumps(events, ensure_ascii=False)
    assert not [p for p in PERSONAL if p in text], text
    assert events["handoff.failed"] == {"erased": True}
    assert events["flow.question.invalid"] == {
        "type": "event",
        "name": "flow.question.invalid",
        "node_id": "ask_email",
        "erased": True,
    }
    assert events["flow.http.error"] == {
        "type": "event",
        "name": "flow.http.error",
        "node_id": "crm",
        "erased": True,
    }  # not on the allow-list: dropped
    assert events["csat.answered"] == {"score": 5, "erased": True}
    assert events["conversation.owner_changed"] == {
        "from": {"type": "bot", "id": 1},
        "to": {"type": "queue", "id": 2},
        "rule_id": None,
        "erased": True,
    }
    assert events["queue.sla_breached"] == {"queue_id": 2}  # nothing personal: unchanged


def test_forgetting_a_contact_scrubs_its_conversations_events_only(world: World) -> None:
    forgotten = world.person(world.b, name="Joana", last_active=MINUTE)
    bystander = world.person(world.b, name="Outra", last_active=MINUTE)
    elsewhere = world.person(world.a, name="Longe", last_active=MINUTE)
    for conversation in (forgotten, bystander, elsewhere):
        _add_events(world, conversation)
    supervisor = make_user(world.session, workspace=world.b, role=Role.SUPERVISOR)
    world.session.commit()
    untouched = _events(bystander)

    done = forgetting.forget_conversation_contact(
        workspace_id=world.b.id, conversation_id=forgotten.id, user_id=supervisor.id
    )

    assert done.events == 5
    _assert_scrubbed(_events(forgotten))
    assert _events(bystander) == untouched and "Joana Prado" in json.dumps(_events(elsewhere))


def test_retention_scrubs_the_events_of_the_contacts_it_erases(world: World) -> None:
    gone = world.person(world.a, name="Velha", last_active=30 * DAY + MINUTE)
    kept = world.person(world.a, name="Recente", last_active=30 * DAY - MINUTE)
    other = world.person(world.b, name="Velha", last_active=400 * DAY)
    for conversation in (gone, kept, other):
        _add_events(world, conversation)
    untouched = {c.id: _events(c) for c in (kept, other)}

    run = retention.run(workspace_id=world.a.id, trigger="manual", now=world.now)

    assert run.counts["contacts"] == 1 and run.counts["events"] == 5
    _assert_scrubbed(_events(gone))
    assert {c.id: _events(c) for c in (kept, other)} == untouched
    again = retention.run(workspace_id=world.a.id, trigger="manual", now=world.now)  # nothing left to do
    assert again.counts["events"] == 0


def test_scrubbing_keeps_only_structural_facts() -> None:
    assert erasure.scrub_event_data({"tag": "vip", "priority": "high"}) == {"tag": "vip", "priority": "high"}
    assert erasure.scrub_event_data({"to": {"type": "agent", "id": 3, "name": "Joana"}}) == {"erased": True}
    assert erasure.scrub_event_data({"queue_id": "joana@example.com" * 10}) == {"erased": True}
    assert erasure.scrub_event_data(None) == {}
