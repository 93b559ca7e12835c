"""Bots and their flow versions."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flow_runtime.schema import upgrade
from flow_runtime.validate import validate_flow
from flowstudio.errors import Conflict, Invalid, NotFound
from flowstudio.models import BOT_LANGUAGES, Bot, Conversation, FlowVersion, FlowVersionStatus
from flowstudio.services.privacy import audit
from flowstudio.services.studio.drafts import empty_document


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


class BotError(Invalid):
    """A bot operation that cannot be done; its i18n key says why (shown to the user in their language)."""


class BotNotFound(BotError, NotFound):
    """No such bot in the workspace."""


class BotConflict(BotError, Conflict):
    """Conversations still belong to the bot."""


def _bot_in(session: Session, workspace_id: int, bot_id: int) -> Bot:
    bot = session.get(Bot, bot_id)
    if bot is None or bot.workspace_id != workspace_id:
        raise BotNotFound("errors.bot.not_found")
    return bot


def _unique_name(session: Session, workspace_id: int, wanted: str, *, exclude: int | None = None) -> str:
    taken = set(session.exec(select(Bot.name).where(Bot.workspace_id == workspace_id, Bot.id != (exclude or 0))))
    name, number = wanted, 2
    while name in taken:
        name, number = f"{wanted} ({number})", number + 1
    return name


def create_bot(
    *,
    session: Session,
    workspace_id: int,
    name: str,
    description: str = "",
    language: str = "pt",
    author_id: int | None = None,
) -> Bot:
    """A new bot with a minimal valid draft (start, welcome, fallback)."""
    name = name.strip()
    if not name:
        raise BotError("errors.bot.needs_name")
    if language not in BOT_LANGUAGES:
        raise BotError("errors.bot.language", choices=", ".join(BOT_LANGUAGES))
    probe = Bot(
        workspace_id=workspace_id,
        name=_unique_name(session, workspace_id, name),
        description=description,
        language=language,
    )
    return create_bot_from_document(
        session=session, workspace_id=workspace_id, document=empty_document(probe), author_id=author_id
    )


def rename_bot(*, session: Session, workspace_id: int, bot_id: int, name: str) -> Bot:
    """Give a bot a new (unique) name; its draft's `bot.name` follows."""
    bot = _bot_in(session, workspace_id, bot_id)
    name = name.strip()
    if not name:
        raise BotError("errors.bot.needs_name")
    if (
        name != bot.name
        and session.exec(
            select(Bot.id).where(Bot.workspace_id == workspace_id, Bot.name == name, Bot.id != bot_id)
        ).first()
    ):
        raise BotError("errors.bot.name_taken", name=name)  # a value to change (422), as the API always said
    bot.name = name
    draft = session.exec(
        select(FlowVersion).where(FlowVersion.bot_id == bot_id, FlowVersion.status == FlowVersionStatus.DRAFT)
    ).first()
    if draft is not None:
        draft.document = {**draft.document, "bot": {**draft.document.get("bot", {}), "name": name}}
        draft.revision += 1
        session.add(draft)
    session.add(bot)
    return bot


def duplicate_bot(*, session: Session, workspace_id: int, bot_id: int, copy_suffix: str = "copy") -> Bot:
    """A new bot with the same settings and a copy of the draft (not the versions)."""
    source = _bot_in(session, workspace_id, bot_id)
    draft = session.exec(
        select(FlowVersion).where(FlowVersion.bot_id == bot_id, FlowVersion.status == FlowVersionStatus.DRAFT)
    ).first()
    document = dict(draft.document) if draft else {}
    name = _unique_name(session, workspace_id, f"{source.name} ({copy_suffix})")
    document["bot"] = {
        **document.get("bot", {}),
        "name": name,
        "description": source.description,
        "language": source.language,
        "knowledge_areas": list(source.knowledge_areas or []),
    }
    return create_bot_from_document(session=session, workspace_id=workspace_id, document=document)


def delete_bot(*, session: Session, workspace_id: int, bot_id: int) -> None:
    """Delete a bot with its versions and tests; refused while conversations are assigned to it."""
    bot = _bot_in(session, workspace_id, bot_id)
    if session.exec(select(Conversation.id).where(Conversation.owner_bot_id == bot_id)).first() is not None:
        raise BotConflict("errors.bot.has_conversations")
    was_default = bot.is_default
    session.delete(bot)
    session.flush()
    if was_default:
        heir = session.exec(select(Bot).where(Bot.workspace_id == workspace_id).order_by(Bot.id)).first()
        if heir is not None:
            heir.is_default = True
            session.add(heir)
            session.flush()


def import_bot(*, session: Session, workspace_id: int, raw: str, author_id: int | None = None) -> Bot:
    """A new bot from an exported flow document (JSON text); refused, with the reasons, if it cannot load."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise BotError("errors.bot.not_json", reason=error.msg, line=error.lineno) from error
    flow, problems = validate_flow(data)
    if flow is None:
        reasons = "; ".join(f"{p.node_id or 'document'}: {p.message}" for p in problems[:5])
        raise BotError("errors.bot.not_a_flow", reasons=reasons)
    document = upgrade(data)
    meta = document.setdefault("bot", {})
    meta["name"] = _unique_name(session, workspace_id, (meta.get("name") or "Bot").strip() or "Bot")
    return create_bot_from_document(session=session, workspace_id=workspace_id, document=document, author_id=author_id)


def export_document(
    *, session: Session, workspace_id: int, bot_id: int, actor: Any = None, ip: str = ""
) -> tuple[str, dict[str, Any]]:
    """The bot's draft document and a file name for it (audited as `data.exported`)."""
    bot = _bot_in(session, workspace_id, bot_id)
    audit.record(
        session,
        "data.exported",
        workspace_id=workspace_id,
        actor=actor,
        target=("bot", bot_id),
        details={"what": "flow document"},
        ip=ip,
    )
    draft = session.exec(
        select(FlowVersion).where(FlowVersion.bot_id == bot_id, FlowVersion.status == FlowVersionStatus.DRAFT)
    ).first()
    ascii_name = unicodedata.normalize("NFKD", bot.name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-") or "bot"
    return f"{slug}.flow.json", (draft.document if draft else {})
