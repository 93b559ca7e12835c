"""Human queues: round robin and least busy within capacity and status, business hours, places in line,
closing back to the bot with CSAT, one owner at a time under concurrent assignment, the agents CSV
import, and the queue monitor's figures."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from flowstudio.models import (
    AgentStatus,
    Conversation,
    ConversationStatus,
    Direction,
    Event,
    Membership,
    Message,
    OwnerType,
    Queue,
    User,
)
from flowstudio.services.assignment import (
    agent_import,
    agent_status,
    agents,
    conversation_actions,
    csat,
    locking,
    owner_actions,
    queueing,
    queues,
)
from flowstudio.services.assignment import monitor as queue_monitor
from flowstudio.services.assignment import sweep as queue_sweep
from flowstudio.services.assignment.handling import AssignmentError
from tests.support.factories import make_bot, make_conversation, make_queue, make_workspace
from tests.support.queues import agent, pg  # noqa: F401 - pg is a fixture

pytestmark = pytest.mark.postgres


def _waiting(session: Session, workspace, bot, queue: Queue, count: int) -> list[int]:
    """`count` bot conversations handed to `queue` one after the other (nobody assigned yet)."""
    ids = []
    for _ in range(count):
        conversation = make_conversation(session, workspace=workspace, bot=bot)
        queueing.enqueue(
            session=session,
            conversation=conversation,
            queue_id=queue.id,
            actor_type="bot",
            actor_id=bot.id,
            reason="test",
            assign_now=False,
        )
        ids.append(conversation.id)
    session.commit()
    return ids


def _owners(session: Session, ids: list[int]) -> list[int | None]:
    session.expire_all()
    return [session.get(Conversation, i).owner_agent_id for i in ids]


def test_round_robin_takes_turns_within_capacity_and_skips_agents_not_online(pg: Session) -> None:
    workspace = make_workspace(pg)
    bot = make_bot(pg, workspace=workspace, is_default=True)
    queue = make_queue(pg, workspace=workspace, is_default=True)
    ana = agent(pg, workspace, queue, capacity=1)
    bia = agent(pg, workspace, queue, capacity=2)
    agent(pg, workspace, queue, status=AgentStatus.AWAY, capacity=5)
    agent(pg, workspace, queue, status=AgentStatus.OFFLINE, capacity=5)
    ids = _waiting(pg, workspace, bot, queue, 4)

    result = queue_sweep.assign_waiting(queue_id=queue.id)

    assert result.assigned == 3
    assert _owners(pg, ids) == [ana, bia, bia, None]  # ana full after one; the away and offline get nothing
    assert pg.get(Conversation, ids[3]).owner_type == OwnerType.QUEUE
    # ana frees up: the fourth goes to her on the next sweep
    conversation_actions.close(conversation_id=ids[0], actor_id=ana)
    assert _owners(pg, ids)[3] == ana


def test_least_busy_gives_to_the_agent_with_the_most_room(pg: Session) -> None:
    workspace = make_workspace(pg)
    bot = make_bot(pg, workspace=workspace, is_default=True)
    queue = make_queue(pg, workspace=workspace, is_default=True, strategy="least_busy")
    busy = agent(pg, workspace, queue, capacity=3)
    idle = agent(pg, workspace, queue, capacity=3)
    held = _waiting(pg, workspace, bot, queue, 2)
    for conversation_id in held:
        with locking.locked(conversation_id) as (session, conversation):
            queueing.assign_to_agent(
                session=session,
                conversation=conversation,
                user_id=busy,
                actor_type="system",
                actor_id=None,
                reason="setup",
            )
    ids = _waiting(pg, workspace, bot, queue, 4)
    queue_sweep.assign_waiting(queue_id=queue.id)
    # idle gets two (0 -> 2 while busy holds 2), then they alternate by load; busy stops at capacity 3
    assert _owners(pg, ids) == [idle, idle, busy, idle]
    assert agents.loads(session=pg, workspace_id=workspace.id) == {busy: 3, idle: 3}


def test_capacity_and_status_changes_take_effect(pg: Session) -> None:
    workspace = make_workspace(pg)
    bot = make_bot(pg, workspace=workspace, is_default=True)
    queue = make_queue(pg, workspace=workspace, is_default=True)
    solo = agent(pg, workspace, queue, capacity=0)
    ids = _waiting(pg, workspace, bot, queue, 2)
    assert queue_sweep.assign_waiting(queue_id=queue.id).assigned == 0
    agent_status.set_capacity(session=pg, workspace_id=workspace.id, user_id=solo, capacity=1)
    agent_status.set_status(session=pg, workspace_id=workspace.id, user_id=solo, status="away")
    pg.commit()
    assert queue_sweep.assign_waiting(queue_id=queue.id).assigned == 0
    agent_status.set_status(session=pg, workspace_id=workspace.id, user_id=solo, status="online")
    pg.commit()
    assert queue_sweep.agent_went_online(workspace_id=workspace.id, user_id=solo).assigned == 1
    assert _owners(pg, ids) == [solo, None]
    with pytest.raises(agents.AgentError, match="capacity must be between"):
        agent_status.set_capacity(session=pg, workspace_id=workspace.id, user_id=solo, capacity=-1)


def test_manual_queue_waits_for_an_agent_to_pick(pg: Session, queued: list[int]) -> None:
    workspace = make_workspace(pg)
    bot = make_bot(pg, workspace=workspace, is_default=True)
    queue = make_queue(pg, workspace=workspace, is_default=True, strategy="manual")
    other_queue = make_queue(pg, workspace=workspace)
    picker = agent(pg, workspace, queue, capacity=1)
    outsider = agent(pg, workspace, other_queue, capacity=1)
    [first, second] = _waiting(pg, workspace, bot, queue, 2)
    assert queue_sweep.assign_waiting(queue_id=queue.id).assigned == 0
    with pytest.raises(AssignmentError, match="do not serve this conversation's queue"):
        owner_actions.pick(conversation_id=first, agent_id=outsider)
    result = owner_actions.pick(conversation_id=first, agent_id=picker)
    assert result.owner == {"type": "agent", "id": picker}
    with pytest.raises(AssignmentError, match="capacity 1"):
        owner_actions.pick(conversation_id=second, agent_id=picker)
    with pytest.raises(AssignmentError, match="no longer waiting"):
        owner_actions.pick(conversation_id=first, agent_id=outsider)


def test_outside_business_hours_the_customer_is_told_and_waits(pg: Session, queued: list[int]) -> None:
    workspace = make_workspace(pg)
    bot = make_bot(pg, workspace=workspace, is_default=True)
    queue = queues.create_queue(
        session=pg,
        workspace_id=workspace.id,
        name="Suporte",
        business_hours={
            "timezone": "America/Sao_Paulo",
            "days": {"mon": [["09:00", "18:00"]], "tue": [["09:00", "18:00"]]},
        },
        closed_message="Fechados agora; abrimos {opens}.",
    )
    agent(pg, workspace, queue, capacity=3)
    sunday_night = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # Sunday 20:00 in São Paulo
    monday_morning = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # Monday 10:00 in São Paulo
    assert not queues.is_open(queue, sunday_night) and queues.is_open(queue, monday_morning)
    conversation = make_conversation(pg, workspace=workspace, bot=bot)
    sent = queueing.enqueue(
        session=pg,
        conversation=conversation,
        queue_id=queue.id,
        actor_type="bot",
        actor_id=bot.id,
        reason="test",
        now=sunday_night,
    )
    pg.commit()
    [message] = [pg.get(Message, message_id) for message_id, _ in sent]
    assert message.text == "Fechados agora; abrimos 23/11 09:00." and message.direction == Direction.OUTBOUND
    assert conversation.owner_type == OwnerType.QUEUE and conversation.status == ConversationStatus.PENDING
    assert queue_sweep.assign_waiting(queue_id=queue.id, now=sunday_night).assigned == 0
    assert queue_sweep.assign_waiting(queue_id=queue.id, now=monday_morning).assigned == 1


def test_bad_business_hours_are_refused(pg: Session) -> None:
    workspace = make_workspace(pg)
    for hours, message in [
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"timezone": "UTC", "days": {"funday": []}}, "unknown weekday"),
        ({"timezone": "UTC", "days": {"mon": [["18:00", "09:00"]]}}, "ends before it starts"),
        ({"timezone": "UTC", "days": {"mon": [["9h", "18h"]]}}, "times must be HH:MM"),
    ]:
        with pytest.raises(queues.QueueError, match=message):
            queues.create_queue(session=pg, workspace_id=workspace.id, name="Q", business_hours=hours)
    queue = queues.create_queue(session=pg, workspace_id=workspace.id, name="Q")
    with pytest.raises(queues.QueueError, match="strategy must be one of"):
        queues.update_queue(session=pg, workspace_id=workspace.id, queue_id=queue.id, name="Renamed", strategy="random")
    assert queue.name == "Q"  # nothing changed by the refused update


def test_the_customer_is_told_their_place_in_line_and_told_again_when_it_changes(
    pg: Session, queued: list[int]
) -> None:
    workspace = make_workspace(pg)
    bot = make_bot(pg, workspace=workspace, is_default=True)
    queue = queues.create_queue(
        session=pg,
        workspace_id=workspace.id,
        name="Fila",
        position_message="Você é o número {position} na fila {queue}.",
    )
    ids = []
    for _ in range(3):
        conversation = make_conversation(pg, workspace=workspace, bot=bot)
        queueing.enqueue(
            session=pg, conversation=conversation, queue_id=queue.id, actor_type="bot", actor_id=bot.id, reason="test"
        )
        ids.append(conversation.id)
    pg.commit()

    def told(conversation_id: int) -> list[str]:
        return list(
            pg.exec(select(Message.text).where(Message.conversation_id == conversation_id).order_by(Message.id)).all()
        )

    assert [told(i) for i in ids] == [
        ["Você é o número 1 na fila Fila."],
        ["Você é o número 2 na fila Fila."],
        ["Você é o número 3 na fila Fila."],
    ]
    assert queue_sweep.update_positions(queue_id=queue.id) == 0  # nothing changed: nothing sent again
    agent(pg, workspace, queue, capacity=1)
    pg.commit()
    queue_sweep.assign_waiting(queue_id=queue.id)
    assert told(ids[0]) == ["Você é o número 1 na fila Fila."]  # assigned: no more places
    assert told(ids[1])[-1] == "Você é o número 1 na fila Fila."
    assert told(ids[2])[-1] == "Você é o número 2 na fila Fila."


def test_closing_returns_to_the_bot_and_the_customer_s_score_is_stored(pg: Session, queued: list[int]) -> None:
    from tests.support.queues import published_bot, say, webchat

    workspace = make_workspace(pg)
    bot = published_bot(
        pg,
        workspace,
        "Bella",
        default=True,
        greeting="Oi! Sou a Bella.",
        intents={
            "humano": ["quero falar com um atendente", "me passa para um humano"],
            "preco": ["quanto custa", "qual o preço"],
        },
        replies={"humano": "Vou te passar para um atendente.", "preco": "Custa 10 reais."},
        assign={"humano": {"queue": "suporte"}},
    )
    queue = queues.create_queue(session=pg, workspace_id=workspace.id, name="Suporte", key="suporte", csat_enabled=True)
    helper = agent(pg, workspace, queue, capacity=2)
    channel_id = webchat(pg, workspace)
    say(channel_id, "oi")
    handed = say(channel_id, "quero falar com um atendente")
    conversation_id = handed.conversation_id
    pg.expire_all()
    conversation = pg.get(Conversation, conversation_id)
    assert (conversation.owner_type, conversation.owner_agent_id) == (OwnerType.AGENT, helper)
    assert conversation.queue_id == queue.id and conversation.last_bot_id == bot.id
    before = len(queued)
    say(channel_id, "alô?")
    assert len(queued) == before  # the bot is silent while a human has it
    conversation_actions.send_agent_message(conversation_id=conversation_id, agent_id=helper, text="Olá, sou a Carla!")
    closed = conversation_actions.close(conversation_id=conversation_id, actor_id=helper)
    assert closed.owner == {"type": "bot", "id": bot.id} and closed.status == "open"
    pg.expire_all()
    conversation = pg.get(Conversation, conversation_id)
    assert conversation.csat_requested_at is not None and conversation.closed_at is not None
    answer = say(channel_id, "5 - muito rápida!")
    pg.expire_all()
    conversation = pg.get(Conversation, conversation_id)
    assert answer.conversation_id == conversation_id
    assert (conversation.csat_score, conversation.csat_comment) == (5, "muito rápida!")
    texts = list(
        pg.exec(select(Message.text).where(Message.conversation_id == conversation_id).order_by(Message.id)).all()
    )
    assert texts[-3:] == [queues.default_text("csat", "pt"), "5 - muito rápida!", "Obrigado pela sua avaliação!"]
    # the bot is back: it answers the next question
    say(channel_id, "qual o preço")
    assert (
        pg.exec(
            select(Message.text).where(Message.conversation_id == conversation_id).order_by(Message.id.desc())
        ).first()
        == "Custa 10 reais."
    )


def test_csat_answers_are_numbers_and_anything_else_ends_the_wait() -> None:
    assert csat.parse_csat("4") == (4, None)
    assert csat.parse_csat(" 3/5 ") == (3, None)
    assert csat.parse_csat("⭐⭐⭐⭐") == (4, None)
    assert csat.parse_csat("2 - demorou") == (2, "demorou")
    assert csat.parse_csat("2 pizzas grandes") is None
    assert csat.parse_csat("7") is None
    assert csat.parse_csat("obrigado") is None


def test_one_owner_at_a_time_under_concurrent_assignment(pg: Session) -> None:
    workspace = make_workspace(pg)
    bot = make_bot(pg, workspace=workspace, is_default=True)
    queue = make_queue(pg, workspace=workspace, is_default=True)
    first = agent(pg, workspace, queue, capacity=2)
    second = agent(pg, workspace, queue, capacity=1)
    ids = _waiting(pg, workspace, bot, queue, 8)
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait()
            queue_sweep.assign_waiting(queue_id=queue.id)
        except BaseException as error:
            errors.append(error)

    def grab(conversation_id: int, user_id: int) -> None:
        try:
            barrier.wait()
            owner_actions.pick(conversation_id=conversation_id, agent_id=user_id)
        except AssignmentError:
            pass
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    threads += [
        threading.Thread(target=grab, args=(ids[0], first)),
        threading.Thread(target=grab, args=(ids[0], second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    owners = _owners(pg, ids)
    assert owners.count(first) == 2 and owners.count(second) == 1 and owners.count(None) == 5
    for conversation_id in ids:
        to_agents = pg.exec(
            select(Event).where(Event.conversation_id == conversation_id, Event.name == "conversation.owner_changed")
        ).all()
        assert sum(1 for e in to_agents if e.data["to"]["type"] == "agent") <= 1


def test_transfers_between_agents_queues_and_bots(pg: Session, queued: list[int]) -> None:
    workspace = make_workspace(pg)
    bot = make_bot(pg, workspace=workspace, is_default=True)
    other_bot = make_bot(pg, workspace=workspace)
    queue = make_queue(pg, workspace=workspace, is_default=True)
    vip = make_queue(pg, workspace=workspace)
    ana = agent(pg, workspace, queue, capacity=1)
    bia = agent(pg, workspace, vip, capacity=1)
    [conversation_id, other_id] = _waiting(pg, workspace, bot, queue, 2)
    conversation = pg.get(Conversation, conversation_id)
    conversation.session = {"variables": {"pedido": "123"}, "tags": ["vip"], "cursor": "ask", "owner_kind": "queue"}
    pg.commit()
    owner_actions.pick(conversation_id=conversation_id, agent_id=ana)
    moved = owner_actions.transfer(conversation_id=conversation_id, to_type="queue", to_id=vip.id, actor_id=ana)
    assert moved.owner == {"type": "agent", "id": bia}  # vip's agent had room: assigned at once
    owner_actions.pick(conversation_id=other_id, agent_id=ana)
    with pytest.raises(AssignmentError, match="capacity 1"):
        owner_actions.transfer(conversation_id=conversation_id, to_type="agent", to_id=ana, actor_id=bia)
    back = owner_actions.transfer(
        conversation_id=conversation_id, to_type="bot", to_id=other_bot.id, actor_id=bia, reason="bot can finish"
    )
    assert back.owner == {"type": "bot", "id": other_bot.id}
    pg.expire_all()
    conversation = pg.get(Conversation, conversation_id)
    assert conversation.session["variables"] == {"pedido": "123"} and conversation.session["tags"] == ["vip"]
    assert conversation.session["cursor"] is None and conversation.session["status"] == "new"
    assert conversation.session["owner_kind"] == "bot"
    reasons = [
        e.data["reason"]
        for e in pg.exec(
            select(Event)
            .where(Event.conversation_id == conversation_id, Event.name == "conversation.owner_changed")
            .order_by(Event.id)
        )
    ]
    assert reasons == [
        "test",
        "picked from the queue",
        "transferred",
        f"round_robin assignment in queue {vip.name}",
        "bot can finish",
    ]


def test_csv_import_is_all_or_nothing_with_per_row_errors(pg: Session) -> None:
    workspace = make_workspace(pg)
    make_queue(pg, workspace=workspace, key="vendas", name="Vendas")
    make_queue(pg, workspace=workspace, key="suporte", name="Suporte")
    bad = (
        "name,email,role,queues\n"
        "Ana,ana@example.com,agent,vendas;suporte\n"
        "Bia,not-an-email,agent,vendas\n"
        "Caio,caio@example.com,boss,\n"
        "Duda,duda@example.com,supervisor,cozinha\n"
        "Eva,ANA@example.com,,\n"
    )
    report = agent_import.import_csv(session=pg, workspace_id=workspace.id, content=bad)
    assert not report.ok and report.added == []
    assert [line for line, _ in report.errors] == [3, 4, 5, 6]
    assert "not an e-mail" in report.errors[0][1] and "role must be one of" in report.errors[1][1]
    assert "unknown queue cozinha" in report.errors[2][1] and "also on line 2" in report.errors[3][1]
    assert pg.exec(select(User)).all() == [] and pg.exec(select(Membership)).all() == []

    good = "\ufeffName,Email,Role,Queues\nAna,ana@example.com,agent,vendas;suporte\nDuda,duda@example.com,supervisor,\n"
    report = agent_import.import_csv(session=pg, workspace_id=workspace.id, content=good.encode())
    assert report.ok and report.added == ["ana@example.com", "duda@example.com"]
    assert set(report.passwords) == {"ana@example.com", "duda@example.com"}
    listed = {a.email: a for a in agents.list_agents(session=pg, workspace_id=workspace.id)}
    assert [q["key"] for q in listed["ana@example.com"].queues] == ["suporte", "vendas"]
    assert listed["duda@example.com"].role == "supervisor" and listed["duda@example.com"].status == "offline"
    again = agent_import.import_csv(session=pg, workspace_id=workspace.id, content=good)
    assert [line for line, _ in again.errors] == [2, 3]  # already in the workspace
    assert agent_import.import_csv(session=pg, workspace_id=workspace.id, content="a,b\n1,2\n").errors == [
        (1, "missing column name, email (expected name,email,role,queues)")
    ]


def test_agents_edit_and_remove_puts_their_conversations_back_in_line(pg: Session, queued: list[int]) -> None:
    workspace = make_workspace(pg)
    bot = make_bot(pg, workspace=workspace, is_default=True)
    queue = make_queue(pg, workspace=workspace, is_default=True, key="geral")
    leaving = agent(pg, workspace, queue, capacity=1)
    [conversation_id] = _waiting(pg, workspace, bot, queue, 1)
    queue_sweep.assign_waiting(queue_id=queue.id)
    view = agents.edit_agent(
        session=pg, workspace_id=workspace.id, user_id=leaving, name="Zé", role="supervisor", capacity=4, queues=[]
    )
    assert (view.name, view.role, view.capacity, view.queues, view.load) == ("Zé", "supervisor", 4, [], 1)
    with pytest.raises(agents.AgentError, match="not an e-mail"):
        agents.edit_agent(session=pg, workspace_id=workspace.id, user_id=leaving, email="nope")
    assert agents.remove_agent(session=pg, workspace_id=workspace.id, user_id=leaving) == 1
    pg.commit()
    conversation = pg.get(Conversation, conversation_id)
    assert (conversation.owner_type, conversation.owner_queue_id) == (OwnerType.QUEUE, queue.id)
    assert agents.list_agents(session=pg, workspace_id=workspace.id) == []


def test_monitor_figures_on_a_known_set_of_conversations(pg: Session) -> None:
    workspace = make_workspace(pg)
    bot = make_bot(pg, workspace=workspace, is_default=True)
    queue = make_queue(pg, workspace=workspace, is_default=True, max_wait_seconds=300)
    other = make_queue(pg, workspace=workspace)
    ana = agent(pg, workspace, queue, capacity=3)
    agent(pg, workspace, queue, status=AgentStatus.OFFLINE)
    now = datetime.now(UTC)
    t = lambda minutes: now - timedelta(minutes=minutes)  # noqa: E731

    def conversation(**fields) -> Conversation:
        row = make_conversation(pg, workspace=workspace, bot=bot)
        for name, value in fields.items():
            setattr(row, name, value)
        pg.add(row)
        pg.flush()
        return row

    queue_owner = {
        "owner_type": OwnerType.QUEUE,
        "owner_bot_id": None,
        "owner_queue_id": queue.id,
        "queue_id": queue.id,
        "status": ConversationStatus.PENDING,
    }
    conversation(**queue_owner, waiting_since=t(10), queued_at=t(10))
    conversation(**queue_owner, waiting_since=t(2), queued_at=t(2))
    conversation(
        owner_type=OwnerType.QUEUE,
        owner_bot_id=None,
        owner_queue_id=other.id,
        queue_id=other.id,
        status=ConversationStatus.PENDING,
        waiting_since=t(1),
        queued_at=t(1),
    )
    conversation(
        owner_type=OwnerType.AGENT,
        owner_bot_id=None,
        owner_agent_id=ana,
        queue_id=queue.id,
        queued_at=t(30),
        assigned_at=t(29),
        first_response_at=t(28),
    )  # answered after 2 min
    conversation(
        queue_id=queue.id,
        queued_at=t(60),
        assigned_at=t(58),
        first_response_at=t(56),
        closed_at=t(48),
        csat_score=4,
        csat_requested_at=t(48),
    )  # back with the bot: 4 min, 10 min
    conversation(
        queue_id=queue.id, queued_at=t(3000), assigned_at=t(2999), first_response_at=t(2998), closed_at=t(2990)
    )  # two days ago: outside the period
    pg.commit()
    with Session(pg.get_bind()) as session:
        assert queue_sweep.record_sla_breaches(session=session, now=now) == 1  # only the 10-minute wait
        session.commit()
    figures = queue_monitor.monitor(session=pg, workspace_id=workspace.id, now=now)
    main = next(q for q in figures["queues"] if q["id"] == queue.id)
    assert (main["waiting"], main["in_progress"], main["agents_online"], main["agents_total"]) == (2, 1, 1, 2)
    assert 599 <= main["longest_wait_seconds"] <= 601 and main["sla_breaches"] == 1
    assert main["avg_first_response_seconds"] == pytest.approx(180, abs=1)  # (2 min + 4 min) / 2
    assert main["avg_handling_seconds"] == pytest.approx(600, abs=1)
    assert (main["csat_average"], main["csat_count"]) == (4.0, 1)
    assert next(q for q in figures["queues"] if q["id"] == other.id)["waiting"] == 1
    assert figures["totals"]["waiting"] == 3 and figures["totals"]["in_progress"] == 1
    assert {a["user_id"]: a["load"] for a in figures["agents"]}[ana] == 1
    with Session(pg.get_bind()) as session:
        assert queue_sweep.record_sla_breaches(session=session, now=now) == 0  # once per wait


def test_the_beat_sweep_assigns_freed_agents_and_records_sla_breaches(pg: Session) -> None:
    from flowstudio.tasks.assignment import sweep_queues
    from flowstudio.tasks.celery_app import create_celery

    schedule = create_celery().conf.beat_schedule
    assert schedule["queue-assignment"]["task"] == "flowstudio.assignment.sweep"
    workspace = make_workspace(pg)
    bot = make_bot(pg, workspace=workspace, is_default=True)
    queue = make_queue(pg, workspace=workspace, is_default=True, max_wait_seconds=60)
    late = agent(pg, workspace, queue, status=AgentStatus.OFFLINE, capacity=1)
    [old, fresh] = _waiting(pg, workspace, bot, queue, 2)
    stale = pg.get(Conversation, old)
    stale.waiting_since = datetime.now(UTC) - timedelta(minutes=5)
    pg.commit()
    assert sweep_queues() == {"assigned": 0, "positions_sent": 0, "sla_breaches": 1}
    assert sweep_queues()["sla_breaches"] == 0  # recorded once per wait
    agent_status.set_status(session=pg, workspace_id=workspace.id, user_id=late, status="online")
    pg.commit()
    assert sweep_queues()["assigned"] == 1
    assert _owners(pg, [old, fresh]) == [late, None]  # the longest wait first
    [breach] = pg.exec(select(Event).where(Event.name == "queue.sla_breached")).all()
    assert breach.conversation_id == old and breach.data["max_wait_seconds"] == 60
