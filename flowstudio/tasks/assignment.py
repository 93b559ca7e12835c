"""Human queues over time: waiting conversations go to agents as they free up, places in line are
updated, and waits longer than a queue's maximum are recorded as SLA breaches."""

from __future__ import annotations

import logging

from celery import shared_task

from flowstudio.services.assignment.sweep import sweep

log = logging.getLogger("flowstudio.assignment")


@shared_task(name="flowstudio.assignment.sweep")
def sweep_queues() -> dict[str, int]:
    """Assign waiting conversations, update places in line, record SLA breaches (every 15 s)."""
    result = sweep()
    if result.assigned or result.sla_breaches:
        log.info("assignment.sweep", extra={"assigned": result.assigned, "sla_breaches": result.sla_breaches})
    return {"assigned": result.assigned, "positions_sent": result.positions_sent, "sla_breaches": result.sla_breaches}
