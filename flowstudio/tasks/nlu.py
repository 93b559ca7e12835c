"""NLU training, off the request path: a published version's classifier is trained once and saved."""

from __future__ import annotations

import logging

from celery import shared_task

from flowstudio.db import session_scope
from flowstudio.services.studio import drafts, nlu


@shared_task(name="flowstudio.nlu.train_version", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def train_published_version(bot_id: int, number: int) -> str | None:
    """Train and store the model of version `number` of bot `bot_id`; returns the model's path."""
    with session_scope() as session:
        document = drafts.version_document(session=session, bot_id=bot_id, number=number)
    if document is None:
        return None
    path = nlu.train_version(bot_id=bot_id, number=number, document=document)
    return str(path) if path else None


def schedule_training(bot_id: int, number: int) -> None:
    """Queue a published version's NLU training; a broker outage must not undo the publication."""
    try:
        train_published_version.delay(bot_id, number)
    except Exception:
        logging.getLogger("flowstudio.nlu").warning("nlu.train.not_queued", exc_info=True)
