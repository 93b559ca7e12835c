"""Content checks: button/label/card limits, triggers, go_to targets, questions (code: ``checks/actions.py``)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from flow_runtime.problems import Problem, error, warning
from flow_runtime.schema import MAX_TEMPLATE_PARAMETERS, RESERVED_HANDLES, TEMPLATE_LANGUAGE, TEMPLATE_NAME
from flow_runtime.text import normalize, word_count

if TYPE_CHECKING:
    from flow_runtime.graph import CompiledFlow

MAX_BUTTONS = 10
MAX_LABEL = 20
MAX_CARDS = 10
MAX_CARD_BUTTONS = 3
MAX_TRIGGERS = 70
MIN_TRIGGER_WORDS = 2


def check_content(flow: CompiledFlow) -> Iterator[Problem]:
    """Yield content problems node by node, then flow-wide trigger and id clashes."""
    for node in flow.document.nodes:
        checker = _CHECKERS.get(node.kind)
        if checker:
            yield from checker(flow, node)
    yield from _trigger_clashes(flow)
    yield from _button_ids(flow)


def _labels(node_id: str, items: list, what: str) -> Iterator[Problem]:
    for item in items:
        if not item.label.strip():
            yield error("empty_label", node_id, f"A {what} has no label.")
        elif len(item.label) > MAX_LABEL:
            yield error(
                "label_too_long",
                node_id,
                f"The label '{item.label}' has {len(item.label)} characters; channels allow at most {MAX_LABEL}.",
            )
        if item.id in RESERVED_HANDLES:
            yield error("reserved_handle_id", node_id, f"The id '{item.id}' is reserved; give the {what} another id.")


def _buttons(flow: CompiledFlow, node) -> Iterator[Problem]:
    if not node.buttons:
        yield error("no_buttons", node.id, "This buttons node has no buttons.")
    if len(node.buttons) > MAX_BUTTONS:
        yield error("too_many_buttons", node.id, f"It has {len(node.buttons)} buttons; the limit is {MAX_BUTTONS}.")
    yield from _labels(node.id, node.buttons, "button")
    counts = Counter(normalize(b.label) for b in node.buttons)
    for label, count in counts.items():
        if count > 1 and label:
            yield warning(
                "duplicate_label", node.id, f"Two buttons read '{label}'; a typed answer cannot tell them apart."
            )


def _carousel(flow: CompiledFlow, node) -> Iterator[Problem]:
    if not node.cards:
        yield error("no_cards", node.id, "This carousel has no cards.")
    if len(node.cards) > MAX_CARDS:
        yield error("too_many_cards", node.id, f"It has {len(node.cards)} cards; the limit is {MAX_CARDS}.")
    for card in node.cards:
        if not card.title.strip():
            yield error("empty_title", node.id, f"The card '{card.id}' has no title.")
        if len(card.buttons) > MAX_CARD_BUTTONS:
            yield error(
                "too_many_buttons",
                node.id,
                f"The card '{card.title}' has {len(card.buttons)} buttons; the limit is {MAX_CARD_BUTTONS}.",
            )
        yield from _labels(node.id, card.buttons, "card button")


def _message(flow: CompiledFlow, node) -> Iterator[Problem]:
    if not node.text.strip() and node.media is None:
        yield error("empty_message", node.id, "This message has no text and no media.")


def _template(flow: CompiledFlow, node) -> Iterator[Problem]:
    if not node.name.strip():
        yield error("template_no_name", node.id, "Give the name of the approved WhatsApp template to send.")
    elif not TEMPLATE_NAME.match(node.name):
        yield error(
            "template_bad_name",
            node.id,
            f"The template name '{node.name}' is not how WhatsApp names templates "
            "(lowercase letters, digits and underscores).",
        )
    if not TEMPLATE_LANGUAGE.match(node.language):
        yield error(
            "template_bad_language",
            node.id,
            f"The language '{node.language}' is not a WhatsApp language code such as pt_BR, en_US or es.",
        )
    if len(node.parameters) > MAX_TEMPLATE_PARAMETERS:
        yield error(
            "template_too_many_parameters",
            node.id,
            f"It has {len(node.parameters)} parameters; the limit is {MAX_TEMPLATE_PARAMETERS}.",
        )
    for number, parameter in enumerate(node.parameters, 1):
        if not parameter.strip():
            yield error(
                "template_empty_parameter",
                node.id,
                f"Parameter {{{{{number}}}}} is empty; WhatsApp refuses templates with empty parameters.",
            )


def _intent(flow: CompiledFlow, node) -> Iterator[Problem]:
    if not node.triggers:
        yield warning(
            "no_triggers", node.id, f"The intent '{node.name}' has no trigger phrases; only go_to can reach it."
        )
    if len(node.triggers) > MAX_TRIGGERS:
        yield error("too_many_triggers", node.id, f"It has {len(node.triggers)} triggers; the limit is {MAX_TRIGGERS}.")
    seen: set[str] = set()
    for trigger in node.triggers:
        if word_count(trigger) < MIN_TRIGGER_WORDS:
            yield error(
                "trigger_too_short",
                node.id,
                f"The trigger '{trigger}' is too short; write at least {MIN_TRIGGER_WORDS} words as a user would.",
            )
        if normalize(trigger) in seen:
            yield warning("repeated_trigger", node.id, f"The trigger '{trigger}' appears twice in this intent.")
        seen.add(normalize(trigger))
    if node.topic is not None and node.topic not in flow.topics:
        yield warning("unknown_topic", node.id, f"The topic '{node.topic}' does not exist.")
    yield from _patterns(node.id, node.conditions)


def _trigger_clashes(flow: CompiledFlow) -> Iterator[Problem]:
    owner: dict[str, str] = {}
    names: dict[str, str] = {}
    for node in flow.document.nodes:
        if node.kind != "intent":
            continue
        if node.name in names:
            yield error(
                "duplicate_intent_name",
                node.id,
                f"The intent name '{node.name}' is already used by '{names[node.name]}'.",
            )
        names.setdefault(node.name, node.id)
        for trigger in {normalize(t) for t in node.triggers}:
            if trigger in owner and owner[trigger] != node.id:
                yield error(
                    "duplicate_trigger",
                    node.id,
                    f"The trigger '{trigger}' is also in the intent '{owner[trigger]}'; the bot cannot choose between them.",
                )
            owner.setdefault(trigger, node.id)


def _button_ids(flow: CompiledFlow) -> Iterator[Problem]:
    owner: dict[str, str] = {}
    for node in flow.document.nodes:
        handles = [b.id for b in node.buttons] if node.kind == "buttons" else []
        if node.kind == "carousel":
            handles = [b.id for c in node.cards for b in c.buttons]
        if node.kind == "condition":
            handles = [b.id for b in node.branches]
        for handle in handles:
            if handle in owner:
                yield error(
                    "duplicate_button_id",
                    node.id,
                    f"The id '{handle}' is also used in '{owner[handle]}'; each button and branch needs its own id.",
                )
            owner.setdefault(handle, node.id)


def _go_to(flow: CompiledFlow, node) -> Iterator[Problem]:
    if node.intent not in flow.intent_ids:
        yield error("unknown_intent", node.id, f"It goes to the intent '{node.intent}', which does not exist.")


def _question(flow: CompiledFlow, node) -> Iterator[Problem]:
    spec = node.input
    if spec.type == "entity" and spec.entity not in flow.entities:
        yield error("unknown_entity", node.id, f"The entity list '{spec.entity}' does not exist.")
    if spec.type == "choice" and not spec.options:
        yield error("no_options", node.id, "This choice question has no options.")
    if spec.type == "text":
        if spec.pattern:
            yield from _regex(node.id, spec.pattern)
        if spec.min_length is not None and spec.max_length is not None and spec.min_length > spec.max_length:
            yield error("invalid_range", node.id, "The minimum length is larger than the maximum.")
    if spec.type == "number" and spec.min is not None and spec.max is not None and spec.min > spec.max:
        yield error("invalid_range", node.id, "The minimum is larger than the maximum.")


def _condition(flow: CompiledFlow, node) -> Iterator[Problem]:
    if not node.branches:
        yield warning("no_branches", node.id, "This condition has no branches; it always takes 'else'.")
    for branch in node.branches:
        if branch.id in RESERVED_HANDLES:
            yield error("reserved_handle_id", node.id, f"The id '{branch.id}' is reserved; give the branch another id.")
        yield from _patterns(node.id, branch.rules)


def _patterns(node_id: str, rules) -> Iterator[Problem]:
    for rule in rules:
        if rule.op == "matches" and isinstance(rule.value, str):
            yield from _regex(node_id, rule.value)


def _regex(node_id: str, pattern: str) -> Iterator[Problem]:
    try:
        re.compile(pattern)
    except re.error as exc:
        yield error("invalid_pattern", node_id, f"The pattern '{pattern}' is not a valid regular expression: {exc}.")


def _event(flow: CompiledFlow, node) -> Iterator[Problem]:
    if node.event != "inactivity" and flow.events.get(node.event, [node.id])[0] != node.id:
        yield warning("duplicate_event", node.id, f"Another node already handles '{node.event}'; this one never runs.")


_CHECKERS = {
    "buttons": _buttons,
    "carousel": _carousel,
    "message": _message,
    "template": _template,
    "intent": _intent,
    "go_to": _go_to,
    "question": _question,
    "condition": _condition,
    "event": _event,
}
