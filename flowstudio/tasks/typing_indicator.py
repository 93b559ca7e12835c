"""The agent's typing indicator on the providers' channels (see `flowstudio.services.conversations.typing_indicator`)."""

from __future__ import annotations

import logging

from celery import shared_task

from flowstudio.channels.base import Contact, DeliveryError
from flowstudio.channels.registry import adapter_for
from flowstudio.tasks.channel_cache import known_channel

log = logging.getLogger("flowstudio.typing")


@shared_task(name="flowstudio.typing.signal", ignore_result=True)
def signal_typing(channel_id: int, recipient: str, reference: str = "", conversation_id: int | None = None) -> str:
    """Show "typing…" to `recipient` on the channel (Telegram chat action, WhatsApp indicator on the inbound
    message `reference`, REST `agent.typing` event). Once, no retries: a late indicator is worse than none.
    Failures are logged, never shown to the agent."""
    channel = known_channel(channel_id)
    adapter = adapter_for(channel.info.kind) if channel is not None and channel.active else None
    if channel is None or adapter is None or not adapter.capabilities.push or not adapter.capabilities.typing:
        return "skipped"
    info = channel.info
    try:
        adapter.send_typing(info, Contact(recipient, reference, conversation_id))
    except DeliveryError as error:
        log.warning("typing.failed", extra={"channel_id": channel_id, "kind": info.kind, "reason": str(error)})
        return "failed"
    return "sent"
