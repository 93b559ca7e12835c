"""Bots and their flow versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flow_runtime.problems import Problem
from flow_runtime.validate import validate_flow
from flowstudio.models import Bot, FlowVersion, FlowVersionStatus, utcnow


class PublishBlocked(ValueError):
    """The draft has errors that would break conversations; nothing was published."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        summary = "; ".join(f"{p.node_id or 'flow'}: {p.message}" for p in problems[:5])
        super().__init__(f"the draft has {len(problems)} error(s): {summary}")


@dataclass(frozen=True)
class BotSummary:
    """What the bots list shows of one bot."""

    id: int
    name: str
    description: str
    language: str
    knowledge_areas: list[str] = field(default_factory=list)
    is_default: bool = False
    published_number: int | None = None
    node_count: int = 0


def list_bots(*, session: Session, workspace_id: int) -> list[BotSummary]:
    """The workspace's bots, default first then by name, with their latest published version number."""
    published = (
        select(FlowVersion.bot_id, sa.func.max(FlowVersion.number).label("number"))
        .where(FlowVersion.status == FlowVersionStatus.PUBLISHED)
        .group_by(FlowVersion.bot_id)
        .subquery()
    )
    rows = session.exec(
        select(Bot, published.c.number, FlowVersion.document)
        .outerjoin(published, published.c.bot_id == Bot.id)
        .outerjoin(FlowVersion, (FlowVersion.bot_id == Bot.id) & (FlowVersion.status == FlowVersionStatus.DRAFT))
        .where(Bot.workspace_id == workspace_id)
        .order_by(Bot.is_default.desc(), Bot.name)
    ).all()
    return [
        BotSummary(
            id=bot.id,
            name=bot.name,
            description=bot.description,
            language=bot.language,
            knowledge_areas=list(bot.knowledge_areas or []),
            is_default=bot.is_default,
            published_number=number,
            node_count=len((document or {}).get("nodes", [])),
        )
        for bot, number, document in rows
    ]


def create_bot_from_document(
    *, session: Session, workspace_id: int, document: dict[str, Any], author_id: int | None = None
) -> Bot:
    """A bot described by a flow document's `bot` section, with the document as its draft.

    The first bot of a workspace becomes its default.
    """
    meta = document.get("bot", {})
    has_default = session.exec(select(Bot.id).where(Bot.workspace_id == workspace_id, Bot.is_default)).first()
    bot = Bot(
        workspace_id=workspace_id,
        name=meta.get("name", "Bot"),
        description=meta.get("description", ""),
        language=meta.get("language", "pt"),
        knowledge_areas=list(meta.get("knowledge_areas", [])),
        is_default=has_default is None,
    )
    session.add(bot)
    session.flush()
    session.add(FlowVersion(bot_id=bot.id, status=FlowVersionStatus.DRAFT, document=document, author_id=author_id))
    return bot


def publish_draft(*, session: Session, bot_id: int, author_id: int | None, changelog: str) -> FlowVersion:
    """Copy the bot's draft into a new immutable version numbered after the last one.

    Raises:
        PublishBlocked: the draft does not compile without errors (warnings are allowed).
    """
    draft = session.exec(
        select(FlowVersion).where(FlowVersion.bot_id == bot_id, FlowVersion.status == FlowVersionStatus.DRAFT)
    ).one()
    _, problems = validate_flow(draft.document)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        raise PublishBlocked(errors)
    last = session.exec(select(sa.func.max(FlowVersion.number)).where(FlowVersion.bot_id == bot_id)).one()
    version = FlowVersion(
        bot_id=bot_id,
        status=FlowVersionStatus.PUBLISHED,
        number=(last or 0) + 1,
        document=draft.document,
        author_id=author_id,
        changelog=changelog,
        created_at=utcnow(),
    )
    session.add(version)
    session.flush()
    return version
