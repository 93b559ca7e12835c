"""Conversation types: agents and supervisors give a conversation one of the workspace's types (or none) in
the inbox, the list filters by type (hostile input changes nothing), the inbox shows inactive
conversations, and the REST API reads and sets the type. Unknown types are refused with the reason.
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.models import Conversation, Event, OwnerType, Role, WorkspaceSettings, utcnow
from flowstudio.pages.inbox.state import InboxState
from flowstudio.pages.inbox.types import NO_TYPE, ConversationTypeState
from flowstudio.services.conversations import types as conversation_types
from flowstudio.services.conversations.types import ConversationTypeError
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.inbox import chat_pane
from flowstudio.services.inbox import listing as inbox
from flowstudio.services.inbox.listing import InboxFilters
from tests.support.factories import make_bot, make_conversation, make_user, make_workspace
from tests.support.state import Ui, is_refusal

TYPES = ["Vendas", "Suporte", "Cobrança"]


class World:
    """A workspace with three conversation types, an agent, a designer, two conversations; and another
    workspace with a conversation of its own."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.workspace = make_workspace(session)
        session.add(WorkspaceSettings(workspace_id=self.workspace.id, conversation_types=TYPES))
        bot = make_bot(session, workspace=self.workspace)
        self.agent = make_user(session, workspace=self.workspace, role=Role.AGENT)
        self.supervisor = make_user(session, workspace=self.workspace, role=Role.SUPERVISOR)
        self.designer = make_user(session, workspace=self.workspace, role=Role.DESIGNER)
        self.first = make_conversation(
            session,
            workspace=self.workspace,
            bot=bot,
            last_message_at=utcnow(),
            owner_type=OwnerType.AGENT,
            owner_bot_id=None,
            owner_agent_id=self.agent.id,
        )
        self.second = make_conversation(session, workspace=self.workspace, bot=bot, last_message_at=utcnow())
        self.other = make_workspace(session)
        session.add(WorkspaceSettings(workspace_id=self.other.id, conversation_types=["Vendas"]))
        self.theirs = make_conversation(session, workspace=self.other, bot=make_bot(session, workspace=self.other))
        session.commit()

    def stored(self, conversation: Conversation) -> str | None:
        self.session.expire_all()
        return self.session.get(Conversation, conversation.id).conversation_type

    def ids(self, **filters) -> list[int]:
        rows = inbox.list_conversations(
            session=self.session,
            workspace_id=self.workspace.id,
            user_id=self.supervisor.id,
            filters=InboxFilters(view="all", **filters),
        )
        return sorted(row.id for row in rows)


@pytest.fixture
def world(session: Session) -> World:
    return World(session)


def test_a_type_from_the_list_is_stored_in_its_own_spelling_and_can_be_cleared(world: World) -> None:
    stored = conversation_types.set_type(
        session=world.session,
        workspace_id=world.workspace.id,
        conversation_id=world.first.id,
        name="  cobrança ",
        actor_id=world.agent.id,
    )
    world.session.commit()
    assert stored == "Cobrança" and world.stored(world.first) == "Cobrança"
    event = world.session.exec(
        select(Event).where(Event.conversation_id == world.first.id, Event.name == "conversation.type_changed")
    ).one()
    assert (event.actor_id, event.data) == (str(world.agent.id), {"conversation_type": "Cobrança"})

    conversation_types.set_type(
        session=world.session, workspace_id=world.workspace.id, conversation_id=world.first.id, name=None
    )
    world.session.commit()
    assert world.stored(world.first) is None


def test_an_unknown_type_or_another_workspaces_conversation_is_refused(world: World) -> None:
    with pytest.raises(ConversationTypeError) as refused:
        conversation_types.set_type(
            session=world.session,
            workspace_id=world.workspace.id,
            conversation_id=world.first.id,
            name="Vendas'; DROP TABLE conversation; --",
        )
    assert refused.value.key == "types.unknown" and "is not one of this workspace's" in str(refused.value)
    with pytest.raises(ConversationTypeError) as missing:
        conversation_types.set_type(
            session=world.session, workspace_id=world.workspace.id, conversation_id=world.theirs.id, name="Vendas"
        )
    assert missing.value.key == "types.not_found"
    world.session.rollback()
    assert world.stored(world.first) is None and world.stored(world.theirs) is None


def test_the_list_filters_by_type_and_by_inactivity(world: World) -> None:
    world.first.conversation_type, world.second.inactive_since = "Suporte", utcnow()
    world.session.add_all([world.first, world.second])
    world.session.commit()

    assert world.ids(conversation_type="suporte") == [world.first.id]
    assert world.ids(conversation_type="Vendas") == []
    assert world.ids(conversation_type="' OR '1'='1") == []  # bound, not pasted
    assert world.ids(status="inactive") == [world.second.id]
    rows = {
        row.id: row
        for row in inbox.list_conversations(
            session=world.session,
            workspace_id=world.workspace.id,
            user_id=world.supervisor.id,
            filters=InboxFilters(view="all"),
        )
    }
    assert (rows[world.first.id].conversation_type, rows[world.first.id].inactive) == ("Suporte", False)
    assert (rows[world.second.id].conversation_type, rows[world.second.id].inactive) == ("", True)
    detail = chat_pane.conversation_detail(
        session=world.session,
        workspace_id=world.workspace.id,
        user_id=world.supervisor.id,
        conversation_id=world.second.id,
    )
    assert (detail["conversation_type"], detail["inactive"]) == ("", True)


def test_agents_set_the_type_in_the_inbox_designers_may_not(world: World) -> None:
    ui = Ui(workspace_id=world.workspace.id, user_id=world.agent.id)
    ui.fire(InboxState, "load")
    state = ui.state(InboxState)
    assert [o.value for o in state.type_options] == TYPES
    ui.fire(InboxState, "open_conversation", world.first.id)

    ui.fire(ConversationTypeState, "set_type", "Vendas")
    assert world.stored(world.first) == "Vendas" and state.conversation_type == "Vendas"
    refused = ui.fire(ConversationTypeState, "set_type", "Marketing")
    assert "Marketing" in str(refused) and "is not one of" in str(refused)  # the translated reason (en)
    assert world.stored(world.first) == "Vendas"
    ui.fire(ConversationTypeState, "set_type", NO_TYPE)
    assert world.stored(world.first) is None and state.conversation_type == ""

    designer = Ui(workspace_id=world.workspace.id, user_id=world.designer.id)
    designer.state(InboxState).selected_id = world.first.id
    assert is_refusal(designer.fire(ConversationTypeState, "set_type", "Vendas"))
    assert world.stored(world.first) is None
    # another workspace's conversation forced into the state: refused by the service
    state.selected_id = world.theirs.id
    ui.fire(ConversationTypeState, "set_type", "Vendas")
    assert world.stored(world.theirs) is None


def test_the_api_reads_filters_and_sets_the_type(world: World) -> None:
    token = create_token(session=world.session, workspace_id=world.workspace.id, name="t", role=Role.DEVELOPER)
    world.session.commit()
    client = TestClient(create_api(), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/conversations/{world.first.id}"

    patched = client.patch(url, json={"conversation_type": "suporte"}, headers=headers)
    assert patched.status_code == 200 and patched.json()["conversation_type"] == "Suporte"
    shown = client.get(url, headers=headers).json()
    assert (shown["conversation_type"], shown["inactive_since"]) == ("Suporte", None)
    listed = client.get("/api/v1/conversations", params={"conversation_type": "SUPORTE"}, headers=headers).json()
    assert [c["id"] for c in listed] == [world.first.id]

    unknown = client.patch(url, json={"conversation_type": "Marketing"}, headers=headers)
    assert unknown.status_code == 422 and "Marketing" in unknown.json()["detail"]
    other = client.patch(
        f"/api/v1/conversations/{world.theirs.id}", json={"conversation_type": "Vendas"}, headers=headers
    )
    assert other.status_code == 404
    cleared = client.patch(url, json={"conversation_type": None}, headers=headers)
    assert cleared.status_code == 200 and cleared.json()["conversation_type"] is None
    assert world.stored(world.theirs) is None
