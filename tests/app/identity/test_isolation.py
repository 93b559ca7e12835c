"""Workspaces are isolated: an administrator of workspace A, through the pages' event handlers or with A's API
token, can neither read nor change anything of workspace B, given B's ids."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.models import (
    AgentProfile,
    Bot,
    Channel,
    ChannelKind,
    Contact,
    Conversation,
    ConversationTag,
    IpRule,
    IpRuleKind,
    Membership,
    Message,
    Queue,
    Role,
    RoutingRule,
    RuleTarget,
)
from flowstudio.pages.agents import AgentsState
from flowstudio.pages.bots import BotsState
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.flow_manager import FlowManagerState
from flowstudio.pages.inbox.state import InboxState
from flowstudio.pages.ip_rules import IpRulesState
from flowstudio.pages.queues import QueuesState
from flowstudio.services.identity.api_tokens import create_token
from tests.support.factories import make_bot, make_conversation, make_queue, make_user, make_workspace
from tests.support.state import Ui

TABLES = (
    Bot,
    Queue,
    RoutingRule,
    Conversation,
    Contact,
    Message,
    ConversationTag,
    Membership,
    AgentProfile,
    Channel,
    IpRule,
)


def snapshot(session: Session, workspace_id: int) -> dict[str, Any]:
    """Every row of the workspace's tables we attack, as plain data."""
    session.expire_all()
    data: dict[str, Any] = {}
    for table in TABLES:
        rows = session.exec(select(table)).all()
        data[table.__name__] = sorted(
            json.dumps(row.model_dump(mode="json"), sort_keys=True)
            for row in rows
            if _workspace_of(session, row) == workspace_id
        )
    return data


def _workspace_of(session: Session, row: Any) -> int | None:
    if hasattr(row, "workspace_id"):
        return row.workspace_id
    if isinstance(row, Message | ConversationTag):
        return session.get(Conversation, row.conversation_id).workspace_id
    if isinstance(row, AgentProfile):
        return session.get(Membership, row.membership_id).workspace_id
    return None


@pytest.fixture
def two(session: Session) -> dict[str, Any]:
    a, b = make_workspace(session, name="A"), make_workspace(session, name="B")
    admin_a = make_user(session, workspace=a, role=Role.ADMIN)
    agent_b = make_user(session, workspace=b, role=Role.AGENT)
    make_bot(session, workspace=a, name="Bot A")
    bot_b = make_bot(session, workspace=b, name="Bot B", is_default=True, knowledge_areas=["Vendas"])
    queue_b = make_queue(session, workspace=b, name="Fila B")
    make_queue(session, workspace=a, name="Fila A")
    conversation_b = make_conversation(session, workspace=b, bot=bot_b)
    session.add(
        Message(
            conversation_id=conversation_b.id,
            direction="inbound",
            sender_type="contact",
            kind="text",
            text="segredo de B",
            payload={"type": "text", "text": "segredo de B"},
        )
    )
    rule_b = RoutingRule(
        workspace_id=b.id, position=0, name="Regra B", conditions={}, target_type=RuleTarget.BOT, target_bot_id=bot_b.id
    )
    channel_b = Channel(workspace_id=b.id, bot_id=bot_b.id, kind=ChannelKind.REST, name="REST B", key="rest-b-key")
    ip_rule_b = IpRule(workspace_id=b.id, kind=IpRuleKind.BLOCK, network="192.0.2.0/24")
    session.add_all([rule_b, channel_b, ip_rule_b])
    session.commit()
    return {
        "a": a,
        "b": b,
        "admin_a": admin_a,
        "agent_b": agent_b,
        "bot_b": bot_b,
        "queue_b": queue_b,
        "conversation_b": conversation_b,
        "contact_b": conversation_b.contact_id,
        "rule_b": rule_b,
        "channel_b": channel_b,
        "ip_rule_b": ip_rule_b,
    }


def test_page_events_of_a_cannot_read_or_change_b(session: Session, two: dict[str, Any]) -> None:
    before = snapshot(session, two["b"].id)
    ui = Ui(workspace_id=two["a"].id, user_id=two["admin_a"].id, path=f"/bots/{two['bot_b'].id}/editor")
    bot_b, queue_b, rule_b = two["bot_b"].id, two["queue_b"].id, two["rule_b"].id

    # bots
    ui.fire(BotsState, "load")
    assert [b.name for b in ui.state(BotsState).bots] == ["Bot A"]
    ui.fire(BotsState, "duplicate", bot_b)
    assert ui.fire(BotsState, "export", bot_b) is None and ui.state(BotsState).error
    ui.fire(BotsState, "ask_rename", bot_b, "Bot B")
    ui.state(BotsState).rename_value = "Roubado"
    ui.fire(BotsState, "rename")
    ui.fire(BotsState, "ask_confirm", bot_b, "Bot B")
    ui.fire(BotsState, "delete")
    # the studio
    ui.fire(EditorState, "load")
    assert ui.state(EditorState).missing and ui.state(EditorState).bot_id != bot_b
    # flow manager
    ui.fire(FlowManagerState, "load")
    for handler, args in (
        ("add_area_to_bot", (bot_b, "Roubo")),
        ("remove_area", (bot_b, "Vendas")),
        ("make_default", (bot_b,)),
        ("open_edit_rule", (rule_b,)),
        ("toggle_rule", (rule_b, False)),
        ("move_rule", (rule_b, 1)),
    ):
        ui.fire(FlowManagerState, handler, *args)
    assert "Regra B" not in str(ui.state(FlowManagerState).dict())
    ui.state(FlowManagerState).confirm_id = rule_b
    ui.fire(FlowManagerState, "delete_rule")
    # queues
    ui.fire(QueuesState, "load")
    ui.fire(QueuesState, "open_edit", queue_b)
    assert ui.state(QueuesState).form_name != "Fila B"
    ui.fire(QueuesState, "make_default", queue_b)
    ui.state(QueuesState).confirm_id = queue_b
    ui.fire(QueuesState, "delete")
    # agents
    ui.fire(AgentsState, "load")
    assert two["agent_b"].id not in [a.user_id for a in ui.state(AgentsState).agents]
    ui.fire(AgentsState, "change_status", two["agent_b"].id, "online")
    ui.fire(AgentsState, "change_capacity", two["agent_b"].id, "9")
    ui.fire(AgentsState, "ask_confirm", two["agent_b"].id, "x")
    ui.fire(AgentsState, "remove")
    # IP rules
    ui.fire(IpRulesState, "load")
    assert ui.state(IpRulesState).rules == []
    ui.fire(IpRulesState, "remove", two["ip_rule_b"].id)

    assert snapshot(session, two["b"].id) == before


def test_inbox_events_of_a_cannot_read_or_change_b(session: Session, two: dict[str, Any]) -> None:
    before = snapshot(session, two["b"].id)
    ui = Ui(workspace_id=two["a"].id, user_id=two["admin_a"].id)
    inbox = ui.state(InboxState)
    ui.fire(InboxState, "set_view", "all")
    assert inbox.rows == []
    ui.fire(InboxState, "open_conversation", two["conversation_b"].id)
    assert inbox.messages == [] and inbox.contact_name != "Ana" and inbox.selected_id == 0
    # even with B's id forced into the state (the browser cannot do this), the services refuse
    for handler, args in (
        ("pick", ()),
        ("set_priority", ("urgent",)),
        ("add_tag", ({"tag": "roubado"},)),
        ("close", ()),
        ("archive", ()),
    ):
        inbox.selected_id = two["conversation_b"].id
        ui.fire(InboxState, handler, *args)
    inbox.selected_id, inbox.draft = two["conversation_b"].id, "olá de A"
    ui.fire(InboxState, "send")
    inbox.selected_id, inbox.transfer_type, inbox.transfer_target = (
        two["conversation_b"].id,
        "queue",
        str(two["queue_b"].id),
    )
    ui.fire(InboxState, "transfer")
    assert snapshot(session, two["b"].id) == before
    assert "segredo de B" not in str(inbox.dict())


def test_the_api_token_of_a_cannot_read_or_change_b(session: Session, two: dict[str, Any]) -> None:
    token = create_token(session=session, workspace_id=two["a"].id, name="A")
    session.commit()
    before = snapshot(session, two["b"].id)
    client = TestClient(create_api(), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"}
    bot, conversation, contact, channel = (
        two["bot_b"].id,
        two["conversation_b"].id,
        two["contact_b"],
        two["channel_b"].id,
    )
    calls = [
        ("get", f"/api/v1/bots/{bot}", None),
        ("patch", f"/api/v1/bots/{bot}", {"name": "Roubado"}),
        ("delete", f"/api/v1/bots/{bot}", None),
        ("get", f"/api/v1/bots/{bot}/draft", None),
        ("put", f"/api/v1/bots/{bot}/draft", {"nodes": []}),
        ("post", f"/api/v1/bots/{bot}/versions", {}),
        ("get", f"/api/v1/bots/{bot}/versions", None),
        ("get", f"/api/v1/bots/{bot}/versions/1", None),
        ("get", f"/api/v1/conversations/{conversation}", None),
        ("post", f"/api/v1/conversations/{conversation}/messages", {"text": "oi"}),
        ("get", f"/api/v1/contacts/{contact}", None),
        ("patch", f"/api/v1/contacts/{contact}", {"name": "Roubado", "add_tags": ["x"]}),
        ("get", f"/api/v1/channels/{channel}", None),
        ("patch", f"/api/v1/channels/{channel}", {"name": "x"}),
        ("delete", f"/api/v1/channels/{channel}", None),
        ("post", f"/api/v1/channels/{channel}/messages", {"user_id": "u1", "text": "oi"}),
    ]
    for method, path, body in calls:
        response = getattr(client, method)(path, headers=headers, **({"json": body} if body is not None else {}))
        assert response.status_code in (403, 404), (method, path, response.status_code, response.text)
        assert "segredo" not in response.text and "Bot B" not in response.text
    listed = [
        client.get(path, headers=headers).json()
        for path in ("/api/v1/bots", "/api/v1/channels", "/api/v1/conversations")
    ]
    assert (
        "Bot B" not in str(listed) and "REST B" not in str(listed) and conversation not in [c["id"] for c in listed[2]]
    )
    own = client.post("/api/v1/channels", json={"kind": "webchat", "name": "Meu", "bot_id": bot}, headers=headers)
    assert own.status_code == 422
    mine = client.post("/api/v1/channels", json={"kind": "webchat", "name": "Meu"}, headers=headers).json()
    assert client.patch(f"/api/v1/channels/{mine['id']}", json={"bot_id": bot}, headers=headers).status_code == 422
    assert snapshot(session, two["b"].id) == before
