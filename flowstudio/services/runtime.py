"""The engine as the channels use it: the published flow of a bot, compiled once, and production ports."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from flow_runtime.graph import CompiledFlow
from flow_runtime.ports import Ports
from flow_runtime.validate import validate_flow
from flowstudio.models import FlowVersion, FlowVersionStatus
from flowstudio.services import nlu

_CACHE_SIZE = 32
_flows: OrderedDict[int, CompiledFlow] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class PublishedFlow:
    """A bot's newest published version, compiled."""

    version_id: int
    number: int
    flow: CompiledFlow
    document: dict[str, Any]


def published_flow(*, session: Session, bot_id: int) -> PublishedFlow | None:
    """The newest published version of the bot (compiled once per version and cached)."""
    version = session.exec(
        select(FlowVersion).where(FlowVersion.bot_id == bot_id, FlowVersion.status == FlowVersionStatus.PUBLISHED)
        .order_by(FlowVersion.number.desc())
    ).first()
    if version is None:
        return None
    with _lock:
        flow = _flows.get(version.id)
        if flow is not None:
            _flows.move_to_end(version.id)
    if flow is None:
        flow, _ = validate_flow(version.document)
        if flow is None:
            return None
        with _lock:
            _flows[version.id] = flow
            while len(_flows) > _CACHE_SIZE:
                _flows.popitem(last=False)
    return PublishedFlow(version.id, version.number, flow, version.document)


def production_ports(published: PublishedFlow, *, bot_id: int) -> Ports:
    """Real side effects: sandboxed code, HTTP, the version's trained NLU model (or one trained now)."""
    from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
    from flow_runtime.adapters.http_urllib import UrllibHttpClient

    return Ports(code=SubprocessCodeRunner(), http=UrllibHttpClient(),
                 matcher=nlu.matcher_for_version(bot_id=bot_id, number=published.number,
                                                 document=published.document))
