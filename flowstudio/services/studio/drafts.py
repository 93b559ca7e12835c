"""A bot's draft, its numbered versions and its conversation tests: what the studio saves, publishes and
rolls back."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
from flow_runtime.problems import Problem
from flow_runtime.testing import fake_ports, parse_conversation, run_conversation
from flow_runtime.validate import validate_flow
from flowstudio.errors import Conflict, Invalid, NotFound
from flowstudio.models import Bot, Channel, ConversationTest, FlowVersion, FlowVersionStatus, User, utcnow
from flowstudio.services.integrations import webhooks
from flowstudio.services.privacy import audit
from flowstudio.services.studio.action_catalog import WorkspaceActions
from flowstudio.services.studio.nlu import matcher_for


class DraftConflict(Conflict):
    """The draft changed since it was loaded (another tab or person); nothing was overwritten."""


class VersionNotFound(NotFound, KeyError):
    """No version with that number (also a `KeyError`, as looking a version up by number is)."""


class ConversationTestRefused(Invalid):
    """A conversation test that cannot be stored."""


@dataclass(frozen=True)
class TestOutcome:
    """One conversation test's result."""

    name: str
    passed: bool
    report: str


class PublishBlocked(ValueError):
    """Publishing was refused: compile errors or failing conversation tests. Nothing was published."""

    def __init__(self, problems: list[Problem], failures: list[TestOutcome] | None = None) -> None:
        self.problems = problems
        self.failures = failures or []
        parts = [f"{len(problems)} error(s)"] if problems else []
        parts += [f"{len(self.failures)} failing test(s)"] if self.failures else []
        detail = "; ".join(f"{p.node_id or 'flow'}: {p.message}" for p in problems[:5])
        super().__init__(f"cannot publish: {', '.join(parts)}" + (f" ({detail})" if detail else ""))


@dataclass(frozen=True)
class Draft:
    """The draft as the editor loads it."""

    bot_id: int
    bot_name: str
    language: str
    document: dict[str, Any]
    revision: int


@dataclass(frozen=True)
class VersionInfo:
    """One published version in the history."""

    number: int
    changelog: str
    author: str
    created_at: datetime
    node_count: int


def _draft_row(session: Session, bot_id: int) -> FlowVersion | None:
    return session.exec(
        select(FlowVersion).where(FlowVersion.bot_id == bot_id, FlowVersion.status == FlowVersionStatus.DRAFT)
    ).first()


def get_bot(*, session: Session, workspace_id: int, bot_id: int) -> Bot | None:
    """The bot, if it belongs to the workspace."""
    bot = session.get(Bot, bot_id)
    return bot if bot is not None and bot.workspace_id == workspace_id else None


def load_draft(*, session: Session, workspace_id: int, bot_id: int) -> Draft | None:
    """The bot's draft; created from its newest version (or empty) when it has none."""
    bot = get_bot(session=session, workspace_id=workspace_id, bot_id=bot_id)
    if bot is None:
        return None
    row = _draft_row(session, bot_id)
    if row is None:
        latest = session.exec(
            select(FlowVersion).where(FlowVersion.bot_id == bot_id).order_by(FlowVersion.number.desc())
        ).first()
        row = FlowVersion(
            bot_id=bot_id,
            status=FlowVersionStatus.DRAFT,
            document=copy.deepcopy(latest.document) if latest else empty_document(bot),
        )
        session.add(row)
        session.flush()
    return Draft(bot_id=bot.id, bot_name=bot.name, language=bot.language, document=row.document, revision=row.revision)


def empty_document(bot: Bot) -> dict[str, Any]:
    """A minimal valid flow: start -> welcome message, and the fallback -> an apology."""
    return {
        "schema_version": 1,
        "bot": {
            "name": bot.name,
            "description": bot.description,
            "language": bot.language,
            "knowledge_areas": list(bot.knowledge_areas or []),
        },
        "constants": {},
        "topics": [],
        "nodes": [
            {"id": "start", "kind": "start", "position": {"x": 0, "y": 0}},
            {"id": "welcome", "kind": "message", "text": "Olá! Como posso ajudar?", "position": {"x": 0, "y": 170}},
            {"id": "fallback", "kind": "fallback", "position": {"x": 320, "y": 0}},
            {"id": "sorry", "kind": "message", "text": "Desculpe, não entendi.", "position": {"x": 320, "y": 170}},
        ],
        "edges": [
            {"id": "e_start", "source": "start", "source_handle": "next", "target": "welcome"},
            {"id": "e_fallback", "source": "fallback", "source_handle": "next", "target": "sorry"},
        ],
    }


def save_draft(*, session: Session, bot_id: int, document: dict[str, Any], expected_revision: int) -> int:
    """Store the draft if nobody saved since `expected_revision`; returns the new revision.

    Raises:
        DraftConflict: someone else saved in between; their work is kept.
    """
    result = session.execute(
        sa.update(FlowVersion)
        .where(
            FlowVersion.bot_id == bot_id,
            FlowVersion.status == FlowVersionStatus.DRAFT,
            FlowVersion.revision == expected_revision,
        )
        .values(document=document, revision=expected_revision + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:
        raise DraftConflict("errors.draft.changed_elsewhere")
    return expected_revision + 1


def list_versions(*, session: Session, bot_id: int) -> list[VersionInfo]:
    """Published versions, newest first."""
    rows = session.exec(
        select(FlowVersion, User.name)
        .outerjoin(User, User.id == FlowVersion.author_id)
        .where(FlowVersion.bot_id == bot_id, FlowVersion.status == FlowVersionStatus.PUBLISHED)
        .order_by(FlowVersion.number.desc())
    ).all()
    return [
        VersionInfo(
            number=v.number,
            changelog=v.changelog,
            author=name or "",
            created_at=v.created_at,
            node_count=len(v.document.get("nodes", [])),
        )
        for v, name in rows
    ]


def version_document(*, session: Session, bot_id: int, number: int) -> dict[str, Any] | None:
    """The document of published version `number`."""
    row = session.exec(select(FlowVersion).where(FlowVersion.bot_id == bot_id, FlowVersion.number == number)).first()
    return copy.deepcopy(row.document) if row else None


def list_tests(*, session: Session, bot_id: int) -> list[ConversationTest]:
    """The bot's conversation tests, by name."""
    return list(
        session.exec(
            select(ConversationTest).where(ConversationTest.bot_id == bot_id).order_by(ConversationTest.name)
        ).all()
    )


def save_test(*, session: Session, bot_id: int, name: str, content: str) -> ConversationTest:
    """Store (or replace) a conversation test.

    Raises:
        ValueError: an empty name (`ConversationTestRefused`), or content that is not a valid conversation test.
    """
    name = name.strip()
    if not name:
        raise ConversationTestRefused("errors.draft.test_needs_name")
    parse_conversation(content)  # raises ConversationTestError (a ValueError) with the bad line
    test = session.exec(
        select(ConversationTest).where(ConversationTest.bot_id == bot_id, ConversationTest.name == name)
    ).first()
    test = test or ConversationTest(bot_id=bot_id, name=name, content=content)
    test.content = content
    session.add(test)
    session.flush()
    return test


def delete_test(*, session: Session, bot_id: int, test_id: int) -> None:
    """Remove a conversation test of the bot."""
    test = session.get(ConversationTest, test_id)
    if test is not None and test.bot_id == bot_id:
        session.delete(test)


def run_tests(
    document: dict[str, Any], tests: list[ConversationTest], *, workspace_id: int | None = None
) -> list[TestOutcome]:
    """Run conversation tests against a document: fake HTTP, e-mail, search, clock and randomness
    (deterministic), designer code in the sandbox (never in this process), the same NLU as the
    emulator and the channels, and the workspace's reusable actions when `workspace_id` is given."""
    actions = WorkspaceActions(workspace_id) if workspace_id else None
    flow, problems = validate_flow(document, actions=actions)
    outcomes = []
    for test in tests:
        if flow is None:
            outcomes.append(TestOutcome(test.name, False, "the flow does not load: " + problems[0].message))
            continue
        ports = fake_ports(
            code=SubprocessCodeRunner(), matcher=matcher_for(document), **({"actions": actions} if actions else {})
        )
        result = run_conversation(flow, parse_conversation(test.content, name=test.name), ports=ports)
        outcomes.append(TestOutcome(test.name, result.passed, result.report()))
    return outcomes


def publish(
    *, session: Session, bot_id: int, author_id: int | None, changelog: str, actor: Any = None, ip: str = ""
) -> FlowVersion:
    """Publish the draft as the next immutable version, if it has no errors and its tests pass (audited as
    `flow.published`, by `actor` (else the author), from `ip`).

    Raises:
        PublishBlocked: compile errors or failing conversation tests.
    """
    draft = _draft_row(session, bot_id)
    if draft is None:
        raise PublishBlocked([], [])
    workspace_id = session.exec(select(Bot.workspace_id).where(Bot.id == bot_id)).one()
    _, problems = validate_flow(draft.document, actions=WorkspaceActions(workspace_id))  # unknown actions block
    errors = [p for p in problems if p.severity == "error"]
    failures = [
        o
        for o in run_tests(draft.document, list_tests(session=session, bot_id=bot_id), workspace_id=workspace_id)
        if not o.passed
    ]
    if errors or failures:
        raise PublishBlocked(errors, failures)
    last = session.exec(select(sa.func.max(FlowVersion.number)).where(FlowVersion.bot_id == bot_id)).one()
    version = FlowVersion(
        bot_id=bot_id,
        status=FlowVersionStatus.PUBLISHED,
        number=(last or 0) + 1,
        document=copy.deepcopy(draft.document),
        author_id=author_id,
        changelog=changelog.strip(),
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        "flow.published",
        workspace_id=workspace_id,
        actor=actor or (session.get(User, author_id) if author_id else None),
        target=("bot", bot_id),
        details={"version": version.number, "changelog": version.changelog[:200]},
        ip=ip,
    )
    webhooks.flow_published(session, version)
    return version


def rollback(
    *, session: Session, bot_id: int, number: int, expected_revision: int, actor: Any = None
) -> tuple[dict[str, Any], int]:
    """Make version `number` the draft again (the versions themselves never change); audited as
    `flow.rolled_back`.

    Returns:
        The restored document and the draft's new revision.

    Raises:
        VersionNotFound: no such version. DraftConflict: the draft changed elsewhere.
    """
    document = version_document(session=session, bot_id=bot_id, number=number)
    if document is None:
        raise VersionNotFound("errors.draft.no_version", number=number)
    revision = save_draft(session=session, bot_id=bot_id, document=document, expected_revision=expected_revision)
    audit.record(
        session,
        "flow.rolled_back",
        workspace_id=session.get(Bot, bot_id).workspace_id,
        actor=actor,
        target=("bot", bot_id),
        details={"version": number},
    )
    return document, revision


def channel_kinds(*, session: Session, bot_id: int) -> list[str]:
    """The kinds of channel the bot answers on: its own channels, plus unassigned ones if it is the default."""
    bot = session.get(Bot, bot_id)
    if bot is None:
        return []
    query = select(Channel.kind).where(Channel.workspace_id == bot.workspace_id, Channel.is_active)
    owned = Channel.bot_id == bot_id
    query = query.where(owned | Channel.bot_id.is_(None)) if bot.is_default else query.where(owned)
    return sorted({kind.value for kind in session.exec(query).all()})
