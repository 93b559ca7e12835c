"""Roles and permissions: the matrix, and that pages' event handlers and API routes follow it, re-reading the
role at each event (a demotion takes effect at once); member changes are audited and supervisors cannot
make admins."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.models import AuditEntry, Bot, Membership, Queue, Role
from flowstudio.pages.agents import AgentsState
from flowstudio.pages.bots import BotsState
from flowstudio.pages.flow_manager import FlowManagerState
from flowstudio.pages.inbox.monitor import MonitorState
from flowstudio.pages.inbox.state import InboxState
from flowstudio.pages.ip_rules import IpRulesState
from flowstudio.pages.queues import QueuesState
from flowstudio.services.identity import permissions as can
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.state.guard import GuardState
from tests.support.factories import make_bot, make_user, make_workspace
from tests.support.state import Ui, is_refusal

A, S, D, V, G = Role.ADMIN, Role.SUPERVISOR, Role.DESIGNER, Role.DEVELOPER, Role.AGENT
EXPECTED = {
    can.BOTS_VIEW: {A, S, D, V},
    can.BOTS_MANAGE: {A, S, D, V},
    can.FLOWS_EDIT: {A, S, D, V},
    can.FLOWS_TEST: {A, S, D, V},
    can.FLOWS_PUBLISH: {A, S, D, V},
    can.CHANNELS_VIEW: {A, S, D, V},
    can.CHANNELS_MANAGE: {A, S, V},
    can.ROUTING_MANAGE: {A, S},
    can.AGENTS_MANAGE: {A, S},
    can.QUEUES_MANAGE: {A, S},
    can.INBOX_WORK: {A, S, G},
    can.INBOX_SUPERVISE: {A, S},
    can.CONVERSATIONS_API: {A, S, V, G},
    can.CONVERSATIONS_ALL: {A, S, V},
    can.DEVELOPERS_MANAGE: {A, V},
    can.SETTINGS_MANAGE: {A},
    can.SECURITY_MANAGE: {A},
    can.AUDIT_VIEW: {A},
    can.MEMBERS_MANAGE: {A, S},
    can.MEMBERS_GRANT_ADMIN: {A},
    can.MESSAGES_DECRYPT: set(),
}


@pytest.mark.parametrize("capability", sorted(EXPECTED))
@pytest.mark.parametrize("role", list(Role))
def test_the_matrix(role: Role, capability: str) -> None:
    assert can.allows(role, capability) is (role in EXPECTED[capability])
    assert can.allows(role.value, capability) is (role in EXPECTED[capability])


def test_every_capability_is_in_the_table_and_unknown_ones_fail_loudly() -> None:
    assert set(EXPECTED) == set(can.CAPABILITIES)
    assert not can.allows(None, can.BOTS_VIEW) and not can.allows("owner", can.BOTS_VIEW)
    with pytest.raises(KeyError):
        can.allows(Role.ADMIN, "bots.veiw")
    assert can.can_develop(Role.DEVELOPER) and not can.can_develop(Role.DESIGNER)


def test_only_admins_make_or_unmake_admins() -> None:
    assert can.may_assign_role(A, G, A) and can.may_assign_role(A, A, S)
    assert can.may_assign_role(S, G, D) and can.may_assign_role(S, None, V)
    assert not can.may_assign_role(S, G, A) and not can.may_assign_role(S, A, G) and not can.may_assign_role(S, A, None)
    assert not can.may_assign_role(D, G, G) and not can.may_assign_role(G, None, G)


# ----------------------------------------------------------------------------------- page handlers


@pytest.fixture
def team(session: Session) -> dict:
    workspace = make_workspace(session)
    people = {role: make_user(session, workspace=workspace, role=role) for role in Role}
    make_bot(session, workspace=workspace, name="Vendas")
    session.commit()
    return {"workspace": workspace, "people": people}


def _ui(team: dict, role: Role) -> Ui:
    return Ui(workspace_id=team["workspace"].id, user_id=team["people"][role].id)


PAGE_LOADS = [
    (BotsState, can.BOTS_VIEW),
    (FlowManagerState, can.ROUTING_MANAGE),
    (AgentsState, can.AGENTS_MANAGE),
    (QueuesState, can.QUEUES_MANAGE),
    (InboxState, can.INBOX_WORK),
    (MonitorState, can.INBOX_SUPERVISE),
    (IpRulesState, can.SECURITY_MANAGE),
]


@pytest.mark.parametrize("role", list(Role))
def test_each_page_loads_only_for_the_roles_allowed(team: dict, role: Role) -> None:
    for state, capability in PAGE_LOADS:
        ui = _ui(team, role)
        result = ui.fire(state, "load")
        assert is_refusal(result) is (not can.allows(role, capability)), (state.__name__, role)
        redirect = ui.fire(GuardState, "require", capability)
        assert (redirect is not None) is (not can.allows(role, capability)), (state.__name__, role)
        if redirect is not None:
            assert "/not-allowed" in str(redirect) and ui.state(GuardState).reason == "access.denied"


@pytest.mark.parametrize("role", list(Role))
def test_creating_a_bot_from_the_page_follows_the_role(team: dict, role: Role, session: Session) -> None:
    result = _ui(team, role).fire(BotsState, "create", {"name": f"Novo {role.value}", "language": "pt"})
    created = session.exec(select(Bot).where(Bot.name == f"Novo {role.value}")).first()
    assert (created is not None) is can.allows(role, can.BOTS_MANAGE)
    assert is_refusal(result) is (not can.allows(role, can.BOTS_MANAGE))


def test_a_demotion_takes_effect_at_the_next_event(team: dict, session: Session) -> None:
    ui = _ui(team, Role.SUPERVISOR)
    ui.fire(QueuesState, "load")
    assert ui.state(QueuesState).loaded
    membership = session.exec(select(Membership).where(Membership.user_id == team["people"][S].id)).one()
    membership.role = Role.AGENT
    session.add(membership)
    session.commit()
    before = session.exec(select(Queue)).all()
    ui.state(QueuesState).form_name, ui.state(QueuesState).form_key = "Nova", "nova"
    assert is_refusal(ui.fire(QueuesState, "save"))
    assert session.exec(select(Queue)).all() == before


def test_a_member_removed_from_the_workspace_can_do_nothing(team: dict, session: Session) -> None:
    ui = _ui(team, Role.ADMIN)
    session.delete(session.exec(select(Membership).where(Membership.user_id == team["people"][A].id)).one())
    session.commit()
    assert is_refusal(ui.fire(BotsState, "create", {"name": "Fantasma"}))
    assert session.exec(select(Bot).where(Bot.name == "Fantasma")).first() is None


def _save_member(ui: Ui, *, user_id: int, name: str, email: str, role: str):
    ui.fire(AgentsState, "load")
    agents = ui.state(AgentsState)
    if user_id:
        ui.fire(AgentsState, "open_edit", user_id)
    else:
        ui.fire(AgentsState, "open_add")
        agents.form_name, agents.form_email = name, email
    agents.form_role = role
    return ui.fire(AgentsState, "save")


def test_role_changes_are_audited_and_supervisors_cannot_grant_admin(team: dict, session: Session) -> None:
    agent = team["people"][G]
    supervisor_ui = _ui(team, Role.SUPERVISOR)
    _save_member(supervisor_ui, user_id=agent.id, name="", email="", role="admin")
    assert supervisor_ui.state(AgentsState).form_error  # "only an administrator..."
    session.expire_all()
    assert session.exec(select(Membership.role).where(Membership.user_id == agent.id)).one() == Role.AGENT

    _save_member(supervisor_ui, user_id=agent.id, name="", email="", role="designer")
    assert supervisor_ui.state(AgentsState).form_error == ""
    session.expire_all()
    assert session.exec(select(Membership.role).where(Membership.user_id == agent.id)).one() == Role.DESIGNER
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "member.role_changed")).one()
    assert (entry.target_id, entry.details, entry.actor_user_id) == (
        str(agent.id),
        {"from": "agent", "to": "designer"},
        team["people"][S].id,
    )

    admin_ui = _ui(team, Role.ADMIN)
    _save_member(admin_ui, user_id=0, name="Nova Dev", email="dev@example.com", role="developer")
    assert admin_ui.state(AgentsState).form_error == ""
    added = session.exec(select(AuditEntry).where(AuditEntry.action == "member.added")).one()
    assert added.details == {"role": "developer"}


# ----------------------------------------------------------------------------------------- the API


@pytest.fixture
def tokens(team: dict, session: Session) -> dict[Role, dict[str, str]]:
    found = {
        role: {
            "Authorization": "Bearer "
            + create_token(session=session, workspace_id=team["workspace"].id, name=role.value, role=role)
        }
        for role in Role
    }
    session.commit()
    return found


API_CALLS = [
    ("get", "/api/v1/bots", None, can.BOTS_VIEW, 200),
    ("post", "/api/v1/bots", {"name": "Via API"}, can.BOTS_MANAGE, 201),
    ("get", "/api/v1/channels", None, can.CHANNELS_VIEW, 200),
    ("post", "/api/v1/channels", {"kind": "webchat", "name": "Site"}, can.CHANNELS_MANAGE, 201),
    ("get", "/api/v1/conversations", None, can.CONVERSATIONS_API, 200),
]


@pytest.mark.parametrize("role", list(Role))
def test_api_routes_follow_the_token_role(tokens: dict, role: Role) -> None:
    client = TestClient(create_api(), raise_server_exceptions=False)
    for method, path, body, capability, ok in API_CALLS:
        response = getattr(client, method)(path, headers=tokens[role], **({"json": body} if body else {}))
        expected = ok if can.allows(role, capability) else 403
        assert response.status_code == expected, (method, path, role, response.text)
        if expected == 403:
            assert capability in response.json()["detail"]
