"""The demo's people side: the admin answers the default queue, so a demo hand-off reaches a person."""

from sqlmodel import Session, select

from flowstudio.models import AgentProfile, AgentQueue, Bot, Conversation, OwnerType, Queue, Workspace
from flowstudio.services.assignment import agents, handoffs
from flowstudio.services.system.seed import DEMO_AGENT_CAPACITY, seed_demo
from tests.support.factories import make_conversation


def test_the_seeded_admin_is_an_online_agent_of_the_default_queue_once(session: Session) -> None:
    result = seed_demo(session=session, admin_email="admin@example.com", admin_password="pw-123456")
    session.commit()
    seed_demo(session=session, admin_email="admin@example.com")
    session.commit()
    [admin] = agents.list_agents(session=session, workspace_id=result.workspace_id)
    queue = session.exec(select(Queue)).one()
    assert (admin.email, admin.role, admin.status, admin.capacity) == (
        "admin@example.com",
        "admin",
        "online",
        DEMO_AGENT_CAPACITY,
    )
    assert admin.queues == [{"id": queue.id, "key": "atendimento", "name": "Atendimento"}]
    assert len(session.exec(select(AgentProfile)).all()) == 1 and len(session.exec(select(AgentQueue)).all()) == 1
    assert "{position}" in queue.position_message


def test_a_demo_hand_off_goes_to_the_admin(session: Session) -> None:
    result = seed_demo(session=session, admin_email="admin@example.com", admin_password="pw-123456")
    bot = session.exec(select(Bot)).one()
    conversation = make_conversation(session, workspace=session.get(Workspace, result.workspace_id), bot=bot)
    handoffs.apply_handoff(
        session=session, conversation=conversation, output={"type": "handoff", "queue": "atendimento"}
    )
    session.commit()
    stored = session.get(Conversation, conversation.id)
    [admin] = agents.list_agents(session=session, workspace_id=result.workspace_id)
    assert (stored.owner_type, stored.owner_agent_id) == (OwnerType.AGENT, admin.user_id)
