"""The schema's promises, enforced by the database itself on SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from flowstudio.models import Bot, Conversation, FlowVersion, FlowVersionStatus, Message, OwnerType
from tests.support.factories import make_bot, make_conversation, make_queue, make_user, make_workspace


def test_a_conversation_cannot_have_two_owners(session: Session) -> None:
    workspace = make_workspace(session)
    bot = make_bot(session, workspace=workspace)
    queue = make_queue(session, workspace=workspace)
    conversation = make_conversation(session, workspace=workspace, bot=bot)
    session.commit()
    conversation.owner_queue_id = queue.id
    session.add(conversation)
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_the_owner_type_must_name_the_owner_that_is_set(session: Session) -> None:
    workspace = make_workspace(session)
    bot = make_bot(session, workspace=workspace)
    with pytest.raises(sa.exc.IntegrityError):
        make_conversation(session, workspace=workspace, bot=bot, owner_type=OwnerType.AGENT)


def test_handing_a_conversation_from_bot_to_agent(session: Session) -> None:
    workspace = make_workspace(session)
    bot = make_bot(session, workspace=workspace)
    agent = make_user(session, workspace=workspace)
    conversation = make_conversation(session, workspace=workspace, bot=bot)
    conversation.owner_type, conversation.owner_bot_id, conversation.owner_agent_id = OwnerType.AGENT, None, agent.id
    session.add(conversation)
    session.commit()
    assert session.get(Conversation, conversation.id).owner_agent_id == agent.id


def test_only_one_default_bot_per_workspace(session: Session) -> None:
    workspace = make_workspace(session)
    make_bot(session, workspace=workspace, is_default=True)
    make_bot(session, workspace=workspace, is_default=False)
    session.commit()
    session.add(Bot(workspace_id=workspace.id, name="Second default", is_default=True))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_one_draft_per_bot_and_published_versions_are_numbered(session: Session) -> None:
    bot = make_bot(session, workspace=make_workspace(session))
    session.add(FlowVersion(bot_id=bot.id, status=FlowVersionStatus.DRAFT))
    session.add(FlowVersion(bot_id=bot.id, status=FlowVersionStatus.PUBLISHED, number=1))
    session.commit()
    session.add(FlowVersion(bot_id=bot.id, status=FlowVersionStatus.DRAFT))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()
    session.rollback()
    session.add(FlowVersion(bot_id=bot.id, status=FlowVersionStatus.PUBLISHED, number=None))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()
    session.rollback()
    session.add(FlowVersion(bot_id=bot.id, status=FlowVersionStatus.PUBLISHED, number=1))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_enum_columns_reject_unknown_values(session: Session) -> None:
    workspace = make_workspace(session)
    conversation = make_conversation(session, workspace=workspace, bot=make_bot(session, workspace=workspace))
    session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(
            sa.text("UPDATE message SET status = 'lost' WHERE id = :id"),
            {"id": _message(session, conversation.id).id},
        )
        session.commit()


def test_json_columns_round_trip_nested_data(session: Session) -> None:
    workspace = make_workspace(session)
    bot = make_bot(session, workspace=workspace, knowledge_areas=["pedidos", "horários"])
    document = {"schema_version": 1, "nodes": [{"id": "start", "kind": "start", "position": {"x": 0, "y": 0}}]}
    session.add(FlowVersion(bot_id=bot.id, document=document))
    session.commit()
    session.expire_all()
    assert session.get(Bot, bot.id).knowledge_areas == ["pedidos", "horários"]
    stored = session.exec(sa.select(FlowVersion).where(FlowVersion.bot_id == bot.id)).scalar_one()
    assert stored.document == document


def test_deleting_a_workspace_cascades_to_its_bots(session: Session) -> None:
    workspace = make_workspace(session)
    bot_id = make_bot(session, workspace=workspace).id
    session.commit()
    session.execute(sa.text("DELETE FROM workspace WHERE id = :id"), {"id": workspace.id})
    session.commit()
    session.expunge_all()
    assert session.get(Bot, bot_id) is None


def _message(session: Session, conversation_id: int) -> Message:
    from flowstudio.models import Direction, SenderType

    message = Message(
        conversation_id=conversation_id, direction=Direction.INBOUND, sender_type=SenderType.CONTACT, text="oi"
    )
    session.add(message)
    session.commit()
    return message
