"""The agent is typing: the customer sees it where the channel can show it.

- webchat: the visitor's widget shows "typing…" for `WEBCHAT_SHOW_S` after the last signal (the stream and
  polling endpoints read `webchat_typing`); an agent message clears it at once.
- Telegram: `sendChatAction` with action `typing` (Telegram shows it for about 5 s).
- WhatsApp Cloud API: the typing indicator on the customer's last inbound message (which marks it read;
  WhatsApp shows it until the reply or for 25 s), only inside the 24-hour customer-service window.
- REST: an `agent.typing` event POSTed to the channel's webhook, signed like its messages.

Only the agent who owns an open conversation signals; each conversation signals at most once every
`INTERVAL_S[kind]` seconds (a Redis key with a TTL when Redis is configured, else in this process).
Provider calls go through a Celery task with a short expiry and timeout: the inbox never waits for them.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.models import ContactIdentity, Conversation, ConversationStatus, Direction, Message, OwnerType, as_utc
from flowstudio.services.conversations import outbox
from flowstudio.services.conversations.locks import redis_client
from flowstudio.services.system import live
from flowstudio.settings import get_settings

log = logging.getLogger("flowstudio.typing")

WEBCHAT_SHOW_S = 6.0
"""How long the widget shows "typing…" after a signal (signals come every `INTERVAL_S` while typing)."""
INTERVAL_S = {"webchat": 3.5, "telegram": 3.5, "whatsapp": 20.0, "rest": 3.5}
"""At most one signal per conversation this often. WhatsApp's indicator lasts 25 s (and each one marks the
message read): resending it every few seconds would only cost API calls."""
TASK_EXPIRES_S = 8
"""A provider signal still queued after this long is dropped: late, it would show typing after the reply."""
WHATSAPP_WINDOW = timedelta(hours=24)
ACTIVE = (ConversationStatus.OPEN, ConversationStatus.PENDING)

_local_lock = threading.Lock()
_local: dict[str, tuple[float, str]] = {}  # key -> (monotonic deadline, value), without Redis


def _redis():
    url = get_settings().redis_url
    if not url:
        return None
    return redis_client(url)


def _put(key: str, value: str, seconds: float, *, only_new: bool = False) -> bool:
    """Store `value` under `key` for `seconds`; with `only_new`, only if the key is not there (True if stored)."""
    redis = _redis()
    if redis is not None:
        return bool(redis.set(f"flowstudio:typing:{key}", value, px=int(seconds * 1000), nx=only_new))
    now = time.monotonic()
    with _local_lock:
        if only_new and key in _local and _local[key][0] > now:
            return False
        if len(_local) > 10_000:  # forget expired keys now and then
            for stale in [k for k, (deadline, _) in _local.items() if deadline <= now]:
                del _local[stale]
        _local[key] = (now + seconds, value)
        return True


def _get(key: str) -> tuple[float, str]:
    """(seconds left, value) of a key; (0, "") when absent or expired."""
    redis = _redis()
    if redis is not None:
        with redis.pipeline() as pipe:
            ttl, value = pipe.pttl(f"flowstudio:typing:{key}").get(f"flowstudio:typing:{key}").execute()
        return (ttl / 1000, value.decode()) if value is not None and ttl > 0 else (0.0, "")
    with _local_lock:
        deadline, value = _local.get(key, (0.0, ""))
    left = deadline - time.monotonic()
    return (left, value) if left > 0 else (0.0, "")


def _forget(*keys: str) -> None:
    redis = _redis()
    if redis is not None:
        redis.delete(*(f"flowstudio:typing:{key}" for key in keys))
        return
    with _local_lock:
        for key in keys:
            _local.pop(key, None)


def _webchat_key(channel_id: int, visitor_id: str) -> str:
    return f"webchat:{channel_id}:{visitor_id}"


def webchat_typing(channel_id: int, visitor_id: str) -> tuple[float, str]:
    """For the widget: (seconds the agent's "typing…" still shows, the signal's id); (0, "") when not typing.
    The id changes with each new signal, so a stream can tell a new one from one it already sent."""
    return _get(_webchat_key(channel_id, visitor_id))


def agent_typing(*, conversation_id: int, user_id: int) -> str:
    """The agent `user_id` is typing in the conversation: signal the customer's channel (throttled).

    Returns:
        What happened, for logs and tests: ``signalled``, ``throttled``, ``not_owner`` (not this agent's
        open conversation: nothing is sent), or ``unsupported`` (the channel cannot show it, or WhatsApp
        has no recent inbound message to show it on).
    """
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        if (
            conversation is None
            or conversation.owner_type != OwnerType.AGENT
            or conversation.owner_agent_id != user_id
            or conversation.status not in ACTIVE
        ):
            return "not_owner"
        kind, channel_id = conversation.channel, conversation.channel_id
        if kind not in INTERVAL_S or channel_id is None:
            return "unsupported"
        recipient = _recipient(session, conversation)
        reference = _last_inbound_wamid(session, conversation) if kind == "whatsapp" else ""
    if not recipient or (kind == "whatsapp" and not reference):
        return "unsupported"
    if not _put(f"sent:{conversation_id}", "1", INTERVAL_S[kind], only_new=True):
        return "throttled"
    if kind == "webchat":
        _put(_webchat_key(channel_id, recipient), f"{time.time():.3f}", WEBCHAT_SHOW_S)
        live.publish(live.webchat_topic(channel_id, recipient))  # the widget's stream shows it now
        return "signalled"
    try:
        outbox.queue_task(outbox.TYPING, [channel_id, recipient, reference, conversation_id], expires=TASK_EXPIRES_S)
    except Exception:
        log.warning("typing.not_queued", extra={"conversation_id": conversation_id}, exc_info=True)
    return "signalled"


def agent_sent(*, session: Session, conversation: Conversation) -> None:
    """The agent's message is on its way: the widget stops showing "typing…" now (not when it expires), and
    the next message's typing signals at once."""
    keys = [f"sent:{conversation.id}"]
    if conversation.channel == "webchat" and conversation.channel_id is not None:
        recipient = _recipient(session, conversation)
        if recipient:
            keys.append(_webchat_key(conversation.channel_id, recipient))
    try:
        _forget(*keys)
    except Exception:
        log.warning("typing.not_cleared", extra={"conversation_id": conversation.id}, exc_info=True)


def _recipient(session: Session, conversation: Conversation) -> str:
    """The customer's id on the conversation's channel (visitor id, chat id, phone, REST user id)."""
    return (
        session.exec(
            select(ContactIdentity.external_id).where(
                ContactIdentity.contact_id == conversation.contact_id,
                ContactIdentity.channel_id == conversation.channel_id,
            )
        ).first()
        or ""
    )


def _last_inbound_wamid(session: Session, conversation: Conversation) -> str:
    """The customer's last WhatsApp message id, if within the 24-hour window (the indicator is shown on it)."""
    if (
        conversation.last_inbound_at is None
        or datetime.now(UTC) - as_utc(conversation.last_inbound_at) > WHATSAPP_WINDOW
    ):
        return ""
    return (
        session.exec(
            select(Message.channel_message_id)
            .where(
                Message.conversation_id == conversation.id,
                Message.direction == Direction.INBOUND,
                Message.channel_message_id.is_not(None),
            )
            .order_by(Message.id.desc())
        ).first()
        or ""
    )
