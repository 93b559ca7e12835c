"""The ``end`` node: stops the path."""

from __future__ import annotations

from flow_runtime.testing.builders import converse, make_flow


def test_end_stops_the_path():
    nodes = [{"id": "e", "kind": "end"}]
    (result,) = converse(make_flow(nodes, [("start", "e")]), "oi")
    assert result.stop == "end" and result.trace == ("start", "e")
