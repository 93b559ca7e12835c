"""The plain helpers behind the flow manager, agents and queues pages: form text <-> data, the board of
knowledge areas, rule order, who may change what, and the default bot."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from flowstudio.models import Bot, Role
from flowstudio.pages.admin_forms import (
    FormError,
    hours_to_rows,
    member_role,
    minutes_to_seconds,
    parse_list,
    parse_pairs,
    parse_spans,
    rows_to_hours,
    seconds_to_minutes,
)
from flowstudio.pages.agents import csv_grants_admin, guard
from flowstudio.pages.flow_manager.state import board, moved, rule_rows
from flowstudio.pages.queues import queue_row
from flowstudio.services.assignment import queues as queue_service
from flowstudio.services.flow_manager import rules
from flowstudio.services.flow_manager.rules import RoutingError, RuleView
from flowstudio.services.studio.bots import BotSummary
from tests.support.factories import make_bot, make_user, make_workspace


def test_lists_and_pairs_are_read_from_form_text() -> None:
    assert parse_list("vip, reclamação;\n vip , ,novo") == ["vip", "reclamação", "novo"]
    assert parse_pairs("plano = ouro\n\ncidade: São Paulo; vazio =") == {
        "plano": "ouro",
        "cidade": "São Paulo",
        "vazio": "",
    }
    with pytest.raises(FormError) as error:
        parse_pairs("plano ouro")
    assert error.value.key == "forms.bad_pair" and error.value.detail == "plano ouro"


def test_business_hours_round_trip_through_the_weekday_rows() -> None:
    stored = {
        "timezone": "America/Sao_Paulo",
        "days": {"mon": [["09:00", "12:00"], ["13:00", "18:00"]], "sat": [["09:00", "13:00"]]},
    }
    always_open, zone, rows = hours_to_rows(stored)
    assert not always_open and zone == "America/Sao_Paulo"
    assert rows[0] == {"day": "mon", "open": "1", "spans": "09:00-12:00, 13:00-18:00"}
    assert rows[1]["open"] == "" and rows[5]["spans"] == "09:00-13:00"
    assert rows_to_hours(False, zone, rows) == stored
    assert queue_service.clean_business_hours(rows_to_hours(False, zone, rows)) == stored


def test_no_days_means_always_open_and_closed_days_are_left_out() -> None:
    always_open, _, rows = hours_to_rows({})
    assert always_open and all(row["open"] == "" for row in rows)
    assert rows_to_hours(True, "UTC", rows) == {}
    rows[2] = {"day": "wed", "open": "1", "spans": "8:30 - 17:00"}
    assert rows_to_hours(False, "UTC", rows) == {"timezone": "UTC", "days": {"wed": [["08:30", "17:00"]]}}


def test_bad_hours_are_refused_with_the_day_or_text_at_fault() -> None:
    with pytest.raises(FormError) as error:
        parse_spans("09:00-12:00, depois do almoço")
    assert error.value.key == "forms.bad_span" and error.value.detail == "depois do almoço"
    rows = hours_to_rows({})[2]
    rows[4] = {"day": "fri", "open": "1", "spans": " "}
    with pytest.raises(FormError) as error:
        rows_to_hours(False, "UTC", rows)
    assert error.value.key == "forms.open_day_needs_hours" and error.value.detail == "fri"


def test_waits_are_typed_in_minutes_and_stored_in_seconds() -> None:
    assert minutes_to_seconds("5") == 300 and minutes_to_seconds("1,5") == 90 and minutes_to_seconds(" 2.25") == 135
    assert seconds_to_minutes(300) == "5" and seconds_to_minutes(90) == "1.5"
    with pytest.raises(FormError):
        minutes_to_seconds("cinco")


def _summary(bot_id: int, name: str, areas: list[str]) -> BotSummary:
    return BotSummary(id=bot_id, name=name, description="", language="pt", knowledge_areas=areas)


def test_the_board_has_a_column_per_area_with_its_bots() -> None:
    bots = [_summary(1, "Vendas", ["Pedidos", "Cardápio"]), _summary(2, "Financeiro", ["Boletos", "pedidos"])]
    columns = board(bots, extra_areas=["Reclamações", "boletos"], rule_areas=["Entregas"])
    assert [c.name for c in columns] == ["Boletos", "Cardápio", "Entregas", "Pedidos", "Reclamações"]
    by_name = {c.name: [b.name for b in c.bots] for c in columns}
    assert by_name == {
        "Boletos": ["Financeiro"],
        "Cardápio": ["Vendas"],
        "Entregas": [],
        "Pedidos": ["Vendas", "Financeiro"],
        "Reclamações": [],
    }


def test_rule_rows_number_from_one_and_know_their_ends() -> None:
    views = [
        RuleView(
            id=7,
            position=0,
            name="VIP",
            conditions={"tags": ["vip"], "variables": {"plano": "ouro"}},
            target_type="queue",
            target_id=3,
            target_name="VIP",
            enabled=True,
        ),
        RuleView(
            id=4,
            position=1,
            name="Assunto",
            conditions={"knowledge_areas": ["Boletos"]},
            target_type="knowledge",
            target_id=None,
            target_name="best bot for the message",
            enabled=False,
        ),
    ]
    rows = rule_rows(views, "Melhor bot")
    assert [(r.number, r.first, r.last) for r in rows] == [(1, True, False), (2, False, True)]
    assert rows[0].variables == ["plano = ouro"] and rows[0].tags == ["vip"]
    assert rows[1].target_name == "Melhor bot" and rows[1].areas == ["Boletos"] and not rows[1].enabled


def test_moving_a_rule_keeps_every_other_in_place() -> None:
    assert moved([1, 2, 3, 4], 3, -1) == [1, 3, 2, 4]
    assert moved([1, 2, 3, 4], 3, 1) == [1, 2, 4, 3]
    assert moved([1, 2, 3, 4], 1, -1) == [1, 2, 3, 4]
    assert moved([1, 2, 3, 4], 4, 1) == [1, 2, 3, 4]


def test_who_may_change_agents() -> None:
    assert guard("agent") == "forms.not_allowed"
    assert guard(None) == "forms.not_allowed"
    assert guard("supervisor", new_role="agent") is None
    assert guard("supervisor", new_role="admin") == "agents.only_admin"
    assert guard("supervisor", target_role="admin") == "agents.only_admin"
    assert (
        guard(
            "admin", target_role="admin", new_role="supervisor", actor_id=2, target_id=3, changes_role_or_removes=True
        )
        is None
    )
    assert (
        guard("admin", target_role="admin", actor_id=2, target_id=2, changes_role_or_removes=True)
        == "agents.not_yourself"
    )
    assert guard("admin", target_role="admin", actor_id=2, target_id=2) is None  # own status or capacity


def test_a_csv_that_makes_an_admin_is_spotted() -> None:
    assert csv_grants_admin(b"\xef\xbb\xbfName,Email,Role\nAna,ana@x.com, Admin \n")
    assert not csv_grants_admin("name,email,role\nAna,ana@x.com,agent\nBia,bia@x.com,\n")
    assert not csv_grants_admin("name,email\nAna,ana@x.com\n")


def test_queue_rows_show_open_days_and_agent_names() -> None:
    view = queue_service.QueueView(
        id=1,
        key="vendas",
        name="Vendas",
        is_default=True,
        strategy="least_busy",
        business_hours={"timezone": "UTC", "days": {"tue": [["10:00", "16:00"]]}},
        max_wait_seconds=150,
        position_message="",
        closed_message="",
        return_to_bot_on_close=False,
        csat_enabled=True,
        csat_question="",
        agent_ids=[5, 9],
    )
    row = queue_row(view, {5: "Ana", 6: "Bia"})
    assert not row.always_open and [(d.day, d.spans) for d in row.days] == [("tue", "10:00-16:00")]
    assert row.max_wait == "2.5" and row.agents == ["Ana"] and row.csat_enabled and not row.return_to_bot


def test_member_role_and_default_bot(session: Session) -> None:
    workspace, other = make_workspace(session), make_workspace(session)
    supervisor = make_user(session, workspace=workspace, role=Role.SUPERVISOR)
    assert member_role(session=session, workspace_id=workspace.id, user_id=supervisor.id) == "supervisor"
    assert member_role(session=session, workspace_id=other.id, user_id=supervisor.id) is None
    first = make_bot(session, workspace=workspace, is_default=True)
    second = make_bot(session, workspace=workspace)
    stranger = make_bot(session, workspace=other)
    rules.set_default_bot(session=session, workspace_id=workspace.id, bot_id=second.id)
    session.refresh(first)
    assert session.get(Bot, second.id).is_default and not first.is_default
    with pytest.raises(RoutingError):
        rules.set_default_bot(session=session, workspace_id=workspace.id, bot_id=stranger.id)
    assert not session.get(Bot, stranger.id).is_default
