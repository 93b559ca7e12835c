"""Channels of a workspace: created with a public key for their webhook URLs; secrets are never shown back."""

from __future__ import annotations

import secrets as tokens
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

from flowstudio.models import Channel, ChannelKind

REQUIRED_SECRETS = {
    ChannelKind.WHATSAPP: ("access_token", "app_secret", "verify_token"),
    ChannelKind.TELEGRAM: ("bot_token", "webhook_secret"),
    ChannelKind.REST: ("webhook_secret",),
}
REQUIRED_CONFIG = {ChannelKind.WHATSAPP: ("phone_number_id",), ChannelKind.REST: ("webhook_url",)}
URL_SETTINGS = ("webhook_url", "graph_base_url", "api_base_url")
"""Config keys that must be http(s) URLs when set."""


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
    check_settings(channel_kind, config, secrets)
    channel = Channel(workspace_id=workspace_id, kind=channel_kind, name=name.strip() or kind, bot_id=bot_id,
                      key=tokens.token_urlsafe(12), config=config, secrets=secrets)
    session.add(channel)
    session.flush()
    return channel


def check_settings(kind: ChannelKind, config: dict[str, Any], secrets: dict[str, Any]) -> None:
    """Refuse settings a channel of `kind` cannot work with.

    Raises:
        ChannelError: a required setting or secret missing, or a URL setting that is not an http(s) URL.
    """
    missing = [f"config.{k}" for k in REQUIRED_CONFIG.get(kind, ()) if not config.get(k)]
    missing += [f"secrets.{k}" for k in REQUIRED_SECRETS.get(kind, ()) if not secrets.get(k)]
    if missing:
        raise ChannelError(f"a {kind.value} channel needs {', '.join(missing)}")
    for key in URL_SETTINGS:
        if key in config and not _http_url(config[key]):
            raise ChannelError(f"config.{key} must be an http:// or https:// URL, not {str(config[key])[:200]!r}")


def _http_url(value: Any) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def list_channels(*, session: Session, workspace_id: int) -> list[Channel]:
    """The workspace's channels."""
    return list(session.exec(select(Channel).where(Channel.workspace_id == workspace_id).order_by(Channel.id)).all())


def public_view(channel: Channel) -> dict[str, Any]:
    """A channel as APIs and pages may show it: secrets reduced to which ones are set."""
    return {"id": channel.id, "kind": channel.kind.value, "name": channel.name, "key": channel.key,
            "bot_id": channel.bot_id, "config": dict(channel.config), "is_active": channel.is_active,
            "secrets_set": sorted(k for k, v in channel.secrets.items() if v),
            "webhook_path": f"/webhooks/{channel.kind.value}/{channel.key}"}
