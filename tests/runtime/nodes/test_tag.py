"""The ``tag`` node: adds and removes contact tags."""

from __future__ import annotations

from flow_runtime import new_session
from flow_runtime.testing.builders import converse, make_flow


def test_tag_adds_and_removes():
    node = {"id": "t", "kind": "tag", "add": ["cliente", "vip"], "remove": ["lead"]}
    (result,) = converse(make_flow([node], [("start", "t")]), "x", session=new_session(tags=["lead"]))
    assert result.session.tags == ["cliente", "vip"]
