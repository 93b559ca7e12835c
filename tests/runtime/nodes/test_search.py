"""The ``search`` node: ``found`` (replies and saves the hits) or ``not_found``."""

from __future__ import annotations

from flow_runtime import new_session
from flow_runtime.ports import SearchHit
from flow_runtime.testing import FakeSearch, fake_ports
from flow_runtime.testing.builders import converse, event_names, texts
from tests.runtime.flows import act_flow


def test_search_found_replies_and_saves():
    node = {"id": "s", "kind": "search", "query": "horario ${x}", "save_as": "achados"}
    search = FakeSearch([SearchHit("Horários", "https://loja/h", "Abrimos às 18h")])
    (result,) = converse(
        act_flow(node, ok="found", error="not_found"),
        "oi",
        ports=fake_ports(search=search),
        session=new_session(variables={"x": "loja"}),
    )
    assert search.queries == ["horario loja"]
    assert texts(result)[0].startswith("Horários\nAbrimos às 18h")
    assert result.session.variables["achados"][0]["url"] == "https://loja/h"


def test_search_without_hits_takes_not_found():
    node = {"id": "s", "kind": "search"}
    (result,) = converse(act_flow(node, ok="found", error="not_found"), "oi")
    assert texts(result) == ["falhou"]


def test_search_error_is_not_found_with_event():
    node = {"id": "s", "kind": "search"}
    ports = fake_ports(search=FakeSearch(error=RuntimeError("down")))
    (result,) = converse(act_flow(node, ok="found", error="not_found"), "oi", ports=ports)
    assert event_names(result) == ["flow.search.error"]
