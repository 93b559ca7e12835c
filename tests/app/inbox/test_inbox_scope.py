"""Who sees which conversation, per role: admins and supervisors the whole workspace; an agent only their own
and those waiting in the queues they serve, in the inbox's list, counts, search and chat pane, in its page
events, and in the REST API (an agent token stands for no member: it sees none). On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from flowstudio.api import create_api
from flowstudio.models import AgentQueue, Contact, Conversation, Direction, Message, OwnerType, Role, SenderType, utcnow
from flowstudio.pages.inbox.state import InboxState
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.inbox import chat_pane
from flowstudio.services.inbox import listing as inbox
from flowstudio.services.inbox import scope as inbox_scope
from flowstudio.services.inbox import tags as inbox_tags
from flowstudio.services.inbox.listing import InboxError, InboxFilters
from tests.support.factories import make_bot, make_queue, make_user, make_workspace
from tests.support.state import Ui


class World:
    """Sales and support queues; Ana serves sales, Bia serves support; an admin and a supervisor. Four
    conversations: Ana's own, Bia's own, one waiting in sales, one waiting in support, one with the bot;
    every customer wrote "segredo <name>" (search finds them all)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.workspace = make_workspace(session)
        self.bot = make_bot(session, workspace=self.workspace)
        self.sales = make_queue(session, workspace=self.workspace, name="Vendas", is_default=True)
        self.support = make_queue(session, workspace=self.workspace, name="Suporte")
        self.admin = make_user(session, workspace=self.workspace, role=Role.ADMIN)
        self.supervisor = make_user(session, workspace=self.workspace, role=Role.SUPERVISOR)
        self.ana = make_user(session, workspace=self.workspace, role=Role.AGENT, name="Ana")
        self.bia = make_user(session, workspace=self.workspace, role=Role.AGENT, name="Bia")
        session.add_all(
            [
                AgentQueue(queue_id=self.sales.id, user_id=self.ana.id),
                AgentQueue(queue_id=self.support.id, user_id=self.bia.id),
            ]
        )
        self.anas = self._talk("ana", owner_agent_id=self.ana.id, owner_type=OwnerType.AGENT)
        self.bias = self._talk("bia", owner_agent_id=self.bia.id, owner_type=OwnerType.AGENT)
        self.in_sales = self._talk("vendas", owner_queue_id=self.sales.id, owner_type=OwnerType.QUEUE)
        self.in_support = self._talk("suporte", owner_queue_id=self.support.id, owner_type=OwnerType.QUEUE)
        self.with_bot = self._talk("bot", owner_bot_id=self.bot.id, owner_type=OwnerType.BOT)
        self.everything = sorted(c.id for c in (self.anas, self.bias, self.in_sales, self.in_support, self.with_bot))
        session.commit()

    def _talk(self, name: str, **owner) -> Conversation:
        contact = Contact(workspace_id=self.workspace.id, name=f"Cliente {name}")
        self.session.add(contact)
        self.session.flush()
        conversation = Conversation(
            workspace_id=self.workspace.id, contact_id=contact.id, channel="webchat", last_message_at=utcnow(), **owner
        )
        self.session.add(conversation)
        self.session.flush()
        self.session.add(
            Message(
                conversation_id=conversation.id,
                direction=Direction.INBOUND,
                sender_type=SenderType.CONTACT,
                text=f"segredo {name}",
            )
        )
        self.session.flush()
        return conversation

    def ids(self, user_id: int, **filters) -> list[int]:
        rows = inbox.list_conversations(
            session=self.session, workspace_id=self.workspace.id, user_id=user_id, filters=InboxFilters(**filters)
        )
        return sorted(row.id for row in rows)

    def opens(self, user_id: int, conversation: Conversation) -> bool:
        try:
            chat_pane.conversation_detail(
                session=self.session, workspace_id=self.workspace.id, user_id=user_id, conversation_id=conversation.id
            )
        except InboxError:
            return False
        return True


@pytest.fixture
def world(session: Session) -> World:
    return World(session)


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_admins_and_supervisors_see_the_whole_workspace(world: World, role: str) -> None:
    user = getattr(world, role)
    assert world.ids(user.id, view="all") == world.everything
    assert world.ids(user.id, view="all", search="segredo") == world.everything
    assert world.ids(user.id, view="queue") == sorted([world.in_sales.id, world.in_support.id])
    assert all(world.opens(user.id, c) for c in (world.anas, world.bias, world.in_support, world.with_bot))


def test_an_agent_sees_their_own_and_their_queues_conversations(world: World) -> None:
    mine_and_sales = sorted([world.anas.id, world.in_sales.id])
    assert world.ids(world.ana.id, view="all") == mine_and_sales
    assert world.ids(world.ana.id, view="all", search="segredo") == mine_and_sales  # previews never leak
    assert world.ids(world.ana.id, view="all", search="bia") == []
    assert world.ids(world.ana.id, view="queue") == [world.in_sales.id]
    assert world.ids(world.ana.id, view="mine") == [world.anas.id]
    assert world.ids(world.ana.id, view="all", status="any", agent_id=world.bia.id) == []
    counts = inbox.counts(session=world.session, workspace_id=world.workspace.id, user_id=world.ana.id)
    assert (counts["mine"], counts["queue"], counts["all"]) == (1, 1, 2)
    assert world.opens(world.ana.id, world.anas) and world.opens(world.ana.id, world.in_sales)


def test_an_agent_opens_nothing_outside_their_queues(world: World) -> None:
    for conversation in (world.bias, world.in_support, world.with_bot):
        assert not world.opens(world.ana.id, conversation)
    with pytest.raises(InboxError):
        inbox_tags.add_tag(
            session=world.session,
            workspace_id=world.workspace.id,
            conversation_id=world.in_support.id,
            name="vip",
            actor_id=world.ana.id,
        )


def test_an_agent_in_no_queue_sees_only_their_own(world: World) -> None:
    loner = make_user(world.session, workspace=world.workspace, role=Role.AGENT)
    world.session.commit()
    assert world.ids(loner.id, view="all") == [] and world.ids(loner.id, view="queue") == []
    assert not world.opens(loner.id, world.in_sales)
    world.in_sales.owner_type, world.in_sales.owner_queue_id, world.in_sales.owner_agent_id = (
        OwnerType.AGENT,
        None,
        loner.id,
    )  # assigned to them by a supervisor
    world.session.commit()
    assert world.ids(loner.id, view="all") == [world.in_sales.id] and world.opens(loner.id, world.in_sales)


def test_a_picked_conversation_leaves_the_other_agents_of_the_queue(world: World) -> None:
    colleague = make_user(world.session, workspace=world.workspace, role=Role.AGENT)
    world.session.add(AgentQueue(queue_id=world.sales.id, user_id=colleague.id))
    world.session.commit()
    assert world.opens(colleague.id, world.in_sales)
    world.in_sales.owner_type, world.in_sales.owner_queue_id, world.in_sales.owner_agent_id = (
        OwnerType.AGENT,
        None,
        world.ana.id,
    )
    world.session.commit()
    assert not world.opens(colleague.id, world.in_sales) and world.ids(colleague.id, view="all") == []


def test_the_page_refuses_to_open_another_conversation_by_id(world: World) -> None:
    ui = Ui(workspace_id=world.workspace.id, user_id=world.ana.id)
    ui.fire(InboxState, "load")
    state = ui.state(InboxState)
    assert sorted(row.id for row in state.rows) == [world.anas.id]
    ui.fire(InboxState, "set_view", "all")
    assert sorted(row.id for row in state.rows) == sorted([world.anas.id, world.in_sales.id])

    ui.fire(InboxState, "open_conversation", world.anas.id)
    assert state.selected_id == world.anas.id and state.can_write
    ui.fire(InboxState, "open_conversation", world.bias.id)  # an id typed into a crafted event
    assert state.selected_id == 0 and not state.can_write and state.error
    assert state.contact_name != "Cliente bia" and "segredo bia" not in [m.text for m in state.messages]
    world.session.expire_all()
    assert world.session.get(Conversation, world.bias.id).last_read_at is None  # not marked read either

    supervisor = Ui(workspace_id=world.workspace.id, user_id=world.supervisor.id)
    supervisor.fire(InboxState, "open_conversation", world.bias.id)
    assert supervisor.state(InboxState).selected_id == world.bias.id
    assert supervisor.state(InboxState).contact_name == "Cliente bia"


def test_the_api_scopes_agent_tokens(world: World) -> None:
    client = TestClient(create_api(), raise_server_exceptions=False)
    tokens = {
        role: create_token(session=world.session, workspace_id=world.workspace.id, name=role.value, role=role)
        for role in (Role.ADMIN, Role.SUPERVISOR, Role.DEVELOPER, Role.AGENT)
    }
    world.session.commit()

    def call(role: Role, method: str, path: str, **kwargs):
        return client.request(method, path, headers={"Authorization": f"Bearer {tokens[role]}"}, **kwargs)

    for role in (Role.ADMIN, Role.SUPERVISOR, Role.DEVELOPER):
        listed = call(role, "GET", "/api/v1/conversations")
        assert listed.status_code == 200 and sorted(c["id"] for c in listed.json()) == world.everything
        assert call(role, "GET", f"/api/v1/conversations/{world.bias.id}").status_code == 200
    listed = call(Role.AGENT, "GET", "/api/v1/conversations")
    assert listed.status_code == 200 and listed.json() == []  # a token is no member: no queues, nothing owned
    for method, path, body in (
        ("GET", f"/api/v1/conversations/{world.anas.id}", None),
        ("PATCH", f"/api/v1/conversations/{world.anas.id}", {"conversation_type": None}),
        ("POST", f"/api/v1/conversations/{world.anas.id}/messages", {"text": "oi"}),
        ("GET", f"/api/v1/contacts/{world.anas.contact_id}", None),
        ("PATCH", f"/api/v1/contacts/{world.anas.contact_id}", {"name": "X"}),
    ):
        refused = call(Role.AGENT, method, path, json=body)
        assert refused.status_code == 404, (method, path, refused.text)
    assert call(Role.ADMIN, "GET", f"/api/v1/contacts/{world.anas.contact_id}").json()["name"] == "Cliente ana"


def test_the_scope_follows_the_permission_matrix() -> None:
    assert [role for role in Role if inbox_scope.sees_all(role)] == [Role.ADMIN, Role.SUPERVISOR, Role.DEVELOPER]
    assert not inbox_scope.sees_all(None)


def test_a_foreign_workspace_member_sees_nothing(world: World) -> None:
    stranger = make_user(world.session, workspace=make_workspace(world.session), role=Role.ADMIN)
    world.session.commit()
    assert world.ids(stranger.id, view="all") == []
    with pytest.raises(InboxError):
        chat_pane.conversation_detail(
            session=world.session, workspace_id=world.workspace.id, user_id=stranger.id, conversation_id=world.anas.id
        )
