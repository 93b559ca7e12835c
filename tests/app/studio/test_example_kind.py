"""Adding a node kind is one place: a kind defined here (schema, executor, studio side) is registered and goes
through the compiler, the engine, the studio's edits and the canvas like the product's own kinds.

A real kind does the same with files instead of calls: ``flow_runtime/nodes/<kind>/`` (``__init__.py``,
``schema.py`` with ``MODEL`` and ``ORDER``, ``run.py``), ``flowstudio/nodes/<kind>/`` (``__init__.py``, ``studio.py``,
``form.py``, ``texts/{pt-BR,es,en}.json``) and its test, ``tests/runtime/nodes/test_<kind>.py``: 10 files, found by
their folders (see any kind, ``template`` for one).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

import pytest

from flow_runtime import kinds, new_session
from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.schema import NodeBase
from flow_runtime.steps import Continue, Step
from flow_runtime.testing.builders import converse, make_doc, make_flow, visible
from flow_runtime.validate import validate_flow
from flowstudio.nodes import registry
from flowstudio.nodes.registry import StudioKind
from flowstudio.services.studio import flow_editing
from flowstudio.services.studio.flow_view import canvas_view


class ShoutNode(NodeBase):
    """Says its text in capitals."""

    kind: Literal["shout"] = "shout"
    text: str = ""


def run(node: ShoutNode, ctx: NodeContext) -> Step:
    return Continue("next", outputs=(out.text(ctx.render(node.text).upper()),))


SHOUT = StudioKind(
    "shout",
    "say",
    "megaphone",
    defaults=lambda document, lang: {"text": "hey"},
    lines=lambda raw, t: [f"📣 {raw.get('text', '')}"],
)


@pytest.fixture
def shout() -> Iterator[None]:
    kinds.register(ShoutNode, run)
    registry.register(SHOUT)
    yield
    registry.unregister("shout")
    kinds.unregister("shout")


def _doc(node: dict[str, Any]) -> dict[str, Any]:
    return make_doc(
        [node, {"id": "bye", "kind": "message", "text": "bye"}], [("start", node["id"]), (node["id"], "bye")]
    )


def test_the_engine_runs_the_new_kind(shout: None) -> None:
    flow = make_flow([{"id": "s", "kind": "shout", "text": "hi ${contact.name}"}], [("start", "s")])
    assert flow.ok, flow.problems
    (result,) = converse(flow, "oi", session=new_session(contact={"name": "Ana"}))
    assert visible(result) == [{"type": "text", "text": "HI ANA"}]


def test_the_compiler_checks_the_new_kind_like_any_other(shout: None) -> None:
    flow, problems = validate_flow(_doc({"id": "s", "kind": "shout", "txt": "typo"}))
    assert flow is None and problems[0].code == "unknown_field"
    flow, problems = validate_flow(make_doc([{"id": "s", "kind": "shout"}], [("start", "s")]))
    assert flow is not None and [p.code for p in problems if p.node_id == "s"] == []


def test_the_studio_drops_draws_and_connects_the_new_kind(shout: None) -> None:
    doc, node_id = flow_editing.add_node(make_doc([]), kind="shout", position={"x": 10, "y": 20}, lang="en")
    doc, _, _ = flow_editing.connect(doc, source="start", source_handle=None, target=node_id)
    node = next(n for n in doc["nodes"] if n["id"] == node_id)
    assert node["text"] == "hey"
    view = next(n for n in canvas_view(doc, "en")["nodes"] if n["id"] == node_id)["data"]
    assert (view["group"], view["lines"], [h["id"] for h in view["handles"]]) == ("say", ["📣 hey"], ["next"])
    assert view["target"] and "shout" in dict(registry.palette())["say"]


def test_once_unregistered_the_kind_is_unknown_again() -> None:
    flow, problems = validate_flow(_doc({"id": "s", "kind": "shout", "text": "x"}))
    assert flow is None and problems[0].node_id == "s"
