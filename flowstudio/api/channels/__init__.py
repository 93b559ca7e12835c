"""Channel adapters: each translates its provider's wire format to the runtime's plain events and outputs.

Inbound webhooks live under /webhooks/<kind>/<channel key> (REST channels take theirs through /api/v1);
outbound sending is done by the delivery task, through the channel kind's sender in SENDERS.
"""

from __future__ import annotations

from fastapi import APIRouter

from flowstudio.api.channels import rest, telegram, webchat, whatsapp

router = APIRouter()
router.include_router(whatsapp.router)
router.include_router(telegram.router)
router.include_router(webchat.router)

SENDERS = {"whatsapp": whatsapp.send, "telegram": telegram.send, "rest": rest.send}
TYPING_SENDERS = {"whatsapp": whatsapp.send_typing, "telegram": telegram.send_typing, "rest": rest.send_typing}
"""The agent's typing indicator per channel kind (webchat's widget reads it: `services.typing`)."""
