"""The *Search* block is not offered until it is rebuilt on the knowledge base; flows that have one still load."""

from flow_runtime.testing.builders import make_doc
from flow_runtime.validate import validate_flow
from flowstudio.services.studio.flow_view import PALETTE, canvas_view, problem_text


def _flow_with_search() -> dict:
    return make_doc(
        [
            {"id": "start", "kind": "start"},
            {"id": "look", "kind": "search", "query": "${last_message}"},
            {"id": "none", "kind": "message", "text": "Nada encontrado."},
        ],
        [("start", "look"), ("look", "found", "none"), ("look", "not_found", "none")],
    )


def test_the_palette_does_not_offer_search() -> None:
    assert "search" not in {kind for _, kinds in PALETTE for kind in kinds}
    assert "send_email" in dict(PALETTE)["act"]


def test_a_flow_with_a_search_block_loads_with_a_translated_warning_on_it() -> None:
    document = _flow_with_search()
    flow, problems = validate_flow(document)
    assert flow is not None
    found = [p for p in problems if p.code == "block_unavailable"]
    assert [(p.severity, p.node_id) for p in found] == [("warning", "look")]
    assert "não está disponível" in problem_text(found[0], "pt-BR")
    assert "no está disponible" in problem_text(found[0], "es")
    assert "not available yet" in problem_text(found[0], "en")
    look = next(n for n in canvas_view(document, "pt-BR", problems)["nodes"] if n["id"] == "look")
    assert "não está disponível" in look["data"]["problems"]
