"""Where an event enters the flow: resume, click, typed button, intent, event node, fallback chain.

Every message a customer sends gets a visible outcome: what no waiting node, button, intent
or event node takes runs the fallback node (a pending menu or question keeps waiting).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flow_runtime import outputs as out
from flow_runtime.matching import IntentScore
from flow_runtime.rules import rules_hold
from flow_runtime.text import normalize

if TYPE_CHECKING:
    from flow_runtime.engine import Walker

log = logging.getLogger("flow_runtime.routing")

MATCH_THRESHOLD = 0.6
"""Score at which an intent is taken outright."""
RELATED_TOPIC_THRESHOLD = 0.4
"""Weaker score accepted for an intent in the topic the conversation is already in."""
SUGGEST_THRESHOLD = 0.3
"""Score from which an intent is offered as "did you mean"."""
MAX_SUGGESTIONS = 3
SUGGESTION_PREFIX = "intent:"
SUGGESTION_TEXT = {"pt": "Você quis dizer:", "es": "¿Quisiste decir:", "en": "Did you mean:"}
_MEDIA_EVENTS = ("image", "document", "audio", "video", "location")


def route_first(w: Walker) -> None:
    """A new session's first event: matched like any other, else the start path.

    A typed message is offered to the intents and a click to the buttons it names, unless
    the start node says the start path always runs first (``first_message="start"``); when
    nothing is taken outright, the start path runs, never the fallback chain.
    """
    flow, event = w.flow, w.event
    start = flow.nodes[flow.start_id]
    if start.first_message == "match":
        if event.type == "text" and _take_intent(w, event.text):
            return
        if event.type == "click" and _take_button(w, event.text):
            return
    w.walk(flow.start_id)


def route(w: Walker) -> None:
    """Send the event to the waiting node, a clicked button, an event node, an intent or the fallback."""
    event, s = w.event, w.session
    if event.type == "click":
        _click(w)
        return
    if s.cursor is not None and w.resume(s.cursor):
        return
    if event.type == "text":
        if not _typed_menu_label(w, event.text):
            understand(w, event.text)
    elif event.type == "inactivity":
        minutes = int(event.data.get("minutes", 0) or 0)
        eligible = [n for n in w.flow.events.get("inactivity", []) if (w.flow.nodes[n].minutes or 0) <= minutes]
        if eligible:
            w.walk(eligible[-1])
    elif event.type in _MEDIA_EVENTS:
        handlers = w.flow.events.get(event.type)
        if handlers:
            _walk_keeping_wait(w, handlers[0])
        else:
            _fall_back(w)


def _typed_menu_label(w: Walker, text: str) -> bool:
    """Follow the button of the last menu whose label is exactly the text (case and accents aside).

    The menu no longer waits (the walk went past it, e.g. to an answer that ended the path),
    but its buttons are still on the customer's screen: typing one is taken as clicking it.
    """
    menu = w.session.menu
    typed = normalize(text)
    button_id = next((key for label, key in w.flow.button_labels.get(menu or "", ()) if label == typed), None)
    return button_id is not None and _take_button(w, button_id)


def _take_button(w: Walker, button_id: str) -> bool:
    """Follow a button (or a "did you mean" suggestion) by id; False when the flow has no such button."""
    flow = w.flow
    if button_id.startswith(SUGGESTION_PREFIX) and button_id[len(SUGGESTION_PREFIX) :] in flow.intents.entries:
        w.walk(button_id[len(SUGGESTION_PREFIX) :])
        return True
    owner = flow.button_owner.get(button_id)
    if owner is None:
        return False
    w.trace.append(owner)
    w.walk(flow.transitions.get((owner, button_id)))
    return True


def _click(w: Walker) -> None:
    button_id, s = w.event.text, w.session
    if s.cursor is not None and w.resume(s.cursor):
        return
    if not _take_button(w, button_id):
        understand(w, button_id)


def _eligible(w: Walker, scores: list[IntentScore]) -> list[IntentScore]:
    kept = []
    rule_ctx = None
    for score in scores:
        node = w.flow.nodes.get(score.intent_id)
        if node is None or node.kind != "intent":
            continue
        if node.conditions:
            rule_ctx = rule_ctx or w.ctx.rules()
            if not rules_hold(node.conditions, node.conditions_match, rule_ctx):
                continue
        kept.append(score)
    return kept


def understand(w: Walker, text: str) -> None:
    """Pick an intent for free text, else run the fallback chain.

    The chain (each step switchable in ``bot.fallback``): an intent of the current topic
    with a weaker score; "did you mean" buttons with the closest intents; the fallback node.
    A pending wait (menu, question) survives a fallback path that ends without a new wait,
    so the user can still answer it.
    """
    flow, s = w.flow, w.session
    scores = _scores(w, text)
    if scores and scores[0].score >= MATCH_THRESHOLD:
        w.walk(scores[0].intent_id)
        return
    chain = flow.document.bot.fallback
    if chain.related_topic and s.topic:
        topic = flow.topics.get(s.topic)
        near = {s.topic, *(topic.related if topic else ())}
        related = [sc for sc in scores if flow.intents.entries[sc.intent_id].topic in near]
        if related and related[0].score >= RELATED_TOPIC_THRESHOLD:
            w.walk(related[0].intent_id)
            return
    if chain.related_intents:
        close = [sc for sc in scores if sc.score >= SUGGEST_THRESHOLD][:MAX_SUGGESTIONS]
        if close:
            items = [
                {"id": SUGGESTION_PREFIX + sc.intent_id, "label": flow.intents.entries[sc.intent_id].suggestion}
                for sc in close
            ]
            text_ = chain.suggestion_text or SUGGESTION_TEXT.get(s.language, SUGGESTION_TEXT["en"])
            w.outputs.append(out.buttons(text_, items))
            w.stop = "suggest"
            return
    _fall_back(w)


def _scores(w: Walker, text: str) -> list[IntentScore]:
    """The matcher's ranking of the intents whose trigger conditions hold, best first."""
    try:
        ranked = w.ports.matcher.match(text, w.flow.intents, language=w.session.language)
    except Exception:  # a broken matcher degrades to "not understood", never a crash
        log.exception("flow.matcher.failed", extra={"session_id": w.session.id})
        ranked = []
    return _eligible(w, ranked)


def _take_intent(w: Walker, text: str) -> bool:
    """Run the intent the text means outright (no fallback chain); False when none is taken."""
    scores = _scores(w, text)
    if scores and scores[0].score >= MATCH_THRESHOLD:
        w.walk(scores[0].intent_id)
        return True
    return False


def _fall_back(w: Walker) -> None:
    """Run the fallback node (the answer to whatever nothing else took)."""
    if w.flow.fallback_id is None:
        w._error("flow.fallback.missing", None, "nothing matched and the flow has no fallback node")
        return
    _walk_keeping_wait(w, w.flow.fallback_id)


def _walk_keeping_wait(w: Walker, node_id: str) -> None:
    """Walk from an entry node; a pending wait (menu, question) survives a path that ends without a
    new wait, so the customer can still answer it."""
    s = w.session
    waiting, retries = s.cursor, s.retries
    w.walk(node_id)
    if waiting is not None and w.stop == "path_end":
        s.cursor, s.retries = waiting, retries
