"""Publishing a task as one Redis command, when the broker is Redis and nothing asks for Celery's extras.

Every webhook turn publishes one delivery task. `Task.apply_async` took ~0.3 ms of CPU around its single
LPUSH (merging options, routing, kombu's producer and retry wrappers, a new Redis client per publish): more
than writing the turn's rows. On a plain Redis broker `publish` builds the same message — headers and body
from Celery's own builder (`app.amqp.create_task_message` of the task's app, as apply_async does), in the
envelope kombu's Redis transport reads — and pushes it onto the queue with one long-lived client. A worker
cannot tell the two apart (`tests/app/tasks/test_publish.py` compares them field by field and runs tasks published
this way through a real worker).

Everything else goes through `apply_async`: another broker, a task published from inside a task (Celery
links it to its parent), routes, queues, priorities or compression configured, a non-JSON serializer, sent
events, or anyone listening to Celery's publish signals; and everything when `FLOWSTUDIO_FAST_PATH=0`
(`Settings.fast_path`), the plain path, kept and tested beside this one.

This module is the only place relying on what the libraries do not promise: the envelope kombu's Redis
transport stores (its `transport/redis.py` `Channel._put`, `transport/virtual/base.py` `Message`), and
Celery's `app.amqp.create_task_message` and `app.thread_oid`. Celery and kombu are pinned exactly in
pyproject.toml for them; an upgrade runs `tests/app/tasks/test_publish.py` (a real worker process consumes
tasks published both ways) first.
"""

from __future__ import annotations

import base64
from typing import Any

from celery import Celery, Task
from celery.signals import after_task_publish, before_task_publish
from celery.utils import uuid
from kombu.serialization import dumps as serialize
from kombu.utils.json import dumps as envelope_json

from flowstudio.services.conversations.locks import redis_client
from flowstudio.settings import get_settings

PERSISTENT = 2  # kombu's delivery mode of Celery's tasks


def _plain_redis_queue(app: Celery) -> tuple[Any, str] | None:
    """(Redis client, queue name) when `app`'s tasks can go out as one LPUSH with Celery's defaults; else None."""
    conf = app.conf
    url = conf.broker_url or ""
    if not url.startswith("redis://") or (conf.broker_transport_options or {}).get("global_keyprefix"):
        return None
    if (
        conf.task_routes
        or conf.task_queues
        or conf.task_compression
        or conf.task_send_sent_event
        or conf.task_serializer != "json"
        or conf.task_protocol != 2
        or conf.task_default_priority
        or conf.task_default_exchange_type != "direct"
        or conf.task_default_delivery_mode not in (PERSISTENT, "persistent")
    ):
        return None
    if before_task_publish.receivers or after_task_publish.receivers or app.current_worker_task:
        return None
    return redis_client(url), conf.task_default_queue


def message(task: Task, args: list, kwargs: dict[str, Any] | None, countdown: float | None, queue: str) -> bytes:
    """The task's message as kombu's Redis transport stores it."""
    task_id, app = uuid(), task.app
    built = app.amqp.create_task_message(
        task_id,
        task.name,
        args,
        kwargs or {},
        countdown=countdown,
        reply_to=app.thread_oid,
        ignore_result=task.ignore_result,
    )
    content_type, encoding, body = serialize(built.body, serializer="json")  # (args, kwargs, embed), as kombu does
    return envelope_json(
        {
            "body": base64.b64encode(body.encode() if isinstance(body, str) else body).decode(),
            "content-encoding": encoding,
            "content-type": content_type,
            "headers": built.headers,
            "properties": {
                **built.properties,
                "delivery_mode": PERSISTENT,
                "delivery_info": {"exchange": "", "routing_key": queue},
                "priority": 0,
                "body_encoding": "base64",
                "delivery_tag": uuid(),
            },
        }
    ).encode()


def publish(
    task: Task,
    args: list,
    kwargs: dict[str, Any] | None = None,
    *,
    countdown: float | None = None,
    pipeline: tuple[Any, str | None] | None = None,
) -> None:
    """Queue `task(*args, **kwargs)` to run after `countdown` seconds, as `task.apply_async` would (and does,
    unless the one-LPUSH path applies).

    Args:
        pipeline: (a redis-py pipeline, its server's URL) that the caller executes next: when it is the
            broker's, the message joins it instead of taking a round trip of its own.

    Raises:
        redis.RedisError, kombu's errors: the broker is unreachable (as apply_async raises).
    """
    fast = isinstance(task, Task) and get_settings().fast_path  # (a stand-in task: its apply_async)
    target = _plain_redis_queue(task.app) if fast else None
    if target is None:
        task.apply_async(args=args, kwargs=kwargs, countdown=countdown)
        return
    client, queue = target
    if pipeline is not None and pipeline[0] is not None and pipeline[1] == task.app.conf.broker_url:
        client = pipeline[0]
    client.lpush(queue, message(task, args, kwargs, countdown, queue))
