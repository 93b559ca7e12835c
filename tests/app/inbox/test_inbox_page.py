"""The inbox page's own behaviour, through its event handlers: the open chat never carries an unread badge for
its agent, and a picked conversation follows the agent to *Mine* while the chat stays open."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from flowstudio.models import (
    AgentQueue,
    AgentStatus,
    Contact,
    Conversation,
    Direction,
    Message,
    OwnerType,
    Role,
    SenderType,
    utcnow,
)
from flowstudio.pages.inbox.state import InboxState
from flowstudio.services.assignment import agent_status
from flowstudio.services.inbox import chat_pane, live_updates
from tests.support.factories import make_queue, make_user, make_workspace
from tests.support.state import Ui


class World:
    """A sales queue served by Ana (online, room for 3) and one customer waiting in it."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.workspace = make_workspace(session)
        self.sales = make_queue(session, workspace=self.workspace, name="Vendas", is_default=True)
        self.ana = make_user(session, workspace=self.workspace, role=Role.AGENT, name="Ana")
        session.add(AgentQueue(queue_id=self.sales.id, user_id=self.ana.id))
        session.flush()
        agent_status.set_status(
            session=session, workspace_id=self.workspace.id, user_id=self.ana.id, status=AgentStatus.ONLINE.value
        )
        contact = Contact(workspace_id=self.workspace.id, name="Carla")
        session.add(contact)
        session.flush()
        self.waiting = Conversation(
            workspace_id=self.workspace.id,
            contact_id=contact.id,
            channel="webchat",
            owner_type=OwnerType.QUEUE,
            owner_queue_id=self.sales.id,
            queue_id=self.sales.id,
            last_message_at=utcnow(),
            waiting_since=utcnow(),
        )
        session.add(self.waiting)
        session.flush()
        self.say("quero falar com alguém")
        session.commit()

    def say(self, text: str) -> None:
        self.session.add(
            Message(
                conversation_id=self.waiting.id, direction=Direction.INBOUND, sender_type=SenderType.CONTACT, text=text
            )
        )
        self.session.commit()


@pytest.fixture
def world(session: Session) -> World:
    return World(session)


def _unread(state: InboxState, conversation_id: int) -> int:
    return next(row.unread for row in state.rows if row.id == conversation_id)


def test_pick_switches_to_mine_and_keeps_the_chat_open(world: World) -> None:
    ui = Ui(workspace_id=world.workspace.id, user_id=world.ana.id)
    ui.fire(InboxState, "load")
    ui.fire(InboxState, "set_view", "queue")
    state = ui.state(InboxState)
    ui.fire(InboxState, "open_conversation", world.waiting.id)
    assert state.can_pick and [row.id for row in state.rows] == [world.waiting.id]

    ui.fire(InboxState, "pick")
    assert state.error == "" and state.view == "mine"
    assert state.selected_id == world.waiting.id and state.can_write  # the chat stays open, now writable
    assert [row.id for row in state.rows] == [world.waiting.id]  # and its row is in the list shown


def test_the_open_chat_is_read_as_messages_arrive(world: World) -> None:
    world.waiting.owner_type, world.waiting.owner_queue_id, world.waiting.owner_agent_id = (
        OwnerType.AGENT,
        None,
        world.ana.id,
    )
    world.session.commit()
    ui = Ui(workspace_id=world.workspace.id, user_id=world.ana.id)
    ui.fire(InboxState, "load")
    state = ui.state(InboxState)
    assert _unread(state, world.waiting.id) == 1  # not open yet: the badge shows
    ui.fire(InboxState, "open_conversation", world.waiting.id)
    assert _unread(state, world.waiting.id) == 0 and state.counts["unread"] == 0

    world.say("ainda está aí?")  # the customer writes while the chat is open
    data = InboxState._read(world.workspace.id, world.ana.id, state._filters(), state.selected_id, None)
    assert next(row.unread for row in data["rows"] if row.id == world.waiting.id) == 0
    assert data["counts"]["unread"] == 0
    assert data["signature"] == live_updates.signature(session=world.session, workspace_id=world.workspace.id)


def test_read_open_marks_only_the_agents_own_active_conversation(world: World) -> None:
    def read(user_id: int) -> bool:
        return chat_pane.read_open(
            session=world.session, workspace_id=world.workspace.id, user_id=user_id, conversation_id=world.waiting.id
        )

    supervisor = make_user(world.session, workspace=world.workspace, role=Role.SUPERVISOR)
    assert not read(world.ana.id) and not read(supervisor.id)  # waiting in the queue: nobody's to read
    world.waiting.owner_type, world.waiting.owner_queue_id, world.waiting.owner_agent_id = (
        OwnerType.AGENT,
        None,
        world.ana.id,
    )
    world.session.flush()
    assert not read(supervisor.id)  # a supervisor looking does not read it for Ana
    assert read(world.ana.id) and not read(world.ana.id)  # read once; nothing new the second time
