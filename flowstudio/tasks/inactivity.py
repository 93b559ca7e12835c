"""Inactivity markers over time: conversations whose customer went silent are marked inactive, then closed
(per each workspace's general settings; see `flowstudio.services.conversations.inactivity`)."""

from __future__ import annotations

from celery import shared_task

from flowstudio.services.conversations import inactivity


@shared_task(name="flowstudio.inactivity.sweep")
def sweep_inactive() -> dict[str, int]:
    """Mark inactive and close abandoned conversations in every workspace with a marker (every 60 s)."""
    result = inactivity.sweep()
    return {"workspaces": result.workspaces, "marked": result.marked, "closed": result.closed}
