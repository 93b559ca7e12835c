"""Channel routes: provider webhooks under /webhooks/<kind>/<channel key> and the webchat widget's endpoints
(REST channels take their messages through /api/v1). The routes only call the channel adapters
(`flowstudio.channels`); delivery and the typing indicator reach them through the same registry.
"""

from __future__ import annotations

from fastapi import APIRouter

from flowstudio.api.channels import providers, webchat

router = APIRouter()
router.include_router(providers.router)
router.include_router(webchat.router)
