"""Channels of a workspace: created with a public key for their webhook URLs; secrets are never shown back."""

from __future__ import annotations

import secrets as tokens
from typing import Any

from sqlmodel import Session, select

from flowstudio.models import Channel, ChannelKind

REQUIRED_SECRETS = {
    ChannelKind.WHATSAPP: ("access_token", "app_secret", "verify_token"),
    ChannelKind.TELEGRAM: ("bot_token", "webhook_secret"),
}
REQUIRED_CONFIG = {ChannelKind.WHATSAPP: ("phone_number_id",)}


class ChannelError(ValueError):
    """A channel that cannot work as configured; the message says what is missing."""


def create_channel(*, session: Session, workspace_id: int, kind: str, name: str, bot_id: int | None = None,
                   config: dict[str, Any] | None = None, secrets: dict[str, Any] | None = None) -> Channel:
    """A new channel with a fresh public key.

    Raises:
        ChannelError: an unknown kind, or a required setting or secret missing.
    """
    try:
        channel_kind = ChannelKind(kind)
    except ValueError as error:
        raise ChannelError(f"kind must be one of {', '.join(k.value for k in ChannelKind)}") from error
    config, secrets = dict(config or {}), dict(secrets or {})
    missing = [f"config.{k}" for k in REQUIRED_CONFIG.get(channel_kind, ()) if not config.get(k)]
    missing += [f"secrets.{k}" for k in REQUIRED_SECRETS.get(channel_kind, ()) if not secrets.get(k)]
    if missing:
        raise ChannelError(f"a {kind} channel needs {', '.join(missing)}")
    channel = Channel(workspace_id=workspace_id, kind=channel_kind, name=name.strip() or kind, bot_id=bot_id,
                      key=tokens.token_urlsafe(12), config=config, secrets=secrets)
    session.add(channel)
    session.flush()
    return channel


def list_channels(*, session: Session, workspace_id: int) -> list[Channel]:
    """The workspace's channels."""
    return list(session.exec(select(Channel).where(Channel.workspace_id == workspace_id).order_by(Channel.id)).all())


def public_view(channel: Channel) -> dict[str, Any]:
    """A channel as APIs and pages may show it: secrets reduced to which ones are set."""
    return {"id": channel.id, "kind": channel.kind.value, "name": channel.name, "key": channel.key,
            "bot_id": channel.bot_id, "config": dict(channel.config), "is_active": channel.is_active,
            "secrets_set": sorted(k for k, v in channel.secrets.items() if v),
            "webhook_path": f"/webhooks/{channel.kind.value}/{channel.key}"}
