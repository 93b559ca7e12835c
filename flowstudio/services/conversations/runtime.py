"""The engine as the channels use it: the published flow of a bot, compiled once, and production ports."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flow_runtime.graph import CompiledFlow
from flow_runtime.ports import ActionCatalog, EmailSender, NetworkPolicy, Ports, Secrets
from flow_runtime.validate import validate_flow
from flowstudio.models import FlowVersion, FlowVersionStatus
from flowstudio.services.conversations.mail_port import MailPort
from flowstudio.services.studio import nlu

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


def production_ports(
    published: PublishedFlow,
    *,
    bot_id: int,
    secrets: Secrets | None = None,
    actions: ActionCatalog | None = None,
    email: EmailSender | None = None,
) -> Ports:
    """Real side effects: sandboxed code, HTTP, e-mail, the version's trained NLU model (or one trained now).

    The search port stays unset (the *Search* block takes its error exit and is not offered in the palette
    until it is rebuilt on the knowledge base).

    Args:
        published: The flow being run.
        bot_id: Its bot.
        secrets: The workspace's secrets (``{{secret.NAME}}`` in HTTP headers/URLs); by default the bot's
            workspace's (`flowstudio.services.integrations.secrets`, read when a node asks).
        actions: The workspace's reusable actions (``action`` nodes); by default the bot's workspace's
            (`flowstudio.services.studio.code_actions`, cached per workspace).
        email: Where ``send_email`` nodes send; by default the configured SMTP server or, without one, the
            development outbox (`flowstudio.services.conversations.mail_port.MailPort`).
    """
    from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
    from flow_runtime.adapters.http_urllib import UrllibHttpClient
    from flowstudio.services.integrations.secrets import WorkspaceSecrets
    from flowstudio.services.studio.code_actions import WorkspaceActions

    extensions = {
        "secrets": secrets or WorkspaceSecrets(bot_id=bot_id),
        "actions": actions or WorkspaceActions(bot_id=bot_id),
    }
    return Ports(
        code=SubprocessCodeRunner(),
        http=UrllibHttpClient(),
        network=network_policy(),
        email=email or MailPort(bot_id=bot_id),
        matcher=nlu.matcher_for_version(bot_id=bot_id, number=published.number, document=published.document),
        **extensions,
    )


def network_policy() -> NetworkPolicy:
    """Code actions' runner-wide HTTP rules from the environment.

    ``FLOWSTUDIO_CODE_ALLOWED_HOSTS`` (comma-separated hosts every code action may call) and
    ``FLOWSTUDIO_CODE_ALLOW_PRIVATE`` (``1`` lets code call private/loopback addresses).
    """
    hosts = tuple(h.strip() for h in os.environ.get("FLOWSTUDIO_CODE_ALLOWED_HOSTS", "").split(",") if h.strip())
    private = os.environ.get("FLOWSTUDIO_CODE_ALLOW_PRIVATE", "").strip().lower() in ("1", "true", "yes")
    return NetworkPolicy(allowed_hosts=hosts, allow_private=private)
