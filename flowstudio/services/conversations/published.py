"""A bot's published flow, compiled once per version and cached per process (every turn asks for it)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flow_runtime.graph import CompiledFlow
from flow_runtime.validate import validate_flow
from flowstudio.models import FlowVersion, FlowVersionStatus

_CACHE_SIZE = 32
_flows: OrderedDict[int, PublishedFlow] = OrderedDict()
_lock = threading.Lock()
PUBLISHED_CHECK_S = 2.0
"""How long a process trusts its answer to "which version of bot X is published" (every turn asks). A
version published or unpublished in this process applies at once; other processes see it within this."""
_published: dict[int, tuple[float, tuple[int, int] | None]] = {}  # bot id -> (until, (version id, number))


@sa.event.listens_for(FlowVersion, "after_insert")
@sa.event.listens_for(FlowVersion, "after_update")
@sa.event.listens_for(FlowVersion, "after_delete")
def _forget_published(*_args) -> None:
    _published.clear()


@dataclass(frozen=True)
class PublishedFlow:
    """A bot's newest published version, compiled."""

    version_id: int
    number: int
    flow: CompiledFlow
    document: dict[str, Any]


def published_flow(*, session: Session, bot_id: int) -> PublishedFlow | None:
    """The newest published version of the bot (compiled once per version and cached).

    Published versions never change, so only their id and number are read, at most every
    `PUBLISHED_CHECK_S` seconds per bot; the document is read and compiled once per version.
    """
    checked = _published.get(bot_id)
    if checked is not None and checked[0] > time.monotonic():
        row = checked[1]
    else:
        row = session.exec(
            select(FlowVersion.id, FlowVersion.number)
            .where(FlowVersion.bot_id == bot_id, FlowVersion.status == FlowVersionStatus.PUBLISHED)
            .order_by(FlowVersion.number.desc())
            .limit(1)
        ).first()
        row = tuple(row) if row is not None else None
        _published[bot_id] = (time.monotonic() + PUBLISHED_CHECK_S, row)
    if row is None:
        return None
    version_id, number = row
    with _lock:
        cached = _flows.get(version_id)
        if cached is not None:
            _flows.move_to_end(version_id)
            return cached
    document = session.exec(select(FlowVersion.document).where(FlowVersion.id == version_id)).one()
    flow, _ = validate_flow(document)
    if flow is None:
        return None
    published = PublishedFlow(version_id, number, flow, document)
    with _lock:
        _flows[version_id] = published
        while len(_flows) > _CACHE_SIZE:
            _flows.popitem(last=False)
    return published
