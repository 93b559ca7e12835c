"""Property tests: random valid documents never crash ``step``; the step limit holds; sessions round-trip."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flow_runtime import Event, Session, compile, new_session, step
from flow_runtime.ports import HttpResponse
from flow_runtime.testing import FakeHttp, fake_ports

LIMIT = 25
TEXTS = ["oi", "sim", "1", "2", "quero pedir uma pizza", "a@b.co", "42", "25/12/2024", "falar com atendente", ""]
PORTS = fake_ports(http=FakeHttp({"https://api/ok": HttpResponse(200, {"a": 1})}))


def node_spec(draw, node_id: str, intent_names: list[str]) -> dict:
    kind = draw(
        st.sampled_from(
            [
                "message",
                "buttons",
                "question",
                "set_variable",
                "tag",
                "condition",
                "wait",
                "intent",
                "end",
                "assign",
                "code",
                "http_request",
                "carousel",
                "go_to",
                "media",
                "archive",
            ]
        )
    )
    text = draw(st.sampled_from(["Olá ${nome}", "ok", "${x}"]))
    if kind == "message":
        return {"id": node_id, "kind": kind, "text": text}
    if kind == "buttons":
        count = draw(st.integers(1, 3))
        return {
            "id": node_id,
            "kind": kind,
            "text": text,
            "buttons": [
                {"id": f"{node_id}_b{j}", "label": draw(st.sampled_from(["Sim", "Não", "Pizza", "Ajuda"]))}
                for j in range(count)
            ],
        }
    if kind == "carousel":
        return {
            "id": node_id,
            "kind": kind,
            "cards": [{"id": f"{node_id}_c", "title": "Card", "buttons": [{"id": f"{node_id}_cb", "label": "Quero"}]}],
        }
    if kind == "question":
        spec = draw(
            st.sampled_from(
                [
                    {"type": "text", "min_length": 3},
                    {"type": "number", "max": 10},
                    {"type": "email"},
                    {"type": "choice", "options": ["sim", "não"]},
                    {"type": "date"},
                ]
            )
        )
        return {
            "id": node_id,
            "kind": kind,
            "text": "?",
            "input": spec,
            "save_as": "x",
            "max_retries": draw(st.integers(0, 2)),
        }
    if kind == "set_variable":
        return {
            "id": node_id,
            "kind": kind,
            "name": draw(st.sampled_from(["x", "nome"])),
            "value": draw(st.one_of(st.integers(), st.text(max_size=5), st.just("${x}"))),
        }
    if kind == "tag":
        return {"id": node_id, "kind": kind, "add": ["a"], "remove": draw(st.sampled_from([[], ["a"]]))}
    if kind == "condition":
        return {
            "id": node_id,
            "kind": kind,
            "branches": [
                {
                    "id": f"{node_id}_br",
                    "rules": [{"name": "x", "op": draw(st.sampled_from(["eq", "gt", "exists"])), "value": 1}],
                }
            ],
        }
    if kind == "wait":
        return {"id": node_id, "kind": kind, "mode": draw(st.sampled_from(["delay", "input"])), "seconds": 1}
    if kind == "intent":
        name = f"intent_{node_id}"
        intent_names.append(name)
        return {
            "id": node_id,
            "kind": kind,
            "name": name,
            "triggers": [
                draw(st.sampled_from(["quero pedir uma pizza", "falar com atendente", "bom dia"])) + f" {node_id}"
            ],
        }
    if kind == "go_to":
        return {"id": node_id, "kind": kind, "intent": intent_names[0] if intent_names else "missing"}
    if kind == "assign":
        return {"id": node_id, "kind": kind, "to": {"queue": "q"}}
    if kind == "code":
        return {"id": node_id, "kind": kind, "code": draw(st.sampled_from(["variables['x'] = 1", "1/0"]))}
    if kind == "http_request":
        return {
            "id": node_id,
            "kind": kind,
            "url": draw(st.sampled_from(["https://api/ok", "https://api/missing"])),
            "response_map": {"x": "a"},
        }
    if kind == "media":
        return {"id": node_id, "kind": kind, "url": "/a.png"}
    return {"id": node_id, "kind": kind}


@st.composite
def documents(draw):
    intent_names: list[str] = []
    nodes = [{"id": "start", "kind": "start"}, {"id": "fallback", "kind": "fallback"}]
    nodes += [node_spec(draw, f"n{i}", intent_names) for i in range(draw(st.integers(1, 10)))]
    ids = [n["id"] for n in nodes]
    doc = compile({"schema_version": 1, "nodes": nodes, "edges": []})
    edges = []
    for node in doc.document.nodes:
        for handle in node.handles():
            if draw(st.booleans()) or node.kind == "start":
                edges.append({"source": node.id, "source_handle": handle, "target": draw(st.sampled_from(ids))})
    return {"schema_version": 1, "nodes": nodes, "edges": edges}


@st.composite
def events(draw, button_ids):
    choice = draw(st.integers(0, 9))
    if choice < 6:
        return Event.message(draw(st.one_of(st.sampled_from(TEXTS), st.text(max_size=12))))
    if choice < 8 and button_ids:
        return Event.click(draw(st.sampled_from(button_ids)))
    if choice == 8:
        return Event.location(1.0, 2.0)
    return draw(st.sampled_from([Event.inactivity(10), Event.media("image", "u"), Event.click("nope")]))


@st.composite
def scenarios(draw):
    raw = draw(documents())
    flow = compile(raw)
    buttons = list(flow.button_owner) + [f"intent:{i}" for i in flow.intents.entries]
    return flow, draw(st.lists(events(buttons), min_size=1, max_size=6))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_random_documents_never_crash_and_respect_the_step_limit(scenario):
    flow, inputs = scenario
    session = new_session()
    for event in inputs:
        before = session.to_json()
        result = step(flow, session, event, PORTS, step_limit=LIMIT)
        assert session.to_json() == before
        assert len(result.trace) <= LIMIT
        json.dumps(result.outputs)
        assert result.stop in {
            "wait",
            "path_end",
            "end",
            "handoff",
            "step_limit",
            "error",
            "muted",
            "not_owner",
            "idle",
            "suggest",
        }
        session = result.session


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_sessions_round_trip_json_after_every_step(scenario):
    flow, inputs = scenario
    session = new_session()
    for event in inputs:
        session = step(flow, session, event, PORTS, step_limit=LIMIT).session
        assert Session.from_json(session.to_json()) == session


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)


@given(
    variables=st.dictionaries(st.text(max_size=8), json_values, max_size=5),
    tags=st.lists(st.text(max_size=8), max_size=4),
    cursor=st.none() | st.text(max_size=8),
    retries=st.integers(0, 10),
    version=st.integers(0, 10**6),
)
def test_any_session_round_trips_json(variables, tags, cursor, retries, version):
    session = Session(variables=variables, tags=tags, cursor=cursor, retries=retries, version=version)
    assert Session.from_json(session.to_json()) == session
