"""Conversations over HTTP: list and read them, send a message as the bot or an agent, and contacts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, status
from pydantic import BaseModel, Field, model_validator
from sqlmodel import func, select

from flow_runtime.outputs import template as template_output
from flow_runtime.outputs import template_text
from flow_runtime.schema import MAX_TEMPLATE_PARAMETERS, TEMPLATE_LANGUAGE, TEMPLATE_NAME
from flowstudio.api.conformance import UtcDatetime
from flowstudio.api.v1.deps import DB, Caller, requires
from flowstudio.channels import rest
from flowstudio.i18n import negotiate
from flowstudio.models import (
    ChannelKind,
    Contact,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    ConversationTag,
    DeliveryStatus,
    Direction,
    Message,
    OwnerType,
    SenderType,
    Tag,
    utcnow,
)
from flowstudio.services.conversations import types as conversation_types
from flowstudio.services.identity import permissions as can
from flowstudio.services.inbox import scope as inbox_scope
from flowstudio.services.integrations import webhooks
from flowstudio.services.privacy import access as privacy
from flowstudio.services.privacy import audit, erasure, forgetting
from flowstudio.tasks.delivery import enqueue_deliveries

router = APIRouter(tags=["conversations"], dependencies=[Depends(requires(can.CONVERSATIONS_API))])


class ConversationPublic(BaseModel):
    """A conversation in lists."""

    id: int
    contact_id: int
    channel: str
    channel_id: int | None
    status: str
    owner_type: str
    owner_id: int | None
    last_message_at: UtcDatetime | None
    created_at: UtcDatetime
    conversation_type: str | None = Field(None, description="One of the workspace's conversation types, or null.")
    inactive_since: UtcDatetime | None = Field(
        None,
        description="Since when the customer has been silent past the "
        "workspace's inactivity marker (null: not inactive).",
    )


class ConversationUpdate(BaseModel):
    """What may change on a conversation through the API."""

    conversation_type: str | None = Field(
        description="One of the workspace's conversation types (any case); null or empty clears it.", max_length=200
    )


class MessagePublic(BaseModel):
    """One message."""

    id: int
    direction: str
    sender_type: str
    kind: str
    text: str | None
    payload: dict[str, Any]
    status: str
    error: str | None
    created_at: UtcDatetime
    redacted: bool = Field(False, description="The body is encrypted and this token may not read it.")
    erased: str | None = Field(None, description="What retention or a forgotten contact erased: body, file, all.")


class TemplateIn(BaseModel):
    """An approved WhatsApp template (other channels get `fallback_text`, or the name and parameters)."""

    name: str = Field(pattern=TEMPLATE_NAME.pattern, description="As approved by WhatsApp: a-z, 0-9 and _.")
    language: str = Field("pt_BR", pattern=TEMPLATE_LANGUAGE.pattern, description="pt_BR, en_US, es...")
    parameters: list[Annotated[str, Field(min_length=1, max_length=1024)]] = Field(
        [], max_length=MAX_TEMPLATE_PARAMETERS, description="The body's {{1}}, {{2}}... in order."
    )
    fallback_text: str | None = Field(None, max_length=4096)


class SendMessage(BaseModel):
    """A message in the conversation: to the contact as the bot or an agent (a text or a template), or, on a
    REST channel, from the contact (a text or a pressed button), which the conversation's owner answers."""

    text: str | None = Field(None, min_length=1, max_length=4096)
    template: TemplateIn | None = None
    sender: Literal["bot", "agent", "contact"] = "agent"
    button_id: str = Field("", max_length=128, description="Contact only: the id of a pressed button.")
    label: str = Field("", max_length=200, description="Contact only: the pressed button's label.")
    message_id: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        description="Contact only: your id for this message; sent again, it is stored once.",
    )

    @model_validator(mode="after")
    def _one_content(self) -> SendMessage:
        if self.sender == "contact":
            if self.template is not None:
                raise ValueError("a contact cannot send a template")
            if not (self.text or "").strip() and not self.button_id:
                raise ValueError("send a text or a button_id")
        elif (self.text is None) == (self.template is None):
            raise ValueError("send either a text or a template")
        return self


class ContactUpdate(BaseModel):
    """Variables to merge (null removes one) and tags to add or remove on the contact's open conversation."""

    name: str | None = None
    variables: dict[str, Any] | None = None
    add_tags: list[str] = []
    remove_tags: list[str] = []


def _conversation(session, who, conversation_id: int) -> Conversation:
    """The conversation, else 404: not in the token's workspace, or not one it may see (an agent's token sees
    what its member sees in the inbox: `inbox_scope`)."""
    conversation = session.get(Conversation, conversation_id)
    if (
        conversation is None
        or conversation.workspace_id != who.workspace_id
        or not inbox_scope.may_see(session=session, conversation=conversation, role=who.role, user_id=who.user_id)
    ):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"conversation {conversation_id} not found")
    return conversation


def _contact(session, who, contact_id: int) -> Contact:
    """The contact, else 404: not in the token's workspace, or none of its conversations is visible."""
    contact = session.get(Contact, contact_id)
    if (
        contact is None
        or contact.workspace_id != who.workspace_id
        or not inbox_scope.may_see_contact(session=session, contact=contact, role=who.role, user_id=who.user_id)
    ):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"contact {contact_id} not found")
    return contact


def _public(c: Conversation) -> ConversationPublic:
    owner = {OwnerType.BOT: c.owner_bot_id, OwnerType.QUEUE: c.owner_queue_id, OwnerType.AGENT: c.owner_agent_id}
    return ConversationPublic(
        id=c.id,
        contact_id=c.contact_id,
        channel=c.channel,
        channel_id=c.channel_id,
        status=c.status.value,
        owner_type=c.owner_type.value,
        owner_id=owner[c.owner_type],
        last_message_at=c.last_message_at,
        created_at=c.created_at,
        conversation_type=c.conversation_type,
        inactive_since=c.inactive_since,
    )


@router.get("/conversations", response_model=list[ConversationPublic])
def list_conversations(
    session: DB,
    who: Caller,
    status_: ConversationStatus | None = Query(None, alias="status"),
    channel: str | None = None,
    owner_type: OwnerType | None = None,
    conversation_type: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> list[ConversationPublic]:
    """Conversations, newest activity first, filtered by status, channel kind, owner type and conversation
    type (case-insensitive). An agent's token lists what its member sees in the inbox (their own and their
    queues' conversations); an agent-role token created for no member lists none."""
    query = select(Conversation).where(
        Conversation.workspace_id == who.workspace_id, inbox_scope.clause(role=who.role, user_id=who.user_id)
    )
    if status_ is not None:
        query = query.where(Conversation.status == status_)
    if channel:
        query = query.where(Conversation.channel == channel)
    if owner_type is not None:
        query = query.where(Conversation.owner_type == owner_type)
    if conversation_type and conversation_type.strip():
        query = query.where(func.lower(Conversation.conversation_type) == conversation_type.strip().lower())
    query = (
        query.order_by(
            func.coalesce(Conversation.last_message_at, Conversation.created_at).desc(), Conversation.id.desc()
        )
        .offset(offset)
        .limit(limit)
    )
    return [_public(c) for c in session.exec(query).all()]


@router.get("/conversations/{conversation_id}")
def get_conversation(
    conversation_id: int, session: DB, who: Caller, accept_language: Annotated[str | None, Header()] = None
) -> dict[str, Any]:
    """A conversation with its messages in order. In a workspace that encrypts messages, tokens that may
    not read them (all but admin tokens) get a marker instead of each body (`redacted: true`)."""
    conversation = _conversation(session, who, conversation_id)
    messages = session.exec(
        select(Message).where(Message.conversation_id == conversation.id).order_by(Message.created_at, Message.id)
    ).all()
    seen = privacy.visibility(
        session, who.workspace_id, may_read=privacy.token_may_read(who.role), language=negotiate(accept_language)
    )
    shown = [(m, *privacy.redact_message_fields(m.text, m.payload, seen)) for m in messages]
    return {
        **_public(conversation).model_dump(mode="json"),
        "messages": [
            MessagePublic(
                id=m.id,
                direction=m.direction.value,
                sender_type=m.sender_type.value,
                kind=m.kind,
                text=text,
                payload=payload,
                status=m.status.value,
                error=m.error,
                created_at=m.created_at,
                redacted=text != m.text,
                erased=m.erased,
            ).model_dump(mode="json")
            for m, text, payload in shown
        ],
    }


@router.patch("/conversations/{conversation_id}", response_model=ConversationPublic)
def patch_conversation(conversation_id: int, body: ConversationUpdate, session: DB, who: Caller) -> ConversationPublic:
    """Set the conversation's type (one of the workspace's conversation types; 422 with the reason otherwise)."""
    _conversation(session, who, conversation_id)
    conversation_types.set_type(
        session=session,
        workspace_id=who.workspace_id,
        conversation_id=conversation_id,
        name=body.conversation_type,
        actor_type="api",
        actor_id=f"token:{who.token_id}",
    )
    conversation = _conversation(session, who, conversation_id)
    session.commit()
    return _public(conversation)


@router.post("/conversations/{conversation_id}/messages", status_code=status.HTTP_202_ACCEPTED)
def send_message(conversation_id: int, body: SendMessage, session: DB, who: Caller) -> dict[str, Any]:
    """Queue a text or a template to the contact, as the bot or as an agent; or, on a REST channel, take the
    contact's message (`"sender": "contact"`) and return the owner's replies."""
    conversation = _conversation(session, who, conversation_id)
    if conversation.status in (ConversationStatus.CLOSED, ConversationStatus.ARCHIVED):
        raise HTTPException(status.HTTP_409_CONFLICT, f"the conversation is {conversation.status.value}")
    if body.sender == "contact":
        return _from_contact(session, conversation, body)
    if body.template is not None:
        t = body.template
        payload = template_output(t.name, t.language, list(t.parameters), fallback_text=t.fallback_text)
        kind, text = "template", template_text(payload)
    else:
        payload, kind, text = {"type": "text", "text": body.text}, "text", body.text
    message = Message(
        conversation_id=conversation.id,
        direction=Direction.OUTBOUND,
        sender_type=SenderType.BOT if body.sender == "bot" else SenderType.AGENT,
        kind=kind,
        text=text,
        payload=payload,
        status=DeliveryStatus.QUEUED,
    )
    session.add(message)
    conversation.last_message_at = utcnow()
    session.add(conversation)
    session.flush()
    webhooks.message_created(session, conversation, message)
    message_id = message.id
    session.commit()
    enqueue_deliveries([(message_id, 0.0)])
    return {"message_id": message_id, "status": "queued"}


def _from_contact(session, conversation: Conversation, body: SendMessage) -> dict[str, Any]:
    if conversation.channel != ChannelKind.REST:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"this is a {conversation.channel} conversation: its contact writes through that channel, not this API",
        )
    identity = session.exec(
        select(ContactIdentity).where(
            ContactIdentity.contact_id == conversation.contact_id, ContactIdentity.channel_id == conversation.channel_id
        )
    ).first()
    if identity is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "the conversation's channel no longer knows this contact")
    channel_id, user_id = conversation.channel_id, identity.external_id
    session.commit()  # end this request's transaction before the conversation's own
    return rest.receive(
        channel_id=channel_id,
        user_id=user_id,
        text=body.text or "",
        button_id=body.button_id,
        label=body.label,
        message_id=body.message_id,
    )


@router.get("/contacts/{contact_id}")
def get_contact(contact_id: int, session: DB, who: Caller) -> dict[str, Any]:
    """A contact with its variables."""
    contact = _contact(session, who, contact_id)
    seen = privacy.visibility(session, who.workspace_id, may_read=privacy.token_may_read(who.role))
    return {
        "id": contact.id,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "variables": privacy.redact_variables(contact.variables, seen),
        "erased_at": contact.erased_at,
    }


@router.delete("/contacts/{contact_id}/personal-data")
def forget_contact(contact_id: int, session: DB, who: Caller) -> dict[str, Any]:
    """Forget a contact now (GDPR right to erasure): name, e-mail, phone, variables and channel ids, and the
    bodies and files of all their conversations' messages. Conversations, times and statuses stay (metrics).
    Admin and supervisor tokens only; audited as `contact.forgotten`."""
    done = forgetting.forget_contact_in(
        session,
        workspace_id=who.workspace_id,
        contact_id=contact_id,
        actor=audit.Actor(email=f"api-token:{who.token_id}"),
        role=who.role,
    )  # refusals (no such contact: 404, a role that may not: 403) answered by the one DomainError handler
    session.commit()
    done.files_deleted = erasure.delete_files(done.files)
    return {"contact_id": contact_id, "erased": done.counts()}


@router.patch("/contacts/{contact_id}")
def patch_contact(contact_id: int, body: ContactUpdate, session: DB, who: Caller) -> dict[str, Any]:
    """Merge variables and tag the contact's latest conversation."""
    contact = _contact(session, who, contact_id)
    if body.name is not None:
        contact.name = body.name
    if body.variables is not None:
        merged = {**contact.variables, **body.variables}
        contact.variables = {k: v for k, v in merged.items() if v is not None}
    contact.updated_at = utcnow()
    session.add(contact)
    if body.add_tags or body.remove_tags:
        conversation = session.exec(
            select(Conversation).where(Conversation.contact_id == contact.id).order_by(Conversation.id.desc())
        ).first()
        if conversation is None:
            raise HTTPException(status.HTTP_409_CONFLICT, "the contact has no conversation to tag")
        for name in body.add_tags:
            tag = session.exec(select(Tag).where(Tag.workspace_id == who.workspace_id, Tag.name == name)).first()
            if tag is None:
                tag = Tag(workspace_id=who.workspace_id, name=name)
                session.add(tag)
                session.flush()
            if session.get(ConversationTag, (conversation.id, tag.id)) is None:
                session.add(ConversationTag(conversation_id=conversation.id, tag_id=tag.id))
        for name in body.remove_tags:
            tag = session.exec(select(Tag).where(Tag.workspace_id == who.workspace_id, Tag.name == name)).first()
            link = session.get(ConversationTag, (conversation.id, tag.id)) if tag else None
            if link is not None:
                session.delete(link)
    session.flush()
    webhooks.contact_updated(
        session,
        contact,
        changed=sorted(body.model_dump(exclude_unset=True)),
        tags_added=list(body.add_tags),
        tags_removed=list(body.remove_tags),
    )
    return get_contact(contact_id, session, who)
