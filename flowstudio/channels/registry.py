"""Every channel kind's adapter, by kind: a new channel is its module and one line here."""

from __future__ import annotations

from flowstudio.channels import rest, telegram, webchat, whatsapp
from flowstudio.channels.base import ChannelAdapter

ADAPTERS: dict[str, ChannelAdapter] = {
    adapter.kind: adapter for adapter in (whatsapp.ADAPTER, telegram.ADAPTER, webchat.ADAPTER, rest.ADAPTER)
}


def adapter_for(kind: str) -> ChannelAdapter | None:
    """The adapter of a channel kind, or None for a kind nobody registered."""
    return ADAPTERS.get(str(kind))
