"""Channels over HTTP: secrets are write-only (the API only says which ones are set)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, Field

from flowstudio.api.v1.deps import DB, Caller, require_admin
from flowstudio.models import Bot, Channel
from flowstudio.services.channels import REQUIRED_SECRETS, ChannelError, create_channel, list_channels, public_view

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


def _channel(session, who, channel_id: int) -> Channel:  # noqa: ANN001
    channel = session.get(Channel, channel_id)
    if channel is None or channel.workspace_id != who.workspace_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"channel {channel_id} not found")
    return channel


def _check_bot(session, who, bot_id: int | None) -> None:  # noqa: ANN001
    bot = session.get(Bot, bot_id) if bot_id else None
    if bot_id and (bot is None or bot.workspace_id != who.workspace_id):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"bot {bot_id} not found in this workspace")


@router.get("/channels")
def get_channels(session: DB, who: Caller) -> list[dict[str, Any]]:
    """The workspace's channels."""
    return [public_view(c) for c in list_channels(session=session, workspace_id=who.workspace_id)]


@router.post("/channels", status_code=status.HTTP_201_CREATED)
def post_channel(body: ChannelCreate, session: DB, who: Caller) -> dict[str, Any]:
    """Create a channel; the answer has its webhook path."""
    require_admin(who)
    _check_bot(session, who, body.bot_id)
    try:
        channel = create_channel(session=session, workspace_id=who.workspace_id, kind=body.kind, name=body.name,
                                 bot_id=body.bot_id, config=body.config, secrets=body.secrets)
    except ChannelError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from error
    return public_view(channel)


@router.get("/channels/{channel_id}")
def get_channel(channel_id: int, session: DB, who: Caller) -> dict[str, Any]:
    """One channel."""
    return public_view(_channel(session, who, channel_id))


@router.patch("/channels/{channel_id}")
def patch_channel(channel_id: int, body: ChannelUpdate, session: DB, who: Caller) -> dict[str, Any]:
    """Change a channel; required secrets cannot be removed."""
    require_admin(who)
    channel = _channel(session, who, channel_id)
    if body.bot_id is not None:
        _check_bot(session, who, body.bot_id)
        channel.bot_id = body.bot_id
    if body.name is not None:
        channel.name = body.name
    if body.is_active is not None:
        channel.is_active = body.is_active
    if body.config is not None:
        channel.config = {**channel.config, **body.config}
    if body.secrets is not None:
        merged = {**channel.secrets, **body.secrets}
        merged = {k: v for k, v in merged.items() if v}
        missing = [k for k in REQUIRED_SECRETS.get(channel.kind, ()) if not merged.get(k)]
        if missing:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"cannot remove {', '.join(missing)}")
        channel.secrets = merged
    session.add(channel)
    session.flush()
    return public_view(channel)


@router.delete("/channels/{channel_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_channel(channel_id: int, session: DB, who: Caller) -> Response:
    """Delete a channel (its conversations stay)."""
    require_admin(who)
    session.delete(_channel(session, who, channel_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
