"""An API token created for an agent sees, on /api/v1, what that agent sees in the inbox: their own
conversations and those waiting in the queues they serve; nothing once they leave the workspace. Created from
the settings page or `flowstudio token create --member`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from flowstudio.api import create_api
from flowstudio.cli import app
from flowstudio.db import session_scope
from flowstudio.errors import Invalid
from flowstudio.models import AgentQueue, Contact, Conversation, Membership, OwnerType, Role, Workspace, utcnow
from flowstudio.pages.api_tokens import NO_MEMBER, TokensState
from flowstudio.services.identity.api_tokens import authenticate, create_token, list_tokens
from tests.support.factories import make_queue, make_user, make_workspace
from tests.support.state import Ui


def _talk(session: Session, workspace_id: int, **owner) -> Conversation:
    contact = Contact(workspace_id=workspace_id, name="Cliente")
    session.add(contact)
    session.flush()
    conversation = Conversation(
        workspace_id=workspace_id, contact_id=contact.id, channel="webchat", last_message_at=utcnow(), **owner
    )
    session.add(conversation)
    session.flush()
    return conversation


def test_an_agents_token_sees_their_conversations_and_their_queues(session: Session) -> None:
    workspace = make_workspace(session)
    sales = make_queue(session, workspace=workspace, name="Vendas", is_default=True)
    support = make_queue(session, workspace=workspace, name="Suporte")
    ana = make_user(session, workspace=workspace, role=Role.AGENT, name="Ana")
    bia = make_user(session, workspace=workspace, role=Role.AGENT, name="Bia")
    session.add(AgentQueue(queue_id=sales.id, user_id=ana.id))
    anas = _talk(session, workspace.id, owner_type=OwnerType.AGENT, owner_agent_id=ana.id)
    in_sales = _talk(session, workspace.id, owner_type=OwnerType.QUEUE, owner_queue_id=sales.id)
    bias = _talk(session, workspace.id, owner_type=OwnerType.AGENT, owner_agent_id=bia.id)
    _talk(session, workspace.id, owner_type=OwnerType.QUEUE, owner_queue_id=support.id)
    token = create_token(session=session, workspace_id=workspace.id, name="Ana", role=Role.AGENT, member_id=ana.id)
    session.commit()
    client = TestClient(create_api(), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"}

    listed = client.get("/api/v1/conversations", headers=headers)
    assert listed.status_code == 200 and sorted(c["id"] for c in listed.json()) == sorted([anas.id, in_sales.id])
    assert client.get(f"/api/v1/conversations/{in_sales.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/contacts/{anas.contact_id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/conversations/{bias.id}", headers=headers).status_code == 404

    session.delete(
        session.exec(
            select(Membership).where(Membership.workspace_id == workspace.id, Membership.user_id == ana.id)
        ).one()
    )
    session.commit()  # Ana leaves the workspace: her token's role stays, her conversations are no longer its
    assert authenticate(session=session, token=token).user_id is None
    assert client.get("/api/v1/conversations", headers=headers).json() == []


def test_a_token_cannot_act_for_someone_outside_the_workspace(session: Session) -> None:
    workspace = make_workspace(session)
    stranger = make_user(session, workspace=make_workspace(session), role=Role.AGENT)
    with pytest.raises(Invalid) as refused:
        create_token(session=session, workspace_id=workspace.id, name="x", role=Role.AGENT, member_id=stranger.id)
    assert refused.value.key == "apitokens.error.member"


def test_the_cli_creates_a_token_for_a_member_and_lists_it_with_them() -> None:
    runner = CliRunner()
    runner.invoke(app, ["seed"])
    with session_scope() as session:
        workspace = session.exec(select(Workspace).where(Workspace.slug == "demo")).one()
        agent = make_user(session, workspace=workspace, role=Role.AGENT, email="dora@example.com")
        workspace_id, agent_id = workspace.id, agent.id
    created = runner.invoke(app, ["token", "create", "--role", "agent", "--member", "Dora@example.com"])
    assert created.exit_code == 0, created.output
    with session_scope() as session:
        assert authenticate(session=session, token=created.output.strip()).user_id == agent_id
        [view] = [v for v in list_tokens(session=session, workspace_id=workspace_id) if v.role == "agent"]
    assert view.member == "dora@example.com"
    refused = runner.invoke(app, ["token", "create", "--role", "agent", "--member", "nobody@example.com"])
    assert refused.exit_code != 0 and "nobody@example.com" in refused.output


def test_the_tokens_page_creates_a_token_for_the_chosen_member(session: Session) -> None:
    workspace = make_workspace(session)
    admin = make_user(session, workspace=workspace, role=Role.ADMIN)
    agent = make_user(session, workspace=workspace, role=Role.AGENT, email="eva@example.com")
    session.commit()
    ui = Ui(workspace_id=workspace.id, user_id=admin.id, ip="203.0.113.9")
    ui.fire(TokensState, "load")
    assert "eva@example.com" in [m.email for m in ui.state(TokensState).members]
    ui.fire(TokensState, "set_name", "Eva's CRM")
    ui.fire(TokensState, "set_role", "agent")
    ui.fire(TokensState, "set_member", str(agent.id))
    ui.fire(TokensState, "create")
    page = ui.state(TokensState)
    assert page.new_token and authenticate(session=session, token=page.new_token).user_id == agent.id
    assert [row.member for row in page.rows] == ["eva@example.com"] and page.member == NO_MEMBER
