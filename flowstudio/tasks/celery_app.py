"""The Celery application. Broker: Redis when `REDIS_URL` is set, else Kombu's SQLAlchemy transport on SQLite."""

from __future__ import annotations

from typing import Any

from celery import Celery, bootsteps
from celery.beat import EmbeddedService
from celery.schedules import crontab
from click import Option

from flowstudio.settings import get_settings


def redelivery_options(seconds: int) -> dict[str, int]:
    """Redis transport options that hand a task held by a dead worker to another within about `seconds`.

    Tasks are acknowledged after they ran (`task_acks_late`; `task_reject_on_worker_lost` for a pool child
    that dies), so a task taken by a worker stays in the broker's unacked set until then. Kombu's Redis
    transport puts it back on its queue once it is older than `visibility_timeout` (Redis's default is an
    hour), but only when a consumer runs `restore_visible`: every worker does it as it starts and then every
    `unacked_restore_interval` seconds (scanning on every run: throttle 1; kombu's defaults, 10 s x 10, made
    it up to 100 s), taking `unacked_mutex` meanwhile. A worker killed while holding that mutex stopped every
    restore for its default 300 s: it now expires after the window. Restores take every visible task at once
    (`unacked_restore_limit` unset), and each worker reserves one task per thread (`worker_prefetch_multiplier`
    1) plus the countdowns it holds, so a dead worker strands only those. Countdowns longer than the window
    are handed out again each window while they wait: deliveries and webhooks are idempotent, so the copies
    find their work done.
    """
    return {
        "visibility_timeout": seconds,
        "unacked_restore_interval": max(1, min(10, seconds // 3)),
        "unacked_restore_throttle": 1,
        "unacked_mutex_expire": max(5, seconds),
    }


BEAT_STOP_WAIT_S = 10.0
"""How long a stopping worker waits for its beat thread (it wakes at least once a second; a daemon thread)."""


class BeatThread(bootsteps.StartStopStep):
    """The beat scheduler as a thread of the worker (`celery worker --beat-thread`), Celery's own threaded
    embedded beat (`celery.beat.EmbeddedService(thread=True)`).

    `--beat` forks a process for it from the worker once the app is loaded: a second copy of the app's modules
    that only ever sends a few scheduled tasks a minute (64 MiB of PSS, 100 MiB of RSS, `bench/memory.py`). As
    a thread it shares the worker's; it wakes up at least once a second (Celery's rule for a threaded beat, so
    that it stops quickly) and is stopped and joined with the worker. Like `--beat`: exactly one per deployment.
    """

    label = "BeatThread"
    conditional = True

    def __init__(self, parent: Any, beat_thread: bool = False, **kwargs: Any) -> None:
        self.enabled = bool(beat_thread)
        super().__init__(parent, **kwargs)

    def create(self, parent: Any) -> Any:
        """The scheduler's thread, with the worker's schedule file and scheduler class (as `--beat` uses)."""
        return EmbeddedService(
            parent.app, thread=True, schedule_filename=parent.schedule_filename, scheduler_cls=parent.scheduler
        )

    def stop(self, parent: Any) -> None:
        """Ask the scheduler to stop, and wait for its thread to end (its schedule saved) for up to
        `BEAT_STOP_WAIT_S`. Not the thread's own `stop()`: it waits for a flag that is set only once the schedule
        was saved, so a failed save (its folder removed) held the worker's shutdown for good."""
        if self.obj is not None:
            self.obj.service.stop()
            self.obj.join(BEAT_STOP_WAIT_S)

    terminate = stop


def create_celery() -> Celery:
    """A Celery app configured from the current settings."""
    settings = get_settings()
    if not settings.redis_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = Celery("flowstudio", broker=settings.broker_url, backend=settings.result_backend_url)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        result_expires=3600,
        timezone="UTC",
        enable_utc=True,
        include=[
            "flowstudio.tasks.system",
            "flowstudio.tasks.nlu",
            "flowstudio.tasks.delivery",
            "flowstudio.tasks.timers",
            "flowstudio.tasks.assignment",
            "flowstudio.tasks.typing_indicator",
            "flowstudio.tasks.retention",
            "flowstudio.tasks.webhooks",
            "flowstudio.tasks.inactivity",
        ],
        beat_schedule={
            "requeue-stuck-deliveries": {"task": "flowstudio.delivery.requeue_stuck", "schedule": 60.0},
            "inactivity-events": {"task": "flowstudio.timers.inactivity", "schedule": 30.0},
            "queue-assignment": {"task": "flowstudio.assignment.sweep", "schedule": 15.0},
            "retention-daily": {"task": "flowstudio.retention.run_all", "schedule": crontab(hour=3, minute=17)},
            "requeue-due-webhooks": {"task": "flowstudio.webhooks.requeue_due", "schedule": 60.0},
            "inactivity-markers": {"task": "flowstudio.inactivity.sweep", "schedule": 60.0},
        },
    )
    if settings.redis_url:
        app.conf.broker_transport_options = redelivery_options(settings.task_redelivery_seconds)
    app.user_options["worker"].add(
        Option(["--beat-thread"], is_flag=True, default=False, help="Run the beat scheduler as a thread of the worker.")
    )
    app.steps["worker"].add(BeatThread)
    return app


celery_app = create_celery()
# Every thread's default, not only the importing thread's: shared tasks queued from worker threads (web
# requests run turns in a thread pool, Reflex handlers in theirs) otherwise fall back to Celery's default
# app and its default broker (amqp://localhost), where nobody listens.
celery_app.set_default()
