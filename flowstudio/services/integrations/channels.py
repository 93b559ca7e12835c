"""Channels of a workspace: created with a public key for their webhook URLs; secrets are write-only (never
shown back, only which ones are set); every change is audited without the secrets' values."""

from __future__ import annotations

import html
import re
import secrets as tokens
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from flowstudio.errors import Invalid, NotFound
from flowstudio.models import Bot, Channel, ChannelKind
from flowstudio.services.privacy import audit

REQUIRED_SECRETS = {
    ChannelKind.WHATSAPP: ("access_token", "app_secret", "verify_token"),
    ChannelKind.TELEGRAM: ("bot_token", "webhook_secret"),
    ChannelKind.REST: ("webhook_secret",),
}
REQUIRED_CONFIG = {ChannelKind.WHATSAPP: ("phone_number_id",), ChannelKind.REST: ("webhook_url",)}
URL_SETTINGS = ("webhook_url", "graph_base_url", "api_base_url")
"""Config keys that must be http(s) URLs when set."""
COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")
"""A webchat colour the widget accepts (`assets/webchat.js` takes the same)."""


@dataclass(frozen=True)
class Setting:
    """One setting a channel kind takes: a config value (shown and edited) or a secret (write-only)."""

    name: str
    secret: bool = False
    required: bool = False
    placeholder: str = ""


SETTINGS: dict[ChannelKind, tuple[Setting, ...]] = {
    ChannelKind.WEBCHAT: (
        Setting("title", placeholder="Atendimento"),
        Setting("greeting", placeholder="Olá!"),
        Setting("color", placeholder="#4f46e5"),
        Setting("position", placeholder="right"),
        Setting("allowed_origins", placeholder="https://www.example.com"),
    ),
    ChannelKind.WHATSAPP: (
        Setting("phone_number_id", required=True, placeholder="106540352242922"),
        Setting("access_token", secret=True, required=True),
        Setting("app_secret", secret=True, required=True),
        Setting("verify_token", secret=True, required=True),
        Setting("graph_base_url", placeholder="https://graph.facebook.com"),
        Setting("api_version", placeholder="v21.0"),
    ),
    ChannelKind.TELEGRAM: (
        Setting("bot_token", secret=True, required=True, placeholder="123456:ABC-DEF..."),
        Setting("webhook_secret", secret=True, required=True),
        Setting("api_base_url", placeholder="https://api.telegram.org"),
    ),
    ChannelKind.REST: (
        Setting("webhook_url", required=True, placeholder="https://your.app/flowstudio"),
        Setting("webhook_secret", secret=True, required=True),
    ),
}
"""What the channels page asks for each kind (the adapters in `flowstudio.channels` read the same names)."""


class ChannelError(Invalid):
    """A channel that cannot work as configured; the key says what is missing or wrong."""


class ChannelNotFound(NotFound):
    """No such channel (or bot) in this workspace."""


def _kind(kind: str | ChannelKind) -> ChannelKind:
    try:
        return ChannelKind(kind)
    except ValueError as error:
        raise ChannelError("chanpage.error.kind", kinds=", ".join(k.value for k in ChannelKind)) from error


def create_channel(
    *,
    session: Session,
    workspace_id: int,
    kind: str,
    name: str,
    bot_id: int | None = None,
    config: dict[str, Any] | None = None,
    secrets: dict[str, Any] | None = None,
    actor: Any = None,
) -> Channel:
    """A new channel with a fresh public key (audited as `channel.created`, without secret values).

    Raises:
        ChannelError: an unknown kind, or a required setting or secret missing, or a malformed one.
        ChannelNotFound: `bot_id` is not a bot of the workspace.
    """
    channel_kind = _kind(kind)
    config = {k: v for k, v in (config or {}).items() if v not in ("", None)}
    secrets = {k: v for k, v in (secrets or {}).items() if v}
    check_settings(channel_kind, config, secrets)
    _check_bot(session, workspace_id, bot_id)
    channel = Channel(
        workspace_id=workspace_id,
        kind=channel_kind,
        name=(name or "").strip()[:120] or kind,
        bot_id=bot_id,
        key=tokens.token_urlsafe(12),
        config=config,
        secrets=secrets,
    )
    session.add(channel)
    session.flush()
    audit.record(
        session,
        "channel.created",
        workspace_id=workspace_id,
        actor=actor,
        target=("channel", channel.id),
        details={"kind": channel_kind.value, "name": channel.name, "secrets_set": sorted(secrets)},
    )
    return channel


def check_settings(kind: ChannelKind, config: dict[str, Any], secrets: dict[str, Any]) -> None:
    """Refuse settings a channel of `kind` cannot work with.

    Raises:
        ChannelError: a required setting or secret missing, a URL setting that is not an http(s) URL, or a
            webchat colour or position the widget does not take, an allowed origin that is not one.
    """
    missing = [f"config.{k}" for k in REQUIRED_CONFIG.get(kind, ()) if not config.get(k)]
    missing += [f"secrets.{k}" for k in REQUIRED_SECRETS.get(kind, ()) if not secrets.get(k)]
    if missing:
        raise ChannelError("chanpage.error.missing", kind=kind.value, missing=", ".join(missing))
    for key in URL_SETTINGS:
        if key in config and not _http_url(config[key]):
            raise ChannelError("chanpage.error.url", setting=key, value=str(config[key])[:200])
    if kind == ChannelKind.WEBCHAT:
        if config.get("color") and not COLOUR.match(str(config["color"])):
            raise ChannelError("chanpage.error.color", value=str(config["color"])[:40])
        if config.get("position") not in (None, "left", "right"):
            raise ChannelError("chanpage.error.position")
        for origin in re.split(r"[\s,]+", str(config.get("allowed_origins") or "")):
            if origin and (not _http_url(origin) or urlsplit(origin).path not in ("", "/")):
                raise ChannelError("chanpage.error.origin", value=origin[:200])


def _http_url(value: Any) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_bot(session: Session, workspace_id: int, bot_id: int | None) -> None:
    if bot_id is None:
        return
    bot = session.get(Bot, bot_id)
    if bot is None or bot.workspace_id != workspace_id:
        raise ChannelNotFound("chanpage.error.bot", bot_id=bot_id)


def list_channels(*, session: Session, workspace_id: int) -> list[Channel]:
    """The workspace's channels."""
    return list(
        session.exec(select(Channel).where(Channel.workspace_id == workspace_id).order_by(col(Channel.id))).all()
    )


def get_channel(*, session: Session, workspace_id: int, channel_id: int) -> Channel:
    """One channel of the workspace.

    Raises:
        ChannelNotFound: no such channel in this workspace.
    """
    channel = session.get(Channel, channel_id)
    if channel is None or channel.workspace_id != workspace_id:
        raise ChannelNotFound("chanpage.error.not_found", channel_id=channel_id)
    return channel


_UNSET: Any = object()


def update_channel(
    *,
    session: Session,
    channel: Channel,
    name: str | None = None,
    bot_id: int | None = _UNSET,
    config: dict[str, Any] | None = None,
    secrets: dict[str, Any] | None = None,
    is_active: bool | None = None,
    actor: Any = None,
) -> Channel:
    """Change a channel; audited as `channel.changed` with the names of what changed (never secret values).

    Args:
        session: The unit of work (the caller commits).
        channel: The channel, as `get_channel` returned it.
        name: A new name (None keeps it).
        bot_id: The bot that answers on it (None: the workspace's default bot); not given keeps it.
        config: Settings to merge: a value replaces, an empty string or None removes the key.
        secrets: Secrets to replace one by one: a value replaces, an empty string removes (required ones
            cannot be removed). Secrets not named keep their stored value.
        is_active: Enable or disable the channel (None keeps it).
        actor: Who changes it.

    Raises:
        ChannelError: the result would miss a required setting or secret, or a setting is malformed.
        ChannelNotFound: `bot_id` is not a bot of the workspace.
    """
    changed: list[str] = []
    merged_config = dict(channel.config)
    for key, value in (config or {}).items():
        if value in ("", None):
            merged_config.pop(key, None)
        else:
            merged_config[key] = value
    merged_secrets = dict(channel.secrets)
    for key, value in (secrets or {}).items():
        if value:
            merged_secrets[key] = value
        else:
            merged_secrets.pop(key, None)
    check_settings(channel.kind, merged_config, merged_secrets)
    if bot_id is not _UNSET and bot_id != channel.bot_id:
        _check_bot(session, channel.workspace_id, bot_id)
        channel.bot_id, changed = bot_id, [*changed, "bot_id"]
    if name is not None and name.strip() and name.strip() != channel.name:
        channel.name, changed = name.strip()[:120], [*changed, "name"]
    if is_active is not None and is_active != channel.is_active:
        channel.is_active, changed = is_active, [*changed, "is_active"]
    changed += [
        f"config.{k}"
        for k in sorted(set(merged_config) | set(channel.config))
        if merged_config.get(k) != channel.config.get(k)
    ]
    replaced = sorted(
        k for k in set(merged_secrets) | set(channel.secrets) if merged_secrets.get(k) != channel.secrets.get(k)
    )
    channel.config, channel.secrets = merged_config, merged_secrets
    if changed or replaced:
        session.add(channel)
        session.flush()
        audit.record(
            session,
            "channel.changed",
            workspace_id=channel.workspace_id,
            actor=actor,
            target=("channel", channel.id),
            details={"changed": changed, "secrets_replaced": replaced, "is_active": channel.is_active},
        )
    return channel


def delete_channel(*, session: Session, channel: Channel, actor: Any = None) -> None:
    """Delete a channel (its conversations stay); audited as `channel.deleted`."""
    audit.record(
        session,
        "channel.deleted",
        workspace_id=channel.workspace_id,
        actor=actor,
        target=("channel", channel.id),
        details={"kind": channel.kind.value, "name": channel.name},
    )
    session.delete(channel)
    session.flush()


def webhook_path(channel: Channel) -> str:
    """Where the provider posts this channel's messages (webchat and REST have none to paste anywhere)."""
    if channel.kind in (ChannelKind.WHATSAPP, ChannelKind.TELEGRAM):
        return f"/webhooks/{channel.kind.value}/{channel.key}"
    return ""


def script_tag(channel: Channel, base_url: str) -> str:
    """The webchat's `<script>` tag to paste into a site, with the channel's look (empty for other kinds)."""
    if channel.kind != ChannelKind.WEBCHAT:
        return ""
    attributes = [("src", f"{base_url.rstrip('/')}/webchat/widget.js"), ("data-key", channel.key)]
    attributes += [
        (f"data-{k}", str(channel.config[k]))
        for k in ("color", "title", "greeting", "position")
        if channel.config.get(k)
    ]
    shown = " ".join(f'{name}="{html.escape(value, quote=True)}"' for name, value in attributes)
    return f"<script {shown} async></script>"


def public_view(channel: Channel) -> dict[str, Any]:
    """A channel as APIs and pages may show it: secrets reduced to which ones are set."""
    return {
        "id": channel.id,
        "kind": channel.kind.value,
        "name": channel.name,
        "key": channel.key,
        "bot_id": channel.bot_id,
        "config": dict(channel.config),
        "is_active": channel.is_active,
        "secrets_set": sorted(k for k, v in channel.secrets.items() if v),
        "webhook_path": f"/webhooks/{channel.kind.value}/{channel.key}",
    }
