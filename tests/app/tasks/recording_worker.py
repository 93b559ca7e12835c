"""A Celery app for a real worker process (`celery -A tests.app.tasks.recording_worker worker`), configured as
the app's own (`create_celery`) on the test Redis and a queue of the test's, with one task that records what
the worker saw of each run in a Redis list (`<queue>:runs`): arguments and the request's fields."""

from __future__ import annotations

import json
import os

import redis
from celery import Celery

from flowstudio.tasks.celery_app import create_celery

RECORD = "tests.recording_worker.record"


def recording_app(redis_url: str, queue: str) -> Celery:
    """The app of the current settings (`REDIS_URL` = `redis_url`), its queue set to `queue`, with the `record`
    task (the same in the test and in the worker)."""
    app = create_celery()
    app.conf.task_default_queue = queue
    app.conf.include = []  # the app's own tasks are not needed here (and importing them is slow)
    client = redis.Redis.from_url(redis_url)

    @app.task(name=RECORD, bind=True, ignore_result=True)
    def record(self, ids, later=None) -> None:
        request = self.request
        seen = {
            "args": request.args,
            "kwargs": request.kwargs,
            "eta": request.eta,
            "parent_id": request.parent_id,
            "root_id_is_id": request.root_id == request.id,
            "retries": request.retries,
            "reply_to": request.reply_to,
            "delivery_info": {k: request.delivery_info.get(k) for k in ("exchange", "routing_key", "priority")},
            "ignore_result": request.ignore_result,
            "fields": sorted(vars(request)),
            "headers": sorted((request.headers or {}).keys()),
        }
        client.rpush(f"{queue}:runs", json.dumps(seen, default=str))

    return app


if "RECORDING_WORKER_QUEUE" in os.environ:  # imported by the worker process
    app = recording_app(os.environ["REDIS_URL"], os.environ["RECORDING_WORKER_QUEUE"])
