"""IP rules: the block list refuses everyone, the agents' allow list refuses agents elsewhere, at sign-in, on
every page event and every API call; the client address honours X-Forwarded-For only through trusted
proxies; administrators cannot lock themselves out; changes are audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.models import AuditEntry, Bot, IpRule, Role
from flowstudio.pages.bots import BotsState
from flowstudio.pages.inbox.state import InboxState
from flowstudio.pages.ip_rules import IpRulesState
from flowstudio.services.identity import ip_rules, sign_in
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.identity.ip_rules import BLOCKED, NOT_ALLOWED, IpRuleError, client_ip, parse_network, refusal
from flowstudio.state.guard import GuardState
from tests.conftest import use_env
from tests.support.factories import make_user, make_workspace
from tests.support.state import Ui, is_refusal

OFFICE, HOME, ATTACKER = "203.0.113.10", "198.51.100.77", "192.0.2.66"


def test_networks_are_read_normalised_and_bad_ones_refused() -> None:
    assert str(parse_network(" 203.0.113.7 ")) == "203.0.113.7/32"
    assert str(parse_network("2001:DB8::/32")) == "2001:db8::/32"
    assert str(parse_network("::ffff:203.0.113.0/120")) == "203.0.113.0/24"
    for bad in ("", "203.0.113.0/33", "10.0.0.5/8", "not-an-ip", "203.0.113.0/24; DROP TABLE ip_rule"):
        with pytest.raises(IpRuleError) as error:
            parse_network(bad)
        assert error.value.key == "iprules.bad_network"


@pytest.mark.parametrize(
    ("peer", "forwarded", "hops", "expected"),
    [
        ("192.0.2.66", "", 0, "192.0.2.66"),
        ("192.0.2.66", "203.0.113.10", 0, "192.0.2.66"),  # spoofed header, no proxy: ignored
        ("10.0.0.2", "203.0.113.10", 1, "203.0.113.10"),  # one trusted proxy: the address it saw
        ("10.0.0.2", "203.0.113.10, 192.0.2.66", 1, "192.0.2.66"),  # client prepended a lie: the proxy's entry wins
        ("10.0.0.3", "203.0.113.10, 192.0.2.66, 10.0.0.2", 2, "192.0.2.66"),
        ("10.0.0.2", "", 1, "10.0.0.2"),  # fewer entries than hops: the peer
        ("10.0.0.2", "garbage", 1, "10.0.0.2"),
    ],
)
def test_client_address_through_trusted_proxy_hops(peer: str, forwarded: str, hops: int, expected: str) -> None:
    assert client_ip(peer, forwarded, hops=hops) == expected


@pytest.fixture
def world(session: Session) -> dict:
    workspace, other = make_workspace(session), make_workspace(session)
    people = {
        role: make_user(session, workspace=workspace, role=role, password="correct horse battery") for role in Role
    }
    session.commit()
    return {"workspace": workspace, "other": other, "people": people}


def _add(session: Session, world: dict, kind: str, network: str, *, actor_ip: str = OFFICE) -> None:
    ip_rules.add_rule(
        session=session,
        workspace_id=world["workspace"].id,
        kind=kind,
        network=network,
        note="test",
        actor=world["people"][Role.ADMIN],
        actor_ip=actor_ip,
    )
    session.commit()


def test_block_list_refuses_everyone_and_allow_list_only_agents(session: Session, world: dict) -> None:
    ws = world["workspace"].id
    _add(session, world, "block", "192.0.2.0/24")
    _add(session, world, "allow", "203.0.113.0/24")
    _add(session, world, "allow", "2001:db8::/32")
    for role in Role:
        assert refusal(session=session, workspace_id=ws, ip=ATTACKER, role=role) == BLOCKED
        assert refusal(session=session, workspace_id=ws, ip=OFFICE, role=role) is None
        assert refusal(session=session, workspace_id=ws, ip="2001:db8::5", role=role) is None
        expected = NOT_ALLOWED if role is Role.AGENT else None
        assert refusal(session=session, workspace_id=ws, ip=HOME, role=role) == expected
        assert refusal(session=session, workspace_id=ws, ip="", role=role) == expected
    assert refusal(session=session, workspace_id=ws, ip="::ffff:192.0.2.66", role=Role.ADMIN) == BLOCKED
    assert refusal(session=session, workspace_id=world["other"].id, ip=ATTACKER, role=Role.AGENT) is None


def test_rules_are_audited_validated_and_cannot_lock_the_admin_out(session: Session, world: dict) -> None:
    with pytest.raises(IpRuleError) as error:
        _add(session, world, "block", "203.0.113.0/24", actor_ip=OFFICE)
    assert error.value.key == "iprules.locks_you_out"
    _add(session, world, "block", "192.0.2.66")
    with pytest.raises(IpRuleError) as error:
        _add(session, world, "block", "192.0.2.66/32")
    assert error.value.key == "iprules.duplicate_rule"
    with pytest.raises(IpRuleError):
        _add(session, world, "maybe", "192.0.2.1")
    rule = session.exec(select(IpRule)).one()
    assert ip_rules.remove_rule(session=session, workspace_id=world["other"].id, rule_id=rule.id) is False
    assert ip_rules.remove_rule(session=session, workspace_id=world["workspace"].id, rule_id=rule.id)
    session.commit()
    actions = session.exec(select(AuditEntry.action, AuditEntry.ip).order_by(AuditEntry.id)).all()
    assert actions == [("security.ip_rule_added", OFFICE), ("security.ip_rule_removed", "")]


def test_sign_in_is_refused_from_a_blocked_address_and_agents_outside_the_allow_list(
    session: Session, world: dict
) -> None:
    _add(session, world, "block", "192.0.2.0/24")
    _add(session, world, "allow", "203.0.113.0/24")
    admin, agent = world["people"][Role.ADMIN], world["people"][Role.AGENT]

    def start(user, ip):
        step = sign_in.start(session, email=user.email, password="correct horse battery", ip=ip)
        session.commit()
        return step

    assert start(admin, ATTACKER).error == BLOCKED and start(agent, ATTACKER).error == BLOCKED
    assert start(agent, HOME).error == NOT_ALLOWED
    assert start(admin, HOME).status != "refused" and start(agent, OFFICE).status != "refused"
    reasons = session.exec(select(AuditEntry.details).where(AuditEntry.action == "auth.sign_in_failed")).all()
    assert reasons == [{"reason": "ip"}] * 3


def test_page_events_from_a_refused_address_do_nothing(session: Session, world: dict) -> None:
    _add(session, world, "block", "192.0.2.0/24")
    _add(session, world, "allow", "203.0.113.0/24")
    ws, admin, agent = world["workspace"].id, world["people"][Role.ADMIN].id, world["people"][Role.AGENT].id
    blocked = Ui(workspace_id=ws, user_id=admin, ip=ATTACKER)
    assert is_refusal(blocked.fire(BotsState, "create", {"name": "De fora"}))
    assert session.exec(select(Bot).where(Bot.name == "De fora")).first() is None
    assert "/not-allowed" in str(blocked.fire(GuardState, "require", "bots.view"))
    assert blocked.state(GuardState).reason == BLOCKED

    home_agent = Ui(workspace_id=ws, user_id=agent, ip=HOME)
    assert is_refusal(home_agent.fire(InboxState, "load"))
    assert home_agent.state(GuardState).reason == "" and home_agent.fire(GuardState, "require", "inbox.work")
    assert home_agent.state(GuardState).reason == NOT_ALLOWED
    assert not is_refusal(Ui(workspace_id=ws, user_id=agent, ip=OFFICE).fire(InboxState, "load"))
    assert not is_refusal(Ui(workspace_id=ws, user_id=admin, ip=HOME).fire(BotsState, "load"))


def test_a_spoofed_forwarded_for_does_not_get_past_the_block_list(
    session: Session, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(session, world, "block", "192.0.2.0/24")
    ws, admin = world["workspace"].id, world["people"][Role.ADMIN].id
    spoofing = Ui(workspace_id=ws, user_id=admin, ip=ATTACKER, forwarded_for=OFFICE)
    assert is_refusal(spoofing.fire(BotsState, "load"))
    use_env(monkeypatch, FLOWSTUDIO_TRUSTED_PROXY_HOPS="1")
    behind_proxy = Ui(workspace_id=ws, user_id=admin, ip="10.0.0.2", forwarded_for=f"{OFFICE}, {ATTACKER}")
    assert is_refusal(behind_proxy.fire(BotsState, "load"))
    assert not is_refusal(
        Ui(workspace_id=ws, user_id=admin, ip="10.0.0.2", forwarded_for=OFFICE).fire(BotsState, "load")
    )


def test_api_tokens_are_refused_from_blocked_addresses(
    session: Session, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = world["workspace"].id
    admin_token = create_token(session=session, workspace_id=ws, name="admin")
    agent_token = create_token(session=session, workspace_id=ws, name="agent", role=Role.AGENT)
    session.commit()
    _add(session, world, "block", "192.0.2.0/24")
    _add(session, world, "allow", "203.0.113.0/24")

    def get(peer: str, token: str, **headers: str) -> int:
        client = TestClient(create_api(), client=(peer, 40000))
        return client.get("/api/v1/conversations", headers={"Authorization": f"Bearer {token}", **headers}).status_code

    assert get(ATTACKER, admin_token) == 403
    assert get(ATTACKER, admin_token, **{"X-Forwarded-For": OFFICE}) == 403  # 0 hops: the header is ignored
    assert get(OFFICE, admin_token) == 200 and get(HOME, admin_token) == 200
    assert get(HOME, agent_token) == 403 and get(OFFICE, agent_token) == 200
    use_env(monkeypatch, FLOWSTUDIO_TRUSTED_PROXY_HOPS="1")
    assert get("10.0.0.2", admin_token, **{"X-Forwarded-For": ATTACKER}) == 403
    assert get("10.0.0.2", agent_token, **{"X-Forwarded-For": f"{ATTACKER}, {OFFICE}"}) == 200


def test_the_ip_rules_page_adds_validates_and_removes(session: Session, world: dict) -> None:
    ws, admin = world["workspace"].id, world["people"][Role.ADMIN].id
    ui = Ui(workspace_id=ws, user_id=admin, ip=OFFICE)
    ui.fire(IpRulesState, "load")
    page = ui.state(IpRulesState)
    assert page.my_ip == OFFICE and page.rules == []
    ui.fire(IpRulesState, "set_value", "block_network", "203.0.113.0/24")
    ui.fire(IpRulesState, "add", "block")
    assert page.error_kind == "block" and OFFICE in page.error and page.rules == []
    ui.fire(IpRulesState, "set_value", "block_network", "10.0.0.5/8")
    ui.fire(IpRulesState, "add", "block")
    assert "10.0.0.5/8" in page.error
    ui.fire(IpRulesState, "set_value", "block_network", "192.0.2.0/24")
    ui.fire(IpRulesState, "set_value", "block_note", "<script>alert(1)</script>")
    ui.fire(IpRulesState, "add", "block")
    assert page.error == "" and [(r.kind, r.network, r.note) for r in page.rules] == [
        ("block", "192.0.2.0/24", "<script>alert(1)</script>")
    ]
    assert page.block_network == "" and len(page.block_rules) == 1 and page.allow_rules == []
    ui.fire(IpRulesState, "remove", page.rules[0].id)
    assert page.rules == [] and session.exec(select(IpRule)).all() == []
    supervisor = Ui(workspace_id=ws, user_id=world["people"][Role.SUPERVISOR].id, ip=OFFICE)
    supervisor.state(IpRulesState).block_network = "192.0.2.1"
    assert is_refusal(supervisor.fire(IpRulesState, "add", "block"))
    assert session.exec(select(IpRule)).all() == []
