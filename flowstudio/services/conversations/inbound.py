"""The path of one inbound message: contact and conversation, a per-conversation lock, dedupe, the owner
(bot: the engine on the published flow; humans: the inbox), persistence in one transaction, then delivery.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flow_runtime.engine import step
from flow_runtime.outputs import VISIBLE_TYPES, template_text
from flow_runtime.session import Event as EngineEvent
from flow_runtime.session import Session as FlowSession
from flow_runtime.session import new_session
from flowstudio.db import session_scope
from flowstudio.models import (
    Bot,
    Channel,
    Contact,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    Event,
    Message,
    OwnerType,
    Queue,
    SenderType,
    as_utc,
    utcnow,
)
from flowstudio.services.assignment import csat, queueing
from flowstudio.services.assignment import handoffs as handoff_service
from flowstudio.services.conversations import outbox, runtime
from flowstudio.services.conversations.locks import contact_lock_key, conversation_lock
from flowstudio.services.conversations.turn_writes import flush_turn
from flowstudio.services.flow_manager import placement
from flowstudio.services.integrations import webhooks
from flowstudio.services.system import live

log = logging.getLogger("flowstudio.conversations")


@dataclass(frozen=True)
class InboundEvent:
    """A channel-neutral inbound event, as adapters parse it from the wire.

    Attributes:
        channel_id: The channel it came through.
        external_user_id: The user's id there (phone, chat id, visitor id).
        external_message_id: The provider's message id (dedupe key); None when the channel has none.
        kind: ``text``, ``click``, ``location``, or a media type (``image``, ``document``, ``audio``, ``video``).
        text: Typed text (or the clicked button's title).
        button_id: The clicked button's id.
        data: Extra payload (``lat``/``lng``, ``url``...).
        contact_name: The user's display name, when the channel tells it.
        sent_at: When the user sent it, by the provider's clock.
    """

    channel_id: int
    external_user_id: str
    external_message_id: str | None
    kind: str
    text: str = ""
    button_id: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    contact_name: str = ""
    sent_at: datetime | None = None


@dataclass
class InboundResult:
    """What handling an inbound event did."""

    conversation_id: int
    duplicate: bool = False
    message_id: int | None = None
    deliveries: list[tuple[int, float]] = field(default_factory=list)  # (outbound message id, countdown s)
    workspace_id: int | None = None  # set when something was stored (whose inbox to nudge)

    def settle(self, session: Session, conversation: Conversation) -> None:
        """Give the turn's new messages their ids: they are written (the inbound one too, on an ongoing
        conversation) together with the conversation's row, then `deliveries` holds ids only."""
        flush_turn(session, conversation)
        self.deliveries = [(getattr(message, "id", message), countdown) for message, countdown in self.deliveries]


def _known_identity(session: Session, event: InboundEvent) -> ContactIdentity | None:
    """The event's sender on the channel, if the channel has seen them before."""
    return session.exec(
        select(ContactIdentity).where(
            ContactIdentity.channel_id == event.channel_id, ContactIdentity.external_id == event.external_user_id
        )
    ).first()


def _identity(
    session: Session, channel: Channel, event: InboundEvent, identity: ContactIdentity | None
) -> tuple[Contact, bool]:
    """The contact behind the event's sender (``identity``, looked up by the caller), and whether it was
    just created (``identity`` None)."""
    if identity is not None:
        return session.get(Contact, identity.contact_id), False
    contact = Contact(workspace_id=channel.workspace_id, name=event.contact_name or event.external_user_id)
    if channel.kind == "whatsapp":
        contact.phone = event.external_user_id
    session.add(contact)
    session.flush()
    # written with the new conversation, in the caller's next flush (one unit of work instead of two); the
    # unique key still stops a twin contact created meanwhile by another process before the turn runs
    session.add(ContactIdentity(contact_id=contact.id, channel_id=channel.id, external_id=event.external_user_id))
    return contact, True


def _default_bot(session: Session, channel: Channel) -> Bot | None:
    if channel.bot_id:
        return session.get(Bot, channel.bot_id)
    return session.exec(select(Bot).where(Bot.workspace_id == channel.workspace_id, Bot.is_default)).first()


def _open_conversation(
    session: Session, channel: Channel, event: InboundEvent, identity: ContactIdentity | None
) -> tuple[Conversation, Contact]:
    """The contact's open conversation on the channel, created (owned by the channel's bot) if none, and
    the contact (created too when ``identity`` is None).

    The caller keeps the contact for the turn: the session's identity map holds rows weakly, and the turn
    reads the contact again (a new flow session knows it); the bot is held here for routing likewise."""
    contact, new = _identity(session, channel, event, identity)
    conversation = (
        None
        if new
        else session.exec(  # a contact created just now has no conversation yet
            select(Conversation)
            .where(
                Conversation.contact_id == contact.id,
                Conversation.channel_id == channel.id,
                Conversation.status.in_([ConversationStatus.OPEN, ConversationStatus.PENDING]),
            )
            .order_by(Conversation.id.desc())
        ).first()
    )
    if conversation is None:
        with session.no_autoflush:  # (the new contact's identity waits for the conversation's flush)
            bot = _default_bot(session, channel)
        owner = (
            {"owner_type": OwnerType.BOT, "owner_bot_id": bot.id}
            if bot
            else {"owner_type": OwnerType.QUEUE, "owner_queue_id": _default_queue(session, channel)}
        )
        conversation = Conversation(
            workspace_id=channel.workspace_id,
            contact_id=contact.id,
            channel=channel.kind,
            channel_id=channel.id,
            **owner,
        )
        session.add(conversation)
        session.flush()
        placement.route_new(
            session=session,
            conversation=conversation,
            text=event.text,
            channel=channel,
            new_contact=new,
            default_bot=None if channel.bot_id else bot,
        )
    return conversation, contact


def _default_queue(session: Session, channel: Channel) -> int:
    queue = session.exec(
        select(Queue).where(Queue.workspace_id == channel.workspace_id).order_by(Queue.is_default.desc(), Queue.id)
    ).first()
    if queue is None:
        queue = Queue(workspace_id=channel.workspace_id, key="atendimento", name="Atendimento", is_default=True)
        session.add(queue)
        session.flush()
    return queue.id


def _engine_event(event: InboundEvent) -> EngineEvent:
    if event.kind == "click":
        return EngineEvent.click(event.button_id)
    if event.kind == "location":
        return EngineEvent.location(float(event.data.get("lat", 0)), float(event.data.get("lng", 0)))
    if event.kind in {"image", "document", "audio", "video"}:
        return EngineEvent(event.kind, event.text, dict(event.data))
    return EngineEvent.message(event.text)


def handle_inbound(event: InboundEvent, *, queue_deliveries: bool = False) -> InboundResult:
    """Store an inbound event once, let the conversation's owner answer, and return what to deliver.

    One transaction under the contact's lock: the contact and conversation are found or created, the
    provider's message id deduplicated, the owner's turn taken. A unique-constraint race lost to another
    process (the same message, or the same new contact) is settled by reading the winner's rows. With
    `queue_deliveries`, the replies are also queued before the lock is released (on Redis, in the release's
    round trip), so the next turn's replies cannot be queued before them.
    """
    key = f"in:{event.channel_id}:{event.external_message_id}" if event.external_message_id else None
    with conversation_lock(contact_lock_key(event.channel_id, event.external_user_id)) as held:
        for _attempt in range(3):
            try:
                with session_scope() as session:
                    result = _handle_locked(session, event, key)
                if queue_deliveries and result.deliveries:
                    held.before_release(
                        lambda pipeline, url: outbox.enqueue_deliveries(result.deliveries, pipeline=(pipeline, url))  # noqa: B023 - runs before the loop returns
                    )
                if result.workspace_id is not None:  # the inbox's tabs show it now (in the release's round trip)
                    topic = live.inbox_topic(result.workspace_id)
                    held.before_release(lambda pipeline, _url, topic=topic: live.publish(topic, pipeline=pipeline))
                return result
            except sa.exc.IntegrityError:
                with session_scope() as session:
                    twin = session.exec(select(Message).where(Message.idempotency_key == key)).first() if key else None
                    if twin is not None:
                        return InboundResult(conversation_id=twin.conversation_id, duplicate=True)
    raise RuntimeError("could not store the inbound event (kept colliding)")


_TWIN = select(Message.conversation_id).where(Message.idempotency_key == sa.bindparam("key")).scalar_subquery()
_OPEN_CONVERSATION = (
    select(Conversation, _TWIN.label("twin"))
    .join(ContactIdentity, ContactIdentity.contact_id == Conversation.contact_id)
    .where(
        ContactIdentity.channel_id == sa.bindparam("channel_id"),
        ContactIdentity.external_id == sa.bindparam("external_id"),
        Conversation.channel_id == sa.bindparam("channel_id"),
        Conversation.status.in_([ConversationStatus.OPEN, ConversationStatus.PENDING]),
    )
    .order_by(Conversation.id.desc())
    .limit(1)
    .with_for_update(of=Conversation)
)
"""Built once: every inbound event runs it, and building and keying the statement cost a third of its time.
``twin``: the conversation of a message already stored under the event's idempotency key (a duplicate)."""


def _locked_open_conversation(
    session: Session, event: InboundEvent, key: str | None
) -> tuple[Conversation | None, int | None]:
    """The contact's open conversation on the channel, row-locked, and the conversation of the event's
    already stored twin, if any: one query on the common path."""
    row = session.exec(
        _OPEN_CONVERSATION, params={"channel_id": event.channel_id, "external_id": event.external_user_id, "key": key}
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


def _handle_locked(session: Session, event: InboundEvent, key: str | None) -> InboundResult:
    """The turn itself.

    Duplicates: under the contact's lock, the locked query also tells whether the event's idempotency key is
    stored; then nothing is written and the flow does not run. The inbound message is then written with the
    turn's replies and conversation row in one flush. When the query finds no open conversation (a first
    message, or one after closing) the message is flushed before the owner's turn instead, so the unique key
    catches a duplicate before the flow runs (the caller then reads the twin); the key stays the last guard
    on every path (a lock that expired under a stalled turn).
    """
    conversation, twin = _locked_open_conversation(session, event, key)
    if twin is not None:
        return InboundResult(conversation_id=twin, duplicate=True)
    identity = None if conversation is not None else _known_identity(session, event)
    # a reply to the CSAT question? (asked in the open conversation, or in a closed one of a known sender)
    maybe_csat = conversation.csat_requested_at is not None if conversation is not None else identity is not None
    if maybe_csat:
        answer = csat.take_csat_answer(session=session, event=event, key=key, conversation=conversation)
        if answer is not None:
            return InboundResult(
                conversation_id=answer.conversation_id, message_id=answer.message_id, deliveries=answer.deliveries
            )
    ongoing = conversation is not None
    if conversation is None:  # (_contact: held for the turn, see _open_conversation)
        conversation, _contact = _open_conversation(session, session.get(Channel, event.channel_id), event, identity)
    now = utcnow()
    inbound = Message(
        conversation_id=conversation.id,
        direction=Direction.INBOUND,
        sender_type=SenderType.CONTACT,
        kind=event.kind,
        text=event.text or None,
        payload={"button_id": event.button_id, **event.data},
        channel_message_id=event.external_message_id,
        idempotency_key=key,
        status=DeliveryStatus.RECEIVED,
        created_at=event.sent_at or now,
    )
    session.add(inbound)
    if not ongoing:
        session.flush()
    result = InboundResult(conversation_id=conversation.id, workspace_id=conversation.workspace_id)
    if conversation.owner_type == OwnerType.BOT:  # sees the previous message's time: idle sessions restart
        bot_turn(session, conversation, _engine_event(event), f"out:{uuid.uuid4().hex}", result)
    elif conversation.owner_type == OwnerType.QUEUE and conversation.waiting_since is None:  # routed to a queue
        result.deliveries.extend(
            queueing.enqueue(
                session=session,
                conversation=conversation,
                queue_id=conversation.owner_queue_id,
                actor_type="system",
                actor_id=None,
                reason="routing",
            )
        )
    # Changed after the turn, so the conversation row is written once, with the turn's messages.
    conversation.last_inbound_at = conversation.last_message_at = conversation.updated_at = now
    conversation.inactive_since = None  # the customer is back (services/conversations/inactivity.py)
    session.add(conversation)
    result.settle(session, conversation)
    result.message_id = inbound.id
    webhooks.turn_stored(session, conversation, result)  # message.created for subscribers (a cached no-op else)
    return result


def bot_turn(
    session: Session, conversation: Conversation, engine_event: EngineEvent, key_prefix: str, result: InboundResult
) -> None:
    """Step the bot's published flow with one event; outbound messages get keys `<key_prefix>:<index>`."""
    published = runtime.published_flow(session=session, bot_id=conversation.owner_bot_id)
    if published is None:
        session.add(
            Event(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                name="bot.not_published",
                data={"bot_id": conversation.owner_bot_id},
            )
        )
        return
    flow_session = _session_for(session, conversation, published.flow.document.bot.session_timeout_minutes)
    step_result = step(
        published.flow,
        flow_session,
        engine_event,
        runtime.production_ports(published, bot_id=conversation.owner_bot_id),
    )
    countdown = 0.0
    outbound: list[tuple[Message, float]] = []
    handoffs: list[dict[str, Any]] = []
    for index, output in enumerate(step_result.outputs):
        kind = output.get("type")
        if kind in {"delay", "typing"}:
            countdown += float(output.get("seconds") or 0)
        elif kind == "event":
            session.add(
                Event(
                    workspace_id=conversation.workspace_id,
                    conversation_id=conversation.id,
                    name=str(output.get("name")),
                    actor_type="bot",
                    actor_id=str(conversation.owner_bot_id),
                    data=output,
                )
            )
        elif kind == "handoff":
            handoffs.append(output)
        elif kind in VISIBLE_TYPES:
            message = Message(
                conversation_id=conversation.id,
                direction=Direction.OUTBOUND,
                sender_type=SenderType.BOT,
                kind=kind,
                payload=output,
                text=output.get("text") or (template_text(output) if kind == "template" else None),
                idempotency_key=f"{key_prefix}:{index}",
                status=DeliveryStatus.QUEUED,
            )
            session.add(message)
            outbound.append((message, countdown))
    # Not flushed here: the caller's `result.settle` writes them (one batched INSERT) with the conversation.
    result.deliveries.extend(outbound)  # type: ignore[arg-type] - messages until settled, then their ids
    conversation.session = step_result.session.to_dict()
    if step_result.session.variables != flow_session.variables:  # the contact keeps them for later sessions
        contact = session.get(Contact, conversation.contact_id)
        contact.variables = {**(contact.variables or {}), **step_result.session.variables}
        contact.updated_at = utcnow()
        session.add(contact)
    bot_before = conversation.owner_bot_id
    for output in handoffs:
        result.deliveries.extend(_hand_off(session, conversation, output))
    if (
        conversation.owner_type == OwnerType.BOT
        and conversation.owner_bot_id != bot_before
        and key_prefix.count(":bot") < 3
    ):  # another bot took over: it starts now (a few hops at most)
        bot_turn(session, conversation, engine_event, f"{key_prefix}:bot{conversation.owner_bot_id}", result)


def _session_for(session: Session, conversation: Conversation, timeout_minutes: int) -> FlowSession:
    """The conversation's flow session, or a new one at `start` after `timeout_minutes` of silence. A new
    session knows the contact (``${contact.name}``, phone, e-mail) and starts with the contact's variables."""
    stored = conversation.session or {}
    if stored:
        flow_session = FlowSession.from_dict(dict(stored))
        last = conversation.last_message_at
        if last is None or utcnow() - as_utc(last) <= timedelta(minutes=timeout_minutes):
            return flow_session
    contact = session.get(Contact, conversation.contact_id)
    return new_session(
        id=str(conversation.id),
        language=conversation.language or "pt",
        channel=conversation.channel,
        variables=dict(contact.variables or {}) if contact else {},
        contact=_contact_fields(contact) if contact else {},
    )


def _contact_fields(contact: Contact) -> dict[str, Any]:
    """What flows read as ``${contact.<field>}``."""
    return {
        "id": contact.id,
        "name": contact.name or "",
        "phone": contact.phone or "",
        "email": contact.email or "",
        "language": contact.language or "",
    }


def _hand_off(session: Session, conversation: Conversation, output: dict[str, Any]) -> list[tuple[int, float]]:
    """The bot gave the conversation away: to a queue (by key; assigned at once when an agent has room), an
    agent (by e-mail or id) or another bot (variables kept). Returns the messages queued (place in line)."""
    return handoff_service.apply_handoff(
        session=session, conversation=conversation, output=output, actor_type="bot", actor_id=conversation.owner_bot_id
    )
