"""What the canvas and studio panels show of a flow."""

from flow_runtime.validate import validate_flow
from flowstudio.demo import demo_flow
from flowstudio.services.studio.flow_view import (
    canvas_view,
    diff_documents,
    intents_by_topic,
    known_variables,
    markers,
    problem_rows,
)


def test_canvas_nodes_carry_one_handle_per_button_and_entry_nodes_no_input() -> None:
    view = canvas_view(demo_flow(), "pt-BR")
    nodes = {n["id"]: n for n in view["nodes"]}
    menu = nodes["menu"]["data"]
    assert [(h["id"], h["label"]) for h in menu["handles"]] == [
        ("b_pedido", "Fazer pedido"),
        ("b_horario", "Horário"),
        ("b_humano", "Falar com atendente"),
    ]
    assert menu["lines"] == ["Como posso ajudar?"] and menu["kindLabel"] == "Botões"
    assert nodes["q_endereco"]["data"]["handles"] == [
        {"id": "valid", "label": "válida"},
        {"id": "invalid", "label": "inválida"},
    ]
    assert not nodes["i_pedido"]["data"]["target"] and nodes["menu"]["data"]["target"]
    assert not nodes["start"]["deletable"] and not nodes["fallback"]["deletable"] and nodes["menu"]["deletable"]
    assert len(view["edges"]) == 22 and view["edges"][2]["sourceHandle"] == "b_pedido"


def test_labels_follow_the_ui_language() -> None:
    nodes = {n["id"]: n for n in canvas_view(demo_flow(), "en")["nodes"]}
    assert nodes["menu"]["data"]["kindLabel"] == "Buttons"
    assert nodes["q_email"]["data"]["lines"][-1] == "E-mail → ${email}"


def test_markers_keep_the_worst_severity() -> None:
    _, problems = validate_flow(demo_flow())
    assert markers(problems) == {"total": "warning"}


def test_diff_ignores_moves_and_reports_added_removed_changed() -> None:
    old, new = demo_flow(), demo_flow()
    for node in new["nodes"]:
        node["position"] = {"x": node["position"]["x"] + 5, "y": 0}
        if node["id"] == "m_horario":
            node["text"] = "Abrimos às 19h."
    new["nodes"] = [n for n in new["nodes"] if n["id"] != "m_fallback"]
    new["edges"] = [e for e in new["edges"] if e["target"] != "m_fallback"]
    new["nodes"].append({"id": "extra", "kind": "end", "position": {"x": 0, "y": 0}})
    diff = diff_documents(old, new)
    assert (diff.added, diff.removed, diff.changed) == (["extra"], ["m_fallback"], ["m_horario"])
    assert (diff.edges_added, diff.edges_removed) == (0, 1)
    assert diff_documents(old, old).empty


def test_known_variables_for_completion() -> None:
    names = known_variables(demo_flow())
    assert {"sabor", "endereco", "email", "total", "horario_abertura", "contact.name"} <= set(names)


def test_intents_grouped_by_topic() -> None:
    groups = intents_by_topic(demo_flow())
    assert [g["name"] for g in groups] == ["Horário de atendimento", "Pedidos", "Atendimento humano"]
    assert groups[1]["intents"][0]["name"] == "fazer_pedido"


def test_problems_speak_the_ui_language() -> None:
    from flowstudio.services.studio.flow_view import problem_text

    _, problems = validate_flow(demo_flow())
    [problem] = problems
    assert problem_text(problem, "en") == problem.message
    assert problem_text(problem, "pt-BR").startswith("Se este passo falhar")
    assert problem_text(problem, "es").startswith("Si este paso falla")


def test_designers_are_warned_about_whatsapp_s_24_hour_window() -> None:
    from flowstudio.services.studio.flow_view import channel_warnings

    document = {
        "nodes": [
            {"id": "late", "kind": "event", "event": "inactivity", "minutes": 1500},
            {"id": "soon", "kind": "event", "event": "inactivity", "minutes": 30},
            {"id": "pause", "kind": "wait", "mode": "delay", "seconds": 90000},
        ]
    }
    assert [p.node_id for p in channel_warnings(document, ["webchat", "whatsapp"])] == ["late", "pause"]
    assert channel_warnings(document, ["webchat", "telegram"]) == []


def test_each_unconnected_button_of_a_menu_is_named_by_its_label() -> None:
    document = demo_flow()
    document["edges"] = [e for e in document["edges"] if e["source"] != "menu"]
    _, problems = validate_flow(document)
    for lang, expected in (
        ("pt-BR", "O botão “Horário” não está conectado"),
        ("en", "The button “Horário” is not connected"),
    ):
        rows = [r for r in problem_rows(problems, document, lang) if r["node_id"] == "menu"]
        assert len(rows) == 3 and len({r["message"] for r in rows}) == 3
        assert [r["severity"] for r in rows] == ["warning"] * 3
        assert any(r["message"].startswith(expected) for r in rows)
    tooltip = next(n for n in canvas_view(document, "es", problems)["nodes"] if n["id"] == "menu")["data"]["problems"]
    assert "“Fazer pedido”" in tooltip and "“Falar com atendente”" in tooltip
