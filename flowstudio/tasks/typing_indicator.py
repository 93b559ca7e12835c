"""The agent's typing indicator on the providers' channels (see `flowstudio.services.conversations.typing_indicator`)."""

from __future__ import annotations

import logging

from celery import shared_task

from flowstudio.db import session_scope
from flowstudio.models import Channel

log = logging.getLogger("flowstudio.typing")


@shared_task(name="flowstudio.typing.signal", ignore_result=True)
def signal_typing(channel_id: int, recipient: str, reference: str = "", conversation_id: int | None = None) -> str:
    """Show "typing…" to `recipient` on the channel (Telegram chat action, WhatsApp indicator on the inbound
    message `reference`, REST `agent.typing` event). Once, no retries: a late indicator is worse than none.
    Failures are logged, never shown to the agent."""
    from flowstudio.api.channels import TYPING_SENDERS
    from flowstudio.api.channels.common import DeliveryError

    with session_scope() as session:
        channel = session.get(Channel, channel_id)
        if channel is None or not channel.is_active or channel.kind not in TYPING_SENDERS:
            return "skipped"
        kind, config, secrets = channel.kind, dict(channel.config), dict(channel.secrets)
    try:
        TYPING_SENDERS[kind](
            config=config, secrets=secrets, recipient=recipient, reference=reference, conversation_id=conversation_id
        )
    except DeliveryError as error:
        log.warning("typing.failed", extra={"channel_id": channel_id, "kind": kind, "reason": str(error)})
        return "failed"
    return "sent"
