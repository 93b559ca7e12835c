"""The ``archive`` node: marks the session archived."""

from __future__ import annotations

from flow_runtime.testing.builders import converse, event_names, make_flow


def test_archive_marks_the_session_archived():
    (result,) = converse(make_flow([{"id": "a", "kind": "archive"}], [("start", "a")]), "oi")
    assert result.session.status == "archived"
    assert event_names(result) == ["flow.conversation.archived"]
