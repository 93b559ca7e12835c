"""The services' way out to the task queue: work is queued by task name, `flowstudio.tasks` is never imported.

Tasks call services, so services sit below `flowstudio.tasks` and reach it only through this port:

- `enqueue_deliveries` hands a turn's outbound messages to the delivery transport that
  `flowstudio.tasks.delivery` provides (`provide`) when it is imported, as every web and worker process does
  (its one-command Redis publish, `flowstudio.tasks.publish`). With none provided it sends the delivery task
  by name through Celery's plain path: the same message, more CPU.
- `enqueue_webhooks` does the same for webhook deliveries (`flowstudio.tasks.webhooks` provides `enqueue`).
- `queue_task` queues any other task by name (the typing indicator), through the task object when this
  process registered it, else `send_task`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from celery import current_app

DELIVER = "flowstudio.delivery.deliver"
TYPING = "flowstudio.typing.signal"
WEBHOOK = "flowstudio.webhooks.deliver"

Deliveries = list[tuple[int, float]]
Pipeline = tuple[Any, str | None]
Later = list[list]
"""A turn's messages after a wait: ``[[ids, epoch seconds due], ...]`` in the order they go out."""

_transports: dict[str, Callable[..., None]] = {}


def provide(name: str, transport: Callable[..., None]) -> None:
    """Install the transport of a task (`DELIVER`: ``transport(deliveries, *, pipeline)``, done by
    `flowstudio.tasks.delivery`; `WEBHOOK`: ``transport(delivery ids)``, by `flowstudio.tasks.webhooks`)."""
    _transports[name] = transport


def plan(deliveries: Deliveries, now: float | None = None) -> tuple[int | list[int], float, Later] | None:
    """A turn's deliveries as one task: (the first run of messages with the same countdown, its countdown, the
    later runs with the epoch second each is due); a single id keeps the plain form. None when empty."""
    batches: list[tuple[list[int], float]] = []
    for message_id, countdown in deliveries:
        if batches and batches[-1][1] == countdown:
            batches[-1][0].append(message_id)
        else:
            batches.append(([message_id], countdown))
    if not batches:
        return None
    now = time.time() if now is None else now
    plain = [(ids[0] if len(ids) == 1 else ids, countdown) for ids, countdown in batches]
    return plain[0][0], plain[0][1], [[ids, now + countdown] for ids, countdown in plain[1:]]


def enqueue_deliveries(deliveries: Deliveries, *, pipeline: Pipeline | None = None) -> None:
    """Queue the delivery of outbound messages after their countdowns (see `plan`).

    Args:
        pipeline: (a redis-py pipeline, its server's URL) the caller executes next (see `tasks.publish`).
    """
    transport = _transports.get(DELIVER)
    if transport is not None:
        transport(deliveries, pipeline=pipeline)
        return
    planned = plan(deliveries)
    if planned is not None:
        first, countdown, later = planned
        queue_task(DELIVER, [first], {"later": later} if later else None, countdown=countdown or None)


def enqueue_webhooks(delivery_ids: list[int]) -> None:
    """Queue the webhook deliveries' tasks (through `flowstudio.tasks.webhooks` when it is loaded)."""
    transport = _transports.get(WEBHOOK)
    if transport is not None:
        transport(delivery_ids)
        return
    for delivery_id in delivery_ids:
        queue_task(WEBHOOK, [delivery_id])


def queue_task(name: str, args: list, kwargs: dict[str, Any] | None = None, **options: Any) -> None:
    """Queue the task called `name` with Celery's options (countdown, expires...)."""
    if kwargs:
        options["kwargs"] = kwargs
    task = current_app.tasks.get(name)
    if task is not None:
        task.apply_async(args=args, **options)
    else:
        current_app.send_task(name, args=args, **options)
