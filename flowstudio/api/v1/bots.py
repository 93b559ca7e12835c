"""Bots and their flow versions over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, Field

from flow_runtime.validate import validate_flow
from flowstudio.api.conformance import UtcDatetime
from flowstudio.api.v1.deps import DB, Caller, allow
from flowstudio.models import BOT_LANGUAGES, Bot
from flowstudio.services.identity import permissions as can
from flowstudio.services.privacy.audit import Actor
from flowstudio.services.studio import bots as bot_service
from flowstudio.services.studio import drafts
from flowstudio.tasks.nlu import schedule_training

router = APIRouter(tags=["bots"])


class BotCreate(BaseModel):
    """A new bot."""

    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    language: str = Field("pt", pattern="^(" + "|".join(BOT_LANGUAGES) + ")$")


class BotUpdate(BaseModel):
    """Fields to change."""

    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = None
    knowledge_areas: list[str] | None = None


class BotPublic(BaseModel):
    """A bot as the API shows it."""

    id: int
    name: str
    description: str
    language: str
    knowledge_areas: list[str]
    is_default: bool
    published_number: int | None = None


class VersionPublic(BaseModel):
    """A published version."""

    number: int
    changelog: str
    author: str
    created_at: UtcDatetime
    node_count: int


class PublishRequest(BaseModel):
    """What changed, in one line."""

    changelog: str = Field("", max_length=500)


def _bot(session, who, bot_id: int) -> Bot:
    bot = drafts.get_bot(session=session, workspace_id=who.workspace_id, bot_id=bot_id)
    if bot is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"bot {bot_id} not found")
    return bot


def _public(session, bot: Bot) -> BotPublic:
    summary = next(s for s in bot_service.list_bots(session=session, workspace_id=bot.workspace_id) if s.id == bot.id)
    return BotPublic(
        id=bot.id,
        name=bot.name,
        description=bot.description,
        language=bot.language,
        knowledge_areas=list(bot.knowledge_areas or []),
        is_default=bot.is_default,
        published_number=summary.published_number,
    )


@router.get("/bots", response_model=list[BotPublic])
def list_bots(session: DB, who: Caller) -> list[BotPublic]:
    """The workspace's bots."""
    allow(who, can.BOTS_VIEW)
    return [
        BotPublic(**{k: v for k, v in vars(s).items() if k in BotPublic.model_fields})
        for s in bot_service.list_bots(session=session, workspace_id=who.workspace_id)
    ]


@router.post("/bots", response_model=BotPublic, status_code=status.HTTP_201_CREATED)
def create_bot(body: BotCreate, session: DB, who: Caller) -> BotPublic:
    """A bot with a minimal valid draft."""
    allow(who, can.BOTS_MANAGE)
    bot = bot_service.create_bot(
        session=session,
        workspace_id=who.workspace_id,
        name=body.name,
        description=body.description,
        language=body.language,
    )
    return _public(session, bot)


@router.get("/bots/{bot_id}", response_model=BotPublic)
def get_bot(bot_id: int, session: DB, who: Caller) -> BotPublic:
    """One bot."""
    allow(who, can.BOTS_VIEW)
    return _public(session, _bot(session, who, bot_id))


@router.patch("/bots/{bot_id}", response_model=BotPublic)
def update_bot(bot_id: int, body: BotUpdate, session: DB, who: Caller) -> BotPublic:
    """Rename or describe a bot."""
    allow(who, can.BOTS_MANAGE)
    bot = _bot(session, who, bot_id)
    if body.name is not None:
        bot_service.rename_bot(session=session, workspace_id=who.workspace_id, bot_id=bot_id, name=body.name)
    if body.description is not None:
        bot.description = body.description
    if body.knowledge_areas is not None:
        bot.knowledge_areas = [a.strip() for a in body.knowledge_areas if a.strip()]
    session.add(bot)
    session.flush()
    return _public(session, bot)


@router.delete("/bots/{bot_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_bot(bot_id: int, session: DB, who: Caller) -> Response:
    """Delete a bot (409 while conversations are assigned to it)."""
    allow(who, can.BOTS_MANAGE)
    _bot(session, who, bot_id)
    bot_service.delete_bot(session=session, workspace_id=who.workspace_id, bot_id=bot_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/bots/{bot_id}/draft")
def get_draft(bot_id: int, session: DB, who: Caller) -> dict[str, Any]:
    """The draft flow document and its revision."""
    allow(who, can.BOTS_VIEW)
    draft = drafts.load_draft(session=session, workspace_id=who.workspace_id, bot_id=_bot(session, who, bot_id).id)
    return {"revision": draft.revision, "document": draft.document}


@router.put("/bots/{bot_id}/draft")
def put_draft(bot_id: int, document: dict[str, Any], session: DB, who: Caller) -> dict[str, Any]:
    """Replace the draft with an uploaded flow document (422 with the problems when it cannot load)."""
    allow(who, can.FLOWS_EDIT)
    bot = _bot(session, who, bot_id)
    flow, problems = validate_flow(document)
    if flow is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            {"message": "the document is not a loadable flow", "problems": [p.to_dict() for p in problems]},
        )
    draft = drafts.load_draft(session=session, workspace_id=who.workspace_id, bot_id=bot.id)
    revision = drafts.save_draft(session=session, bot_id=bot.id, document=document, expected_revision=draft.revision)
    return {"revision": revision, "problems": [p.to_dict() for p in problems]}


@router.post("/bots/{bot_id}/versions", response_model=VersionPublic, status_code=status.HTTP_201_CREATED)
def publish(bot_id: int, body: PublishRequest, session: DB, who: Caller) -> VersionPublic:
    """Publish the draft (422 with the errors or failing conversation tests that block it)."""
    allow(who, can.FLOWS_PUBLISH)
    bot = _bot(session, who, bot_id)
    drafts.load_draft(session=session, workspace_id=who.workspace_id, bot_id=bot.id)
    try:
        version = drafts.publish(
            session=session,
            bot_id=bot.id,
            author_id=None,
            changelog=body.changelog,
            actor=Actor(email=f"api-token:{who.token_id}"),
        )
    except drafts.PublishBlocked as blocked:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            {
                "message": str(blocked),
                "problems": [p.to_dict() for p in blocked.problems],
                "failing_tests": [{"name": f.name, "report": f.report} for f in blocked.failures],
            },
        ) from blocked
    schedule_training(bot.id, version.number)
    return VersionPublic(
        number=version.number,
        changelog=version.changelog,
        author="",
        created_at=version.created_at,
        node_count=len(version.document.get("nodes", [])),
    )


@router.get("/bots/{bot_id}/versions", response_model=list[VersionPublic])
def list_versions(bot_id: int, session: DB, who: Caller) -> list[VersionPublic]:
    """Published versions, newest first."""
    allow(who, can.BOTS_VIEW)
    return [
        VersionPublic(**vars(v)) for v in drafts.list_versions(session=session, bot_id=_bot(session, who, bot_id).id)
    ]


@router.get("/bots/{bot_id}/versions/{number}")
def get_version(bot_id: int, number: int, session: DB, who: Caller) -> dict[str, Any]:
    """The document of a published version."""
    allow(who, can.BOTS_VIEW)
    document = drafts.version_document(session=session, bot_id=_bot(session, who, bot_id).id, number=number)
    if document is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"version {number} not found")
    return {"number": number, "document": document}
