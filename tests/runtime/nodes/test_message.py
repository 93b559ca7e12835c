"""The ``message`` node: templated text, delay, media with the text as caption, variants."""

from __future__ import annotations

from flow_runtime.testing import FakeRandom, fake_ports
from flow_runtime.testing.builders import converse, make_flow, texts


def test_message_renders_variables_constants_and_contact():
    node = {"id": "m", "kind": "message", "text": "${saudacao}, ${contact.name}! ${x}"}
    flow = make_flow(
        [{"id": "s", "kind": "set_variable", "name": "x", "value": 4.0}, node],
        [("start", "s"), ("s", "m")],
        constants={"saudacao": "Oi"},
    )
    from flow_runtime import new_session

    (result,) = converse(flow, "oi", session=new_session(contact={"name": "Ana"}))
    assert texts(result) == ["Oi, Ana! 4"]


def test_unknown_placeholder_renders_empty():
    flow = make_flow([{"id": "m", "kind": "message", "text": "[${nada}]"}], [("start", "m")])
    assert texts(converse(flow, "oi")[0]) == ["[]"]


def test_message_delay_emits_typing_first():
    flow = make_flow([{"id": "m", "kind": "message", "text": "a", "delay_seconds": 2}], [("start", "m")])
    outputs = converse(flow, "oi")[0].outputs
    assert outputs == [{"type": "typing", "seconds": 2}, {"type": "text", "text": "a"}]


def test_message_with_media_sends_the_text_as_caption():
    node = {"id": "m", "kind": "message", "text": "veja", "media": {"type": "image", "url": "/a.png"}}
    outputs = converse(make_flow([node], [("start", "m")]), "oi")[0].outputs
    assert outputs == [{"type": "media", "media_type": "image", "url": "/a.png", "caption": "veja", "filename": None}]


def test_message_variants_are_picked_through_the_random_port():
    node = {"id": "m", "kind": "message", "text": "a", "variants": ["b", "c"]}
    flow = make_flow([node], [("start", "m")])
    (result,) = converse(flow, "oi", ports=fake_ports(random=FakeRandom(2)))
    assert texts(result) == ["c"]
