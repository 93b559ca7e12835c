"""The flow's inactivity events: a bot-owned conversation whose customer has been silent as long as an inactivity
`event` node of the published flow asks runs that node's branch, once per silence and threshold (the Celery beat
task `flowstudio.timers.inactivity` asks `inactivity_due` every 30 s, then `fire_inactivity` each).

Not to be confused with `inactivity.py`, the workspace's inactive/closed markers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from flow_runtime.schema import EventNode
from flow_runtime.session import Event as EngineEvent
from flowstudio.db import session_scope
from flowstudio.models import ContactIdentity, Conversation, ConversationStatus, OwnerType, as_utc, utcnow
from flowstudio.services.conversations import runtime
from flowstudio.services.conversations.inbound import InboundResult, bot_turn
from flowstudio.services.conversations.locks import contact_lock_key, conversation_lock
from flowstudio.services.integrations import webhooks

FIRED_KEY = "_inactivity_fired"  # beside the engine's session data (from_dict ignores it): thresholds fired


def inactivity_due(*, session: Session, now: datetime | None = None) -> list[tuple[int, int]]:
    """(conversation id, minutes) of inactivity events due: bot-owned open conversations whose contact has
    been silent at least as long as an inactivity `event` node of the published flow asks, not yet fired
    for that silence."""
    now = now or utcnow()
    rows = session.exec(
        select(Conversation).where(
            Conversation.owner_type == OwnerType.BOT,
            Conversation.status == ConversationStatus.OPEN,
            col(Conversation.last_inbound_at).is_not(None),
            col(Conversation.last_inbound_at) > now - timedelta(days=7),
        )
    ).all()
    due: list[tuple[int, int]] = []
    flows: dict[int, runtime.PublishedFlow | None] = {}
    for conversation in rows:
        bot_id, last_inbound = conversation.owner_bot_id, conversation.last_inbound_at
        if bot_id is None or last_inbound is None or conversation.id is None:
            continue
        if bot_id not in flows:  # one lookup per bot, not per conversation
            flows[bot_id] = runtime.published_flow(session=session, bot_id=bot_id)
        published = flows[bot_id]
        if published is None:
            continue
        silent = (now - as_utc(last_inbound)).total_seconds() / 60
        fired = set((conversation.session or {}).get(FIRED_KEY, []))
        since = as_utc(last_inbound).isoformat()
        for node_id in published.flow.events.get("inactivity", []):
            node = published.flow.nodes[node_id]
            minutes = (node.minutes if isinstance(node, EventNode) else None) or 0
            if minutes <= silent and f"{since}/{minutes}" not in fired:
                due.append((conversation.id, minutes))
    return due


def fire_inactivity(*, conversation_id: int, minutes: int) -> InboundResult:
    """Run the flow's inactivity event for a silent contact (once per silence and threshold)."""
    result = InboundResult(conversation_id=conversation_id)
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            return result
        identity = session.exec(
            select(ContactIdentity).where(
                ContactIdentity.contact_id == conversation.contact_id,
                ContactIdentity.channel_id == conversation.channel_id,
            )
        ).first()
        lock_key = (
            contact_lock_key(conversation.channel_id, identity.external_id)
            if identity and conversation.channel_id is not None
            else f"conversation:{conversation_id}"
        )
    with conversation_lock(lock_key), session_scope() as session:
        conversation = session.exec(
            select(Conversation).where(Conversation.id == conversation_id).with_for_update()
        ).one()
        if conversation.owner_type != OwnerType.BOT or conversation.last_inbound_at is None:
            return result
        since = as_utc(conversation.last_inbound_at).isoformat()
        marker = f"{since}/{minutes}"
        if marker in (conversation.session or {}).get(FIRED_KEY, []):
            return result
        bot_turn(session, conversation, EngineEvent.inactivity(minutes), f"idle:{conversation_id}:{marker}", result)
        earlier = [m for m in (conversation.session or {}).get(FIRED_KEY, []) if m.startswith(since)]
        conversation.session = {**(conversation.session or {}), FIRED_KEY: [*earlier, marker]}
        conversation.updated_at = utcnow()
        session.add(conversation)
        result.settle(session, conversation)
        webhooks.turn_stored(session, conversation, result)  # the bot's replies to the silence
    return result
