"""Background work on Celery. `celery -A flowstudio.tasks worker` runs it; see `flowstudio worker`."""

from flowstudio.tasks.celery_app import celery_app

__all__ = ["celery_app"]
