"""REST API v1: bots, flow versions, channels, conversations and contacts, with bearer tokens."""

from __future__ import annotations

from fastapi import APIRouter

from flowstudio.api.v1 import bots, channels, conversations, developers

router = APIRouter(prefix="/api/v1")
router.include_router(bots.router)
router.include_router(channels.router)
router.include_router(conversations.router)
router.include_router(developers.router)
