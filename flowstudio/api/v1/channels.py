"""Channels over HTTP: secrets are write-only (the API only says which ones are set)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, Field

from flowstudio.api.v1.deps import DB, Caller, allow
from flowstudio.channels import rest
from flowstudio.models import Bot, Channel, ChannelKind
from flowstudio.services.identity import permissions as can
from flowstudio.services.integrations.channels import (
    create_channel,
    list_channels,
    public_view,
    update_channel,
)
from flowstudio.services.integrations.channels import delete_channel as remove_channel
from flowstudio.services.privacy.audit import Actor

router = APIRouter(tags=["channels"])


class ChannelCreate(BaseModel):
    """A new channel."""

    kind: str = Field(description="webchat, whatsapp, telegram or rest")
    name: str = Field(min_length=1, max_length=120)
    bot_id: int | None = None
    config: dict[str, Any] = {}
    secrets: dict[str, str] = Field({}, description="Write-only: never returned.")


class ChannelUpdate(BaseModel):
    """Changes: config keys are merged, secrets replaced one by one (empty string removes)."""

    name: str | None = Field(None, min_length=1, max_length=120)
    bot_id: int | None = None
    is_active: bool | None = None
    config: dict[str, Any] | None = None
    secrets: dict[str, str] | None = None


class ChannelMessageIn(BaseModel):
    """A message of one of a REST channel's users: typed text, or a pressed button."""

    user_id: str = Field(min_length=1, max_length=128, description="The user's id in your system.")
    text: str = Field("", max_length=4096)
    button_id: str = Field("", max_length=128, description="The id of a button of an earlier reply.")
    label: str = Field("", max_length=200, description="The pressed button's label (shown in the inbox).")
    message_id: str | None = Field(
        None, min_length=1, max_length=128, description="Your id for this message: sent again, it is stored once."
    )
    name: str = Field("", max_length=120, description="The user's name, for a new contact.")


def _channel(session, who, channel_id: int) -> Channel:
    channel = session.get(Channel, channel_id)
    if channel is None or channel.workspace_id != who.workspace_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"channel {channel_id} not found")
    return channel


def _check_bot(session, who, bot_id: int | None) -> None:
    bot = session.get(Bot, bot_id) if bot_id else None
    if bot_id and (bot is None or bot.workspace_id != who.workspace_id):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"bot {bot_id} not found in this workspace")


@router.get("/channels")
def get_channels(session: DB, who: Caller) -> list[dict[str, Any]]:
    """The workspace's channels."""
    allow(who, can.CHANNELS_VIEW)
    return [public_view(c) for c in list_channels(session=session, workspace_id=who.workspace_id)]


@router.post("/channels", status_code=status.HTTP_201_CREATED)
def post_channel(body: ChannelCreate, session: DB, who: Caller) -> dict[str, Any]:
    """Create a channel; the answer has its webhook path."""
    allow(who, can.CHANNELS_MANAGE)
    _check_bot(session, who, body.bot_id)
    channel = create_channel(
        session=session,
        workspace_id=who.workspace_id,
        kind=body.kind,
        name=body.name,
        bot_id=body.bot_id,
        config=body.config,
        secrets=body.secrets,
        actor=Actor(email=f"api-token:{who.token_id}"),
    )
    return public_view(channel)


@router.get("/channels/{channel_id}")
def get_channel(channel_id: int, session: DB, who: Caller) -> dict[str, Any]:
    """One channel."""
    allow(who, can.CHANNELS_VIEW)
    return public_view(_channel(session, who, channel_id))


@router.patch("/channels/{channel_id}")
def patch_channel(channel_id: int, body: ChannelUpdate, session: DB, who: Caller) -> dict[str, Any]:
    """Change a channel; required secrets cannot be removed. Audited as `channel.changed`."""
    allow(who, can.CHANNELS_MANAGE)
    channel = _channel(session, who, channel_id)
    if body.bot_id is not None:
        _check_bot(session, who, body.bot_id)
    changes: dict[str, Any] = {} if body.bot_id is None else {"bot_id": body.bot_id}
    update_channel(
        session=session,
        channel=channel,
        name=body.name,
        config=body.config,
        secrets=body.secrets,
        is_active=body.is_active,
        actor=Actor(email=f"api-token:{who.token_id}"),
        **changes,
    )
    return public_view(channel)


@router.delete("/channels/{channel_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_channel(channel_id: int, session: DB, who: Caller) -> Response:
    """Delete a channel (its conversations stay). Audited as `channel.deleted`."""
    allow(who, can.CHANNELS_MANAGE)
    remove_channel(
        session=session, channel=_channel(session, who, channel_id), actor=Actor(email=f"api-token:{who.token_id}")
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/channels/{channel_id}/messages", status_code=status.HTTP_202_ACCEPTED)
def post_channel_message(channel_id: int, body: ChannelMessageIn, session: DB, who: Caller) -> dict[str, Any]:
    """A user's message on a REST channel: finds or starts the user's conversation and lets its owner answer.

    The answer has the conversation id and the bot's replies; the same replies are also POSTed to the
    channel's webhook (after the flow's wait seconds).
    """
    allow(who, can.CONVERSATIONS_API)
    channel = _channel(session, who, channel_id)
    if channel.kind != ChannelKind.REST:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"channel {channel_id} is a {channel.kind.value} channel: its "
            "users write through its own webhook, not this API",
        )
    if not channel.is_active:
        raise HTTPException(status.HTTP_409_CONFLICT, f"channel {channel_id} is not active")
    if not body.text.strip() and not body.button_id:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "send a text or a button_id")
    session.commit()  # end the token check's transaction before the conversation's own
    return rest.receive(
        channel_id=channel.id,
        user_id=body.user_id,
        text=body.text,
        button_id=body.button_id,
        label=body.label,
        message_id=body.message_id,
        name=body.name,
    )
