"""Retention (LGPD/GDPR) and encryption at rest over time: the daily erasure of what each workspace's policy
says is due, a pass run on demand, and re-encryption after a key rotation or turning encryption on."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from flowstudio.services.privacy import access as privacy
from flowstudio.services.privacy import audit, retention

log = logging.getLogger("flowstudio.retention")


@shared_task(name="flowstudio.retention.run_all")
def erase_due_everywhere() -> list[dict[str, Any]]:
    """Every workspace with a retention limit: erase what is due (daily, from beat)."""
    return [{"workspace_id": run.workspace_id, **run.counts} for run in retention.run_all(trigger="schedule")]


@shared_task(name="flowstudio.retention.run")
def erase_due(workspace_id: int, trigger: str = "manual", user_id: int | None = None) -> dict[str, Any]:
    """One workspace, now (the settings page's button)."""
    actor = audit.Actor(user_id=user_id) if user_id else None
    run = retention.run(workspace_id=workspace_id, trigger=trigger, actor=actor)
    return {"workspace_id": workspace_id, "run_id": run.id, **run.counts}


@shared_task(name="flowstudio.privacy.reencrypt")
def reencrypt(workspace_id: int | None = None) -> dict[str, int]:
    """Seal what a workspace's policy now asks to seal, and re-seal values of old keys."""
    done = privacy.reencrypt(workspace_id=workspace_id)
    if done.failed:
        log.error("reencrypt.failed", extra={"count": len(done.failed), "first": done.failed[:5]})
    return done.counts()
