"""Housekeeping tasks."""

from __future__ import annotations

from datetime import UTC, datetime

from celery import shared_task

from flowstudio import __version__


@shared_task(name="flowstudio.system.ping")
def ping() -> dict[str, str]:
    """Answer from a worker: proves the broker, the worker and the result store all work."""
    return {"pong": datetime.now(UTC).isoformat(), "version": __version__}
