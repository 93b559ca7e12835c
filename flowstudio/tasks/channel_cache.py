"""The channels outbound tasks send through, as their adapters see them (`ChannelInfo`: config and opened
secrets), read once per CHANNEL_CACHE_S per process instead of once per message: every delivery needs its
channel, loading one opens its sealed secrets (AES-GCM and the keyring), and channels rarely change.

Changes made in this process apply at once (the ORM events below); other processes (the web app, where they
are edited) see them within CHANNEL_CACHE_S seconds, as the webhook routes' own cache does
(`flowstudio.api.channels.common`). Entries are per database, so tests with a fresh database each (ids start
again at 1) never read another's channel.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa

from flowstudio.channels.base import ChannelInfo
from flowstudio.db import session_scope
from flowstudio.models import Channel
from flowstudio.settings import get_settings

CHANNEL_CACHE_S = 5.0


@dataclass(frozen=True)
class KnownChannel:
    """A channel as read: what its adapter needs, and whether it is active."""

    info: ChannelInfo
    active: bool


_channels: dict[tuple[str, int], tuple[float, KnownChannel | None]] = {}


@sa.event.listens_for(Channel, "after_insert")
@sa.event.listens_for(Channel, "after_update")
@sa.event.listens_for(Channel, "after_delete")
def _forget_channels(*_args) -> None:
    _channels.clear()


def known_channel(channel_id: int) -> KnownChannel | None:
    """The channel `channel_id` (None: there is no such channel), from this process's cache when fresh (else
    read in a session of its own)."""
    key = (get_settings().database_url, channel_id)
    cached = _channels.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    with session_scope() as session:
        channel = session.get(Channel, channel_id)
        known = (
            KnownChannel(
                ChannelInfo(channel_id, channel.kind, dict(channel.config), dict(channel.secrets)), channel.is_active
            )
            if channel is not None
            else None
        )
    _channels[key] = (now + CHANNEL_CACHE_S, known)
    return known
