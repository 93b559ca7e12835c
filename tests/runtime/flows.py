"""Small flows several runtime test modules share: three intents in two topics with a fallback
(``intents_flow``), and an action node between ``ok`` and ``error`` messages (``act_flow``)."""

from __future__ import annotations

from flow_runtime.testing.builders import make_flow

TOPICS = [{"id": "t_pizza", "name": "Pizza"}, {"id": "t_info", "name": "Info"}]


def intents_flow(**bot):
    nodes = [
        {"id": "hi", "kind": "message", "text": "Olá"},
        {
            "id": "i_pedido",
            "kind": "intent",
            "name": "pedido",
            "topic": "t_pizza",
            "suggestion": "Fazer pedido",
            "triggers": ["quero pedir uma pizza", "fazer um pedido"],
        },
        {
            "id": "i_sabores",
            "kind": "intent",
            "name": "sabores",
            "topic": "t_pizza",
            "triggers": ["quais sabores de pizza vocês têm", "cardapio de sabores"],
        },
        {
            "id": "i_horario",
            "kind": "intent",
            "name": "horario",
            "topic": "t_info",
            "triggers": ["que horas vocês abrem", "horario de funcionamento"],
        },
        {"id": "m_pedido", "kind": "message", "text": "pedido"},
        {"id": "m_sabores", "kind": "message", "text": "sabores"},
        {"id": "m_horario", "kind": "message", "text": "horario"},
        {"id": "m_fallback", "kind": "message", "text": "não entendi"},
    ]
    edges = [
        ("start", "hi"),
        ("i_pedido", "m_pedido"),
        ("i_sabores", "m_sabores"),
        ("i_horario", "m_horario"),
        ("fallback", "m_fallback"),
    ]
    return make_flow(nodes, edges, topics=TOPICS, bot={"name": "B", "fallback": bot} if bot else {"name": "B"})


OK = {"id": "ok", "kind": "message", "text": "ok"}
ERR = {"id": "err", "kind": "message", "text": "falhou"}


def act_flow(node, ok="next", error="error"):
    edges = [("start", node["id"]), (node["id"], ok, "ok")]
    if error:
        edges.append((node["id"], error, "err"))
    return make_flow([node, OK, ERR], edges)
