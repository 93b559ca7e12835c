"""The inspector: edits the selected node, with limits and problems shown as the designer types."""

from __future__ import annotations

from typing import get_args

import reflex as rx

from flow_runtime.schema.entry import FirstMessage
from flowstudio.components.layout import t
from flowstudio.pages.editor import inspector_actions, inspector_code
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState

DEBOUNCE_MS = 350
INPUT_TYPES = [
    "text",
    "number",
    "email",
    "phone",
    "date",
    "cpf",
    "cnpj",
    "cpf_cnpj",
    "cep",
    "location",
    "choice",
    "entity",
]
EVENTS = ["inactivity", "image", "document", "audio", "video", "location"]
FIRST_MESSAGE = list(get_args(FirstMessage))


def _label(key: str) -> rx.Component:
    return rx.text(t(key), size="1", weight="medium", color_scheme="gray")


def _field(key: str, control: rx.Component) -> rx.Component:
    return rx.vstack(_label(key), control, spacing="1", width="100%")


def text_input(path: str, key: str, *, placeholder: str = "", testid: str = "") -> rx.Component:
    """A one-line input bound to a field of the selected node."""
    return _field(
        key,
        rx.input(
            value=InspectorState.form[path],
            on_change=lambda v: EditorState.set_field(path, v),
            debounce_timeout=DEBOUNCE_MS,
            placeholder=placeholder,
            width="100%",
            data_testid=testid or f"field-{path}",
        ),
    )


def text_area(path: str, key: str, *, rows: str = "3", testid: str = "", lines: bool = False) -> rx.Component:
    """A multi-line input; with `lines`, each line is an item of a list field."""
    handler = (lambda v: EditorState.set_lines(path, v)) if lines else (lambda v: EditorState.set_field(path, v))
    source = InspectorState.form[path] if path != "triggers" else InspectorState.selected_triggers_text
    return _field(
        key,
        rx.text_area(
            value=source,
            on_change=handler,
            debounce_timeout=DEBOUNCE_MS,
            rows=rows,
            width="100%",
            data_testid=testid or f"field-{path}",
        ),
    )


def choice(path: str, key: str, options: list[str], *, label_prefix: str = "") -> rx.Component:
    """A select bound to a field of the selected node."""
    return _field(
        key,
        rx.select.root(
            rx.select.trigger(width="100%"),
            rx.select.content(*[rx.select.item(t(label_prefix + o) if label_prefix else o, value=o) for o in options]),
            value=InspectorState.form[path],
            on_change=lambda v: EditorState.set_field(path, v),
            data_testid=f"field-{path}",
        ),
    )


def _variables_bar() -> rx.Component:
    """`${var}` completion: names matching the `${...` being typed, else every known variable."""
    chips = rx.cond(
        InspectorState.selected_variable_hint.length() > 0, InspectorState.selected_variable_hint, EditorState.variables
    )
    handler = rx.cond(InspectorState.selected_variable_hint.length() > 0, "complete", "insert")
    return rx.vstack(
        _label("editor.variables"),
        rx.flex(
            rx.foreach(
                chips,
                lambda name: rx.badge(
                    "${" + name + "}",
                    variant="soft",
                    color_scheme="iris",
                    cursor="pointer",
                    on_click=rx.cond(
                        handler == "complete", EditorState.complete_variable(name), EditorState.insert_variable(name)
                    ),
                    data_testid="variable-chip",
                ),
            ),
            wrap="wrap",
            gap="1",
        ),
        spacing="1",
        width="100%",
    )


def _buttons_editor() -> rx.Component:
    def row(button: rx.Var, index: rx.Var) -> rx.Component:
        return rx.hstack(
            rx.input(
                value=button["label"].to(str),
                on_change=lambda v: EditorState.set_field("buttons." + index.to_string() + ".label", v),
                debounce_timeout=DEBOUNCE_MS,
                flex="1",
                color_scheme=rx.cond(button["too_long"].to(bool), "red", "gray"),
                data_testid="button-label",
            ),
            rx.text(
                button["length"].to_string() + "/20",
                size="1",
                color=rx.cond(button["too_long"].to(bool), rx.color("red", 11), rx.color("gray", 10)),
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                size="1",
                variant="ghost",
                color_scheme="gray",
                on_click=EditorState.remove_item("buttons", index),
            ),
            width="100%",
            align="center",
        )

    return rx.vstack(
        _label("editor.buttons"),
        rx.foreach(InspectorState.selected_buttons, row),
        rx.button(
            rx.icon("plus", size=14),
            t("editor.add_button"),
            size="1",
            variant="soft",
            on_click=EditorState.add_item("buttons"),
            disabled=InspectorState.selected_buttons.length() >= 10,
            data_testid="add-button",
        ),
        rx.cond(
            InspectorState.selected_buttons.length() >= 10,
            rx.text(t("editor.button_limit"), size="1", color_scheme="amber"),
        ),
        spacing="1",
        width="100%",
    )


def _cards_editor() -> rx.Component:
    def card(item: rx.Var, index: rx.Var) -> rx.Component:
        base = "cards." + index.to_string()
        return rx.card(
            rx.vstack(
                rx.hstack(
                    rx.input(
                        value=item["title"].to(str),
                        placeholder=t("editor.card_title"),
                        flex="1",
                        on_change=lambda v: EditorState.set_field(base + ".title", v),
                        debounce_timeout=DEBOUNCE_MS,
                    ),
                    rx.icon_button(
                        rx.icon("x", size=14),
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=EditorState.remove_item("cards", index),
                    ),
                    width="100%",
                ),
                rx.input(
                    value=item["subtitle"].to(str),
                    placeholder=t("editor.card_subtitle"),
                    width="100%",
                    on_change=lambda v: EditorState.set_field(base + ".subtitle", v),
                    debounce_timeout=DEBOUNCE_MS,
                ),
                rx.input(
                    value=item["image"].to(str),
                    placeholder=t("editor.card_image"),
                    width="100%",
                    on_change=lambda v: EditorState.set_field(base + ".image", v),
                    debounce_timeout=DEBOUNCE_MS,
                ),
                rx.input(
                    value=item["button"].to(str),
                    placeholder=t("editor.card_button"),
                    width="100%",
                    on_change=lambda v: EditorState.set_field(base + ".buttons.0.label", v),
                    debounce_timeout=DEBOUNCE_MS,
                ),
                spacing="1",
            ),
            width="100%",
            size="1",
        )

    return rx.vstack(
        _label("editor.cards"),
        rx.foreach(InspectorState.selected_cards, card),
        rx.button(
            rx.icon("plus", size=14),
            t("editor.add_card"),
            size="1",
            variant="soft",
            on_click=EditorState.add_item("cards"),
        ),
        spacing="1",
        width="100%",
    )


RULE_SOURCES = ["variable", "tag", "constant", "contact", "channel", "language", "weekday", "time"]
RULE_OPS = [
    "eq",
    "ne",
    "contains",
    "not_contains",
    "starts_with",
    "gt",
    "gte",
    "lt",
    "lte",
    "exists",
    "not_exists",
    "in",
    "not_in",
    "matches",
    "between",
]


def _small_select(options: list[str], value: rx.Var, on_change, prefix: str = "", width: str = "100%") -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width=width),
        rx.select.content(*[rx.select.item(t(prefix + o) if prefix else o, value=o) for o in options]),
        value=value,
        on_change=on_change,
        size="1",
    )


def _branches_editor() -> rx.Component:
    """Condition branches: a label, all/any, and rules (source, name, comparison, value); `else` is implicit."""

    def rule(item: rx.Var, index: rx.Var, base: rx.Var) -> rx.Component:
        path = base + ".rules." + index.to_string()
        return rx.grid(
            _small_select(
                RULE_SOURCES,
                item["source"].to(str),
                lambda v: EditorState.set_field(path + ".source", v),
                "rule_source.",
            ),
            rx.input(
                value=item["name"].to(str),
                placeholder=t("editor.rule_name"),
                size="1",
                debounce_timeout=DEBOUNCE_MS,
                on_change=lambda v: EditorState.set_field(path + ".name", v),
            ),
            _small_select(RULE_OPS, item["op"].to(str), lambda v: EditorState.set_field(path + ".op", v), "rule_op."),
            rx.hstack(
                rx.input(
                    value=item["value"].to(str),
                    placeholder=t("editor.value"),
                    size="1",
                    flex="1",
                    debounce_timeout=DEBOUNCE_MS,
                    on_change=lambda v: EditorState.set_field(path + ".value", v),
                ),
                rx.icon_button(
                    rx.icon("x", size=12),
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    on_click=EditorState.remove_item(base + ".rules", index),
                ),
            ),
            columns="2",
            spacing="1",
            width="100%",
            padding_bottom="6px",
            border_bottom=f"1px dashed {rx.color('gray', 5)}",
        )

    def branch(item: rx.Var, index: rx.Var) -> rx.Component:
        base = "branches." + index.to_string()
        return rx.card(
            rx.vstack(
                rx.hstack(
                    rx.input(
                        value=item["label"].to(str),
                        placeholder=t("editor.branch_label"),
                        size="1",
                        flex="1",
                        debounce_timeout=DEBOUNCE_MS,
                        on_change=lambda v: EditorState.set_field(base + ".label", v),
                    ),
                    _small_select(
                        ["all", "any"],
                        item["match"].to(str),
                        lambda v: EditorState.set_field(base + ".match", v),
                        "rule_match.",
                        width="100px",
                    ),
                    rx.icon_button(
                        rx.icon("x", size=12),
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=EditorState.remove_item("branches", index),
                    ),
                    width="100%",
                    align="center",
                ),
                rx.foreach(item["rules"].to(list[dict[str, str]]), lambda r, j: rule(r, j, base)),
                rx.button(
                    rx.icon("plus", size=12),
                    t("editor.add_rule"),
                    size="1",
                    variant="ghost",
                    on_click=EditorState.add_item(base + ".rules"),
                ),
                spacing="2",
                width="100%",
            ),
            size="1",
            width="100%",
            data_testid="branch",
        )

    return rx.vstack(
        _label("editor.branches"),
        rx.foreach(InspectorState.selected_branches, branch),
        rx.button(
            rx.icon("plus", size=14),
            t("editor.add_branch"),
            size="1",
            variant="soft",
            on_click=EditorState.add_item("branches"),
            data_testid="add-branch",
        ),
        rx.text(t("editor.else_hint"), size="1", color_scheme="gray"),
        spacing="2",
        width="100%",
    )


def _question_form() -> rx.Component:
    return rx.vstack(
        text_area("text", "editor.text", testid="field-text"),
        _variables_bar(),
        choice("input.type", "editor.input_type", INPUT_TYPES, label_prefix="answer."),
        rx.cond(
            InspectorState.form["input.type"] == "number",
            rx.hstack(text_input("input.min", "editor.min"), text_input("input.max", "editor.max"), width="100%"),
        ),
        rx.cond(
            InspectorState.form["input.type"] == "text",
            rx.hstack(
                text_input("input.min_length", "editor.min_length"),
                text_input("input.max_length", "editor.max_length"),
                width="100%",
            ),
        ),
        rx.cond(
            InspectorState.form["input.type"] == "choice", text_area("input.options", "editor.options", lines=True)
        ),
        rx.cond(InspectorState.form["input.type"] == "entity", text_input("input.entity", "editor.entity")),
        text_input("save_as", "editor.save_as"),
        text_area("retry_text", "editor.retry_text", rows="2"),
        text_input("max_retries", "editor.max_retries"),
        spacing="3",
        width="100%",
    )


def _kind_form() -> rx.Component:
    return rx.match(
        InspectorState.selected_kind,
        (
            "start",
            rx.vstack(
                choice("first_message", "editor.first_message", FIRST_MESSAGE, label_prefix="first_message."),
                rx.text(t("editor.first_message_hint"), size="1", color_scheme="gray"),
                spacing="3",
                width="100%",
            ),
        ),
        (
            "message",
            rx.vstack(
                text_area("text", "editor.text", rows="4"),
                _variables_bar(),
                text_area("variants", "editor.variants", lines=True, rows="2"),
                text_input("delay_seconds", "editor.delay"),
                spacing="3",
                width="100%",
            ),
        ),
        (
            "buttons",
            rx.vstack(text_area("text", "editor.text"), _variables_bar(), _buttons_editor(), spacing="3", width="100%"),
        ),
        ("carousel", rx.vstack(text_area("text", "editor.text", rows="2"), _cards_editor(), spacing="3", width="100%")),
        (
            "intent",
            rx.vstack(
                text_input("name", "editor.intent_name"),
                _field(
                    "editor.topic",
                    rx.select.root(
                        rx.select.trigger(width="100%", placeholder=t("editor.no_topic")),
                        rx.select.content(
                            rx.foreach(
                                EditorState.topics,
                                lambda tp: rx.cond(
                                    tp["id"].to(str) != "", rx.select.item(tp["name"].to(str), value=tp["id"].to(str))
                                ),
                            )
                        ),
                        value=InspectorState.form["topic"],
                        on_change=lambda v: EditorState.set_field("topic", v),
                    ),
                ),
                text_area("triggers", "editor.triggers", rows="6", lines=True, testid="field-triggers"),
                rx.foreach(
                    InspectorState.trigger_issues,
                    lambda issue: rx.text(issue, size="1", color_scheme="red", data_testid="trigger-issue"),
                ),
                spacing="3",
                width="100%",
            ),
        ),
        ("question", _question_form()),
        (
            "set_variable",
            rx.vstack(
                text_input("name", "editor.variable"), text_input("value", "editor.value"), spacing="3", width="100%"
            ),
        ),
        (
            "tag",
            rx.vstack(
                text_area("tags_add", "editor.tags_add", lines=True, rows="2"),
                text_area("tags_remove", "editor.tags_remove", lines=True, rows="2"),
                spacing="3",
                width="100%",
            ),
        ),
        ("condition", _branches_editor()),
        ("go_to", text_input("intent", "editor.go_to_intent")),
        (
            "wait",
            rx.vstack(
                choice("mode", "editor.wait_mode", ["delay", "input"]),
                text_input("seconds", "editor.seconds"),
                spacing="3",
                width="100%",
            ),
        ),
        (
            "event",
            rx.vstack(
                choice("event", "editor.event", EVENTS),
                text_input("minutes", "editor.minutes"),
                spacing="3",
                width="100%",
            ),
        ),
        (
            "media",
            rx.vstack(
                choice("type", "editor.media_type", ["image", "video", "audio", "document", "sticker"]),
                text_input("url", "editor.url"),
                text_input("caption", "editor.caption"),
                spacing="3",
                width="100%",
            ),
        ),
        (
            "template",
            rx.vstack(
                text_input("name", "editor.template_name", placeholder="pedido_pronto"),
                text_input("language", "editor.template_language", placeholder="pt_BR"),
                text_area("parameters", "editor.template_parameters", lines=True, rows="3"),
                text_area("fallback_text", "editor.template_fallback", rows="3"),
                rx.text(t("editor.template_hint"), size="1", color_scheme="gray", data_testid="template-hint"),
                spacing="3",
                width="100%",
            ),
        ),
        ("code", inspector_code.code_form()),
        ("rasa_action", inspector_code.rasa_form()),
        ("action", inspector_actions.action_form()),
        (
            "http_request",
            rx.vstack(
                choice("method", "editor.method", ["GET", "POST", "PUT", "PATCH", "DELETE"]),
                text_input("url", "editor.url"),
                spacing="3",
                width="100%",
            ),
        ),
        (
            "send_email",
            rx.vstack(
                text_input("to", "editor.email_to"),
                text_input("subject", "editor.subject"),
                text_area("body", "editor.body", rows="5"),
                spacing="3",
                width="100%",
            ),
        ),
        (
            "search",
            rx.vstack(
                choice("source", "editor.search_source", ["knowledge", "site"]),
                text_input("query", "editor.query"),
                spacing="3",
                width="100%",
            ),
        ),
        (
            "assign",
            rx.vstack(
                _field(
                    "editor.assign_to",
                    rx.segmented_control.root(
                        rx.segmented_control.item(t("assign.queue"), value="queue"),
                        rx.segmented_control.item(t("assign.agent"), value="agent"),
                        rx.segmented_control.item(t("assign.bot"), value="bot"),
                        value=InspectorState.form["assign_target"],
                        on_change=EditorState.set_assign_target,
                    ),
                ),
                rx.input(
                    value=InspectorState.form["assign_value"],
                    width="100%",
                    debounce_timeout=DEBOUNCE_MS,
                    on_change=lambda v: EditorState.set_field("to." + InspectorState.form["assign_target"], v),
                    data_testid="field-assign",
                ),
                spacing="3",
                width="100%",
            ),
        ),
        ("mute_bot", text_input("minutes", "editor.minutes")),
        rx.text(t("editor.no_fields"), size="2", color_scheme="gray"),
    )


def _advanced() -> rx.Component:
    return rx.el.details(
        rx.el.summary(t("editor.advanced"), style={"cursor": "pointer", "fontSize": "12px"}),
        rx.text_area(
            default_value=InspectorState.selected_json,
            key=InspectorState.selected_json,
            rows="12",
            font_family="monospace",
            font_size="12px",
            width="100%",
            margin_top="6px",
            on_blur=EditorState.set_node_json,
            data_testid="node-json",
        ),
        rx.text(t("editor.advanced_hint"), size="1", color_scheme="gray"),
        width="100%",
    )


def _problem(problem: rx.Var) -> rx.Component:
    """One finding: errors red, warnings amber with their own icon."""

    def box(icon, color):
        return rx.callout(
            problem["message"],
            icon=icon,
            color_scheme=color,
            size="1",
            width="100%",
            data_testid="inspector-problem",
            data_severity=problem["severity"],
        )

    return rx.cond(problem["severity"] == "error", box("circle-x", "red"), box("triangle-alert", "amber"))


def inspector() -> rx.Component:
    """The inspector panel."""
    return rx.box(
        rx.cond(
            InspectorState.selected_kind != "",
            rx.vstack(
                rx.hstack(
                    rx.badge(InspectorState.selected_kind_label, size="2", data_testid="inspector-kind"),
                    rx.spacer(),
                    rx.text(
                        EditorState.selected["id"].to(str),
                        size="1",
                        color_scheme="gray",
                        font_family="monospace",
                        data_testid="inspector-node-id",
                    ),
                    align="center",
                    width="100%",
                ),
                rx.foreach(InspectorState.selected_problems, _problem),
                text_input("label", "editor.node_label"),
                _kind_form(),
                _advanced(),
                spacing="3",
                width="100%",
            ),
            rx.text(t("editor.select_hint"), size="2", color_scheme="gray"),
        ),
        data_testid="inspector",
        width="100%",
    )
