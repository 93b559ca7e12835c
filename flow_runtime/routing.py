"""Where an event enters the flow when the session is not new: resume, click, intent, fallback chain."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flow_runtime import outputs as out
from flow_runtime.matching import IntentScore
from flow_runtime.rules import rules_hold

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


def route(w: Walker) -> None:
    """Send the event to the waiting node, a clicked button, an event node, an intent or the fallback."""
    event, s = w.event, w.session
    if event.type == "click":
        _click(w)
        return
    if s.cursor is not None and w.resume(s.cursor):
        return
    if event.type == "text":
        understand(w, event.text)
    elif event.type == "inactivity":
        minutes = int(event.data.get("minutes", 0) or 0)
        eligible = [n for n in w.flow.events.get("inactivity", []) if (w.flow.nodes[n].minutes or 0) <= minutes]
        if eligible:
            w.walk(eligible[-1])
    elif event.type in _MEDIA_EVENTS:
        handlers = w.flow.events.get(event.type)
        if handlers:
            w.walk(handlers[0])


def _click(w: Walker) -> None:
    button_id, s, flow = w.event.text, w.session, w.flow
    if s.cursor is not None and w.resume(s.cursor):
        return
    if button_id.startswith(SUGGESTION_PREFIX) and button_id[len(SUGGESTION_PREFIX):] in flow.intents.entries:
        w.walk(button_id[len(SUGGESTION_PREFIX):])
        return
    owner = flow.button_owner.get(button_id)
    if owner is not None:
        w.trace.append(owner)
        w.walk(flow.transitions.get((owner, button_id)))
        return
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
    try:
        ranked = w.ports.matcher.match(text, flow.intents, language=s.language)
    except Exception:  # a broken matcher degrades to "not understood", never a crash
        log.exception("flow.matcher.failed", extra={"session_id": s.id})
        ranked = []
    scores = _eligible(w, ranked)
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
    if flow.fallback_id is None:
        w._error("flow.fallback.missing", None, "nothing matched and the flow has no fallback node")
        return
    waiting, retries = s.cursor, s.retries
    w.walk(flow.fallback_id)
    if waiting is not None and w.stop == "path_end":
        s.cursor, s.retries = waiting, retries
