"""Document edits the studio makes: each returns a new document and keeps the flow consistent."""

import copy

import pytest

from flow_runtime.validate import validate_flow
from flowstudio.demo import demo_flow
from flowstudio.nodes.items import new_item
from flowstudio.services.studio import flow_editing as fe
from flowstudio.services.studio.flow_view import NO_INPUT, PALETTE


def _doc() -> dict:
    return demo_flow()


@pytest.mark.parametrize("kind", [kind for _, kinds in PALETTE for kind in kinds if kind not in {"start", "fallback"}])
def test_every_palette_kind_adds_a_node_the_engine_accepts(kind: str) -> None:
    doc, node_id = fe.add_node(_doc(), kind=kind, position={"x": 10, "y": 20})
    flow, problems = validate_flow(doc)
    assert flow is not None, problems  # the node validates against the engine's schema
    node = next(n for n in doc["nodes"] if n["id"] == node_id)
    assert node["kind"] == kind and node["position"] == {"x": 10, "y": 20}


def test_edits_never_touch_their_input() -> None:
    original = _doc()
    snapshot = copy.deepcopy(original)
    fe.add_node(original, kind="message", position={"x": 0, "y": 0})
    fe.move_nodes(original, {"menu": {"x": 5, "y": 5}})
    fe.delete(original, node_ids=["menu"])
    fe.connect(original, source="start", source_handle="next", target="menu")
    fe.auto_layout(original)
    assert original == snapshot


def test_a_second_start_or_fallback_is_refused() -> None:
    with pytest.raises(fe.EditError, match="already has a 'start'"):
        fe.add_node(_doc(), kind="start", position={"x": 0, "y": 0})
    with pytest.raises(fe.EditError, match="fallback"):
        fe.add_node(_doc(), kind="fallback", position={"x": 0, "y": 0})


def test_connecting_a_handle_replaces_its_previous_edge() -> None:
    doc, edge, replaced = fe.connect(_doc(), source="menu", source_handle="b_pedido", target="m_horario")
    assert replaced == ["e3"]
    leaving = [e for e in doc["edges"] if e["source"] == "menu" and e["source_handle"] == "b_pedido"]
    assert leaving == [edge] and edge["target"] == "m_horario"


def test_reconnect_keeps_the_edge_id() -> None:
    doc, edge, _ = fe.connect(_doc(), source="boas_vindas", source_handle="next", target="m_fallback", edge_id="e2")
    assert edge["id"] == "e2"
    assert [e["target"] for e in doc["edges"] if e["id"] == "e2"] == ["m_fallback"]


def test_nothing_can_lead_into_an_entry_node() -> None:
    with pytest.raises(fe.EditError, match="starts a path"):
        fe.connect(_doc(), source="boas_vindas", source_handle="next", target="i_pedido")
    with pytest.raises(fe.EditError):
        fe.connect(_doc(), source="ghost", source_handle="next", target="menu")


def test_deleting_a_node_takes_its_edges_and_spares_start_and_fallback() -> None:
    doc = fe.delete(_doc(), node_ids=["menu", "start", "fallback"])
    ids = {n["id"] for n in doc["nodes"]}
    assert "menu" not in ids and {"start", "fallback"} <= ids
    assert not [e for e in doc["edges"] if "menu" in (e["source"], e["target"])]


def test_paste_copies_nodes_and_inner_edges_with_fresh_ids() -> None:
    doc, new_ids = fe.paste(_doc(), node_ids=["menu", "m_horario", "start"], offset={"x": 40, "y": 40})
    assert len(new_ids) == 2  # start is never copied
    copies = [n for n in doc["nodes"] if n["id"] in new_ids]
    menu_copy = next(n for n in copies if n["kind"] == "buttons")
    assert {b["id"] for b in menu_copy["buttons"]}.isdisjoint({"b_pedido", "b_horario", "b_humano"})
    inner = [e for e in doc["edges"] if e["source"] in new_ids]
    assert len(inner) == 1 and inner[0]["target"] in new_ids
    assert inner[0]["source_handle"] in {b["id"] for b in menu_copy["buttons"]}
    flow, problems = validate_flow(doc)
    assert flow is not None and not [p for p in problems if p.code in {"duplicate_node_id", "duplicate_button_id"}]


def test_removing_a_button_drops_its_edge() -> None:
    doc = _doc()
    menu = copy.deepcopy(next(n for n in doc["nodes"] if n["id"] == "menu"))
    menu["buttons"] = menu["buttons"][:2]
    doc, removed = fe.replace_node(doc, menu)
    assert removed == ["e5"] and not [e for e in doc["edges"] if e["id"] == "e5"]
    assert next(n for n in doc["nodes"] if n["id"] == "menu")["buttons"] == menu["buttons"]


def test_auto_layout_puts_entries_on_top_and_children_below_without_overlap() -> None:
    doc, orphan = fe.add_node(_doc(), kind="message", position={"x": 0, "y": 0})
    laid = fe.auto_layout(doc)
    pos = {n["id"]: (n["position"]["x"], n["position"]["y"]) for n in laid["nodes"]}
    assert len(set(pos.values())) == len(pos)
    assert all(pos[n["id"]][1] == 0 for n in laid["nodes"] if n["kind"] in NO_INPUT)
    assert pos["boas_vindas"][1] > pos["start"][1] and pos["menu"][1] > pos["boas_vindas"][1]
    assert pos[orphan][1] > max(y for node_id, (_, y) in pos.items() if node_id != orphan)


@pytest.mark.parametrize(
    ("lang", "option", "card"),
    [("pt-BR", "Opção 1", "Cartão 1"), ("es", "Opción 1", "Tarjeta 1"), ("en", "Option 1", "Card 1")],
)
def test_new_nodes_and_items_are_labelled_in_the_ui_language(lang: str, option: str, card: str) -> None:
    doc, menu = fe.add_node(_doc(), kind="buttons", position={"x": 0, "y": 0}, lang=lang)
    doc, carousel = fe.add_node(doc, kind="carousel", position={"x": 0, "y": 0}, lang=lang)
    nodes = {n["id"]: n for n in doc["nodes"]}
    assert nodes[menu]["buttons"][0]["label"] == option
    assert nodes[carousel]["cards"][0]["title"] == card
    assert new_item("buttons", 3, lang=lang)["label"] == option.replace("1", "3")
    assert new_item("cards", 2, lang=lang)["title"] == card.replace("1", "2")
