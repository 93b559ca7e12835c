"""`GET /api/v1/health`: what a load balancer and an operator need to know."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from flowstudio.services.system import health as health_service

router = APIRouter(tags=["system"])


class ComponentStatus(BaseModel):
    """One dependency."""

    ok: bool
    kind: str
    detail: str = ""


class HealthStatus(BaseModel):
    """FlowStudio's health; HTTP 503 when any component is down."""

    status: str
    version: str
    database: ComponentStatus
    broker: ComponentStatus


@router.get(
    "/health",
    response_model=HealthStatus,
    responses={503: {"model": HealthStatus, "description": "A component is down"}},
)
async def get_health() -> JSONResponse:
    """Database (reachable and migrated), task broker and version."""
    result = await run_in_threadpool(health_service.check)
    body = HealthStatus(
        status="ok" if result.ok else "degraded",
        version=result.version,
        database=ComponentStatus(**asdict(result.database)),
        broker=ComponentStatus(**asdict(result.broker)),
    )
    return JSONResponse(body.model_dump(), status_code=200 if result.ok else 503)
