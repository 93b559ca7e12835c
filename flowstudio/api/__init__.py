"""HTTP routes mounted on the Reflex backend (`rx.App(api_transformer=...)`), under /api."""

from __future__ import annotations

import sys

from fastapi import FastAPI

from flowstudio import __version__
from flowstudio.api import channels, conformance, health, media, oidc, v1
from flowstudio.api.security import SecurityMiddleware

GIL_SWITCH_INTERVAL_S = 0.001
"""A web process runs its event loop and the channel turns' threads (`api.channels.common.take_turn`). With
CPython's default 5 ms switch interval, a thread whose PostgreSQL or Redis reply has arrived waits up to 5 ms
behind a turn busy in the NLU before it may run again; 1 ms cut the tail latency of paced webhook turns
(bench/turns.py) without costing throughput."""


def create_api() -> FastAPI:
    """The FastAPI app: REST API v1, with OpenAPI docs at /api/docs (and the web process's GIL switch interval)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    api = FastAPI(
        title="FlowStudio API",
        version=__version__,
        description="REST API of FlowStudio: bots, flow versions, channels, conversations, contacts, actions, "
        "secrets and health; channel webhooks.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    # Channel webhooks first: they are most of the traffic, and FastAPI tries routes in order (behind v1's
    # forty-odd, finding a webhook's route took a third of the HTTP layer's time: 145 -> 91 us of CPU per
    # request). No path of one router matches another's.
    api.include_router(channels.router)
    api.include_router(health.router, prefix="/api/v1")
    api.include_router(v1.router)
    api.include_router(media.router)
    api.include_router(oidc.router)
    conformance.install(api)  # 422 (not 500) for out-of-range numbers; the spec of refusals
    api.add_middleware(SecurityMiddleware)  # headers and same-origin checks on everything served, pages included
    return api
