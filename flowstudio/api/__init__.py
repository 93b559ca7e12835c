"""HTTP routes mounted on the Reflex backend (`rx.App(api_transformer=...)`), under /api."""

from __future__ import annotations

from fastapi import FastAPI

from flowstudio import __version__
from flowstudio.api import channels, conformance, errors, health, media, oidc, v1
from flowstudio.api.security import SecurityMiddleware


def create_api() -> FastAPI:
    """The FastAPI app: REST API v1, with OpenAPI docs at /api/docs. (The process's tuning is applied when the
    app starts: `flowstudio.tuning.on_app_start`.)"""
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
    errors.install(api)  # NotFound 404, Conflict 409, Forbidden 403, Invalid 422: one JSON body
    conformance.install(api)  # 422 (not 500) for out-of-range numbers; the spec of refusals
    api.add_middleware(SecurityMiddleware)  # headers and same-origin checks on everything served, pages included
    return api
