"""Seeding the demo: everything a fresh install needs, once, and nothing twice."""

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.models import (
    Bot,
    ConversationTest,
    FlowVersion,
    FlowVersionStatus,
    Membership,
    Queue,
    Role,
    User,
    Workspace,
)
from flowstudio.services.identity.auth import authenticate
from flowstudio.services.studio.bots import list_bots
from flowstudio.services.system.seed import seed_demo


def _counts(session: Session) -> dict[str, int]:
    return {
        model.__tablename__: session.exec(select(sa.func.count()).select_from(model)).one()
        for model in (Workspace, User, Membership, Queue, Bot, FlowVersion, ConversationTest)
    }


def test_seed_creates_the_demo_and_returns_the_admin_password_once(session: Session) -> None:
    first = seed_demo(session=session, admin_email="Admin@Example.com")
    session.commit()
    assert first.admin_password and first.created_bot
    assert authenticate(session=session, email="admin@example.com", password=first.admin_password) is not None

    before = _counts(session)
    second = seed_demo(session=session, admin_email="admin@example.com")
    session.commit()
    assert second.admin_password is None and not second.created_bot
    assert _counts(session) == before


def test_seeded_admin_sees_pizzaria_bella_published(session: Session) -> None:
    result = seed_demo(session=session, admin_email="admin@example.com", admin_password="chosen-password")
    session.commit()
    membership = session.exec(select(Membership)).one()
    assert membership.role == Role.ADMIN
    [bot] = list_bots(session=session, workspace_id=result.workspace_id)
    assert (bot.name, bot.language, bot.is_default, bot.published_number) == ("Pizzaria Bella", "pt", True, 1)
    assert bot.knowledge_areas == ["pedidos", "horários", "entrega"]
    assert bot.node_count == 21
    assert sorted(t.name for t in session.exec(select(ConversationTest)).all()) == [
        "fallback-and-handoff",
        "happy-path",
        "nlu-and-retries",
    ]
    statuses = sorted(v.status for v in session.exec(select(FlowVersion)).all())
    assert statuses == [FlowVersionStatus.DRAFT, FlowVersionStatus.PUBLISHED]


def test_seed_creates_the_default_queue_the_demo_flow_hands_off_to(session: Session) -> None:
    seed_demo(session=session, admin_email="admin@example.com")
    session.commit()
    queue = session.exec(select(Queue)).one()
    assert (queue.key, queue.is_default) == ("atendimento", True)


def test_chosen_admin_password_is_used_and_not_echoed_as_generated(session: Session) -> None:
    result = seed_demo(session=session, admin_email="admin@example.com", admin_password="chosen-password")
    assert result.admin_password == "chosen-password"
    assert authenticate(session=session, email="admin@example.com", password="chosen-password") is not None


def test_publishing_a_draft_with_errors_is_refused_and_changes_nothing(session: Session) -> None:
    import pytest

    from flowstudio.services.studio.bots import create_bot_from_document
    from flowstudio.services.studio.drafts import PublishBlocked, publish
    from tests.support.factories import make_workspace

    workspace = make_workspace(session)
    broken = {
        "schema_version": 1,
        "bot": {"name": "Broken"},
        "nodes": [
            {"id": "start", "kind": "start", "position": {"x": 0, "y": 0}},
            {
                "id": "menu",
                "kind": "buttons",
                "text": "?",
                "position": {"x": 0, "y": 100},
                "buttons": [{"id": "b1", "label": "A label far longer than twenty characters"}],
            },
        ],
        "edges": [{"id": "e1", "source": "start", "source_handle": "next", "target": "menu"}],
    }
    bot = create_bot_from_document(session=session, workspace_id=workspace.id, document=broken)
    with pytest.raises(PublishBlocked) as blocked:
        publish(session=session, bot_id=bot.id, author_id=None, changelog="v1")
    codes = {problem.code for problem in blocked.value.problems}
    assert {"missing_fallback", "label_too_long"} <= codes
    published = session.exec(select(FlowVersion).where(FlowVersion.status == FlowVersionStatus.PUBLISHED)).all()
    assert published == []
