"""Timers: the flows' inactivity events, fired for contacts who went silent."""

from __future__ import annotations

import logging

from celery import shared_task

from flowstudio.db import session_scope
from flowstudio.services.conversations.flow_silence import fire_inactivity, inactivity_due
from flowstudio.tasks.delivery import enqueue_deliveries

log = logging.getLogger("flowstudio.timers")


@shared_task(name="flowstudio.timers.inactivity")
def fire_inactivity_events() -> int:
    """Run every due inactivity event (each once per silence and threshold); returns how many fired."""
    with session_scope() as session:
        due = inactivity_due(session=session)
    for conversation_id, minutes in due:
        try:
            enqueue_deliveries(fire_inactivity(conversation_id=conversation_id, minutes=minutes).deliveries)
        except Exception:
            log.exception("flow.inactivity.failed", extra={"conversation_id": conversation_id})
    return len(due)
