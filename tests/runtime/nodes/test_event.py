"""The ``event`` node: media or a location received, inactivity; a pending menu keeps waiting."""

from __future__ import annotations

from flow_runtime import Event
from flow_runtime.testing.builders import converse, make_flow, texts


def test_event_node_handles_received_media():
    nodes = [
        {"id": "ev", "kind": "event", "event": "image"},
        {"id": "m", "kind": "message", "text": "foto: ${last_image}"},
    ]
    flow = make_flow(nodes, [("ev", "m")])
    result = converse(flow, "oi", Event.media("image", "https://x/y.jpg"))[1]
    assert texts(result) == ["foto: https://x/y.jpg"]


def test_inactivity_picks_the_longest_elapsed_handler():
    nodes = [
        {"id": "e5", "kind": "event", "event": "inactivity", "minutes": 5},
        {"id": "e30", "kind": "event", "event": "inactivity", "minutes": 30},
        {"id": "m5", "kind": "message", "text": "ainda aí?"},
        {"id": "m30", "kind": "message", "text": "tchau"},
    ]
    flow = make_flow(nodes, [("e5", "m5"), ("e30", "m30")])
    assert texts(converse(flow, "oi", Event.inactivity(40))[1]) == ["tchau"]
    assert texts(converse(flow, "oi", Event.inactivity(6))[1]) == ["ainda aí?"]


def test_an_event_node_path_keeps_a_pending_menu_waiting():
    nodes = [
        {"id": "menu", "kind": "buttons", "text": "Escolha", "buttons": [{"id": "b1", "label": "Um"}]},
        {"id": "m1", "kind": "message", "text": "um!"},
        {"id": "ev", "kind": "event", "event": "location"},
        {"id": "m_loc", "kind": "message", "text": "obrigado"},
    ]
    flow = make_flow(nodes, [("start", "menu"), ("menu", "b1", "m1"), ("ev", "m_loc")])
    result = converse(flow, "oi", Event.location(-23.5, -46.6))[1]
    assert texts(result) == ["obrigado"]
    assert result.session.cursor == "menu"
