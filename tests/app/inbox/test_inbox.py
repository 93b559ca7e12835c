"""The inbox's list: shortcuts, combined filters, search (with hostile input), unread counts, the chat pane's
view of a conversation, manual tags, quick replies and stored files. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from flowstudio.errors import Invalid
from flowstudio.models import (
    AgentQueue,
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    OwnerType,
    Priority,
    Role,
    SenderType,
    Tag,
    utcnow,
)
from flowstudio.services.inbox import chat_pane, live_updates, quick_replies
from flowstudio.services.inbox import files as inbox_files
from flowstudio.services.inbox import listing as inbox
from flowstudio.services.inbox import tags as inbox_tags
from flowstudio.services.inbox.listing import InboxError, InboxFilters
from tests.support.factories import make_bot, make_queue, make_user, make_workspace


class World:
    """A workspace with two queues, an agent serving one, a supervisor, a bot and a few conversations."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.workspace = make_workspace(session)
        self.bot = make_bot(session, workspace=self.workspace, name="Pizza bot")
        self.sales = make_queue(session, workspace=self.workspace, name="Vendas", is_default=True)
        self.support = make_queue(session, workspace=self.workspace, name="Suporte")
        self.agent = make_user(session, workspace=self.workspace, name="Ana")
        self.other = make_user(session, workspace=self.workspace, name="Bia")
        self.supervisor = make_user(session, workspace=self.workspace, role=Role.SUPERVISOR, name="Sil")
        session.add(AgentQueue(queue_id=self.sales.id, user_id=self.agent.id))
        session.flush()

    def conversation(
        self,
        *,
        name: str = "Ana Cliente",
        phone: str | None = None,
        owner: str = "bot",
        owner_id: int | None = None,
        channel: str = "webchat",
        status: str = "open",
        priority: str = "normal",
        variables: dict | None = None,
        texts: tuple[str, ...] = (),
        read: bool = False,
        queue_id: int | None = None,
    ) -> Conversation:
        contact = Contact(workspace_id=self.workspace.id, name=name, phone=phone, variables=variables or {})
        self.session.add(contact)
        self.session.flush()
        owners = {
            "bot": {"owner_bot_id": owner_id or self.bot.id},
            "queue": {"owner_queue_id": owner_id},
            "agent": {"owner_agent_id": owner_id},
        }[owner]
        conversation = Conversation(
            workspace_id=self.workspace.id,
            contact_id=contact.id,
            channel=channel,
            owner_type=OwnerType(owner),
            status=ConversationStatus(status),
            priority=Priority(priority),
            queue_id=queue_id,
            last_message_at=utcnow(),
            waiting_since=utcnow() - timedelta(seconds=90) if owner == "queue" else None,
            **owners,
        )
        self.session.add(conversation)
        self.session.flush()
        for text in texts:
            self.session.add(
                Message(
                    conversation_id=conversation.id,
                    direction=Direction.INBOUND,
                    sender_type=SenderType.CONTACT,
                    text=text,
                )
            )
        if read:
            self.session.flush()
            conversation.last_read_at = utcnow() + timedelta(seconds=1)
        self.session.flush()
        return conversation

    def ids(self, user_id: int | None = None, **filters) -> list[int]:
        rows = inbox.list_conversations(
            session=self.session,
            workspace_id=self.workspace.id,
            user_id=user_id or self.agent.id,
            filters=InboxFilters(**filters),
        )
        return sorted(row.id for row in rows)


@pytest.fixture
def world(session: Session) -> World:
    return World(session)


def test_shortcuts_mine_queue_and_all(world: World) -> None:
    mine = world.conversation(owner="agent", owner_id=world.agent.id)
    theirs = world.conversation(owner="agent", owner_id=world.other.id)
    sales = world.conversation(owner="queue", owner_id=world.sales.id, queue_id=world.sales.id)
    support = world.conversation(owner="queue", owner_id=world.support.id, queue_id=world.support.id)
    with_bot = world.conversation()

    assert world.ids(view="mine") == [mine.id]
    assert world.ids(view="queue") == [sales.id]  # an agent sees the queues they serve
    assert world.ids(world.supervisor.id, view="queue") == sorted([sales.id, support.id])
    assert world.ids(view="all") == sorted([mine.id, sales.id])  # an agent's "all": theirs and their queues'
    assert world.ids(world.supervisor.id, view="all") == sorted([mine.id, theirs.id, sales.id, support.id, with_bot.id])
    counts = inbox.counts(session=world.session, workspace_id=world.workspace.id, user_id=world.agent.id)
    assert (counts["mine"], counts["queue"], counts["all"]) == (1, 1, 2)


def test_filters_combine(world: World) -> None:
    target = world.conversation(
        owner="agent",
        owner_id=world.agent.id,
        channel="whatsapp",
        priority="urgent",
        variables={"plano": "Ouro", "cidade": "Recife"},
        queue_id=world.support.id,
    )
    world.conversation(
        owner="agent",
        owner_id=world.agent.id,
        channel="whatsapp",
        priority="normal",
        variables={"plano": "Ouro"},
        queue_id=world.support.id,
    )
    world.conversation(
        owner="agent",
        owner_id=world.agent.id,
        channel="webchat",
        priority="urgent",
        variables={"plano": "Ouro"},
        queue_id=world.support.id,
    )
    world.conversation(
        owner="agent",
        owner_id=world.agent.id,
        channel="whatsapp",
        priority="urgent",
        variables={"plano": "Prata"},
        queue_id=world.support.id,
    )
    inbox_tags.add_tag(
        session=world.session,
        workspace_id=world.workspace.id,
        conversation_id=target.id,
        name="VIP",
        actor_id=world.agent.id,
    )

    base = {"view": "all", "channel": "whatsapp", "priority": "urgent"}
    assert len(world.ids(**base)) == 2
    assert world.ids(**base, variable_name="plano", variable_value="ouro") == [target.id]
    assert world.ids(**base, variable_name="cidade") == [target.id]  # set at all
    assert world.ids(view="all", tag="vip") == [target.id]
    assert world.ids(view="all", queue_id=world.support.id, tag="VIP", agent_id=world.agent.id) == [target.id]
    assert world.ids(view="all", queue_id=world.sales.id) == []
    assert world.ids(view="all", agent_id=world.other.id) == []


def test_status_filter_defaults_to_active(world: World) -> None:
    open_ = world.conversation(owner="agent", owner_id=world.agent.id)
    closed = world.conversation(status="closed")
    archived = world.conversation(status="archived")

    boss = world.supervisor.id
    assert world.ids(boss, view="all") == [open_.id]
    assert world.ids(boss, view="all", status="closed") == [closed.id]
    assert world.ids(boss, view="all", status="archived") == [archived.id]
    assert world.ids(boss, view="all", status="any") == sorted([open_.id, closed.id, archived.id])


def test_unread_counts_and_filter(world: World) -> None:
    unread = world.conversation(owner="agent", owner_id=world.agent.id, texts=("oi", "alguém aí?"))
    world.conversation(owner="agent", owner_id=world.agent.id, texts=("oi",), read=True)

    rows = inbox.list_conversations(
        session=world.session,
        workspace_id=world.workspace.id,
        user_id=world.agent.id,
        filters=InboxFilters(view="mine"),
    )
    assert {row.id: row.unread for row in rows}[unread.id] == 2
    assert world.ids(view="mine", unread_only=True) == [unread.id]
    assert inbox.counts(session=world.session, workspace_id=world.workspace.id, user_id=world.agent.id)["unread"] == 1


def test_search_by_name_phone_and_message_text(world: World) -> None:
    by_name = world.conversation(name="Joana Prado")
    by_phone = world.conversation(name="X", phone="+5581999990000")
    by_text = world.conversation(name="Y", texts=("Meu pedido 50% atrasado",))

    boss = world.supervisor.id
    assert world.ids(boss, view="all", search="joana") == [by_name.id]
    assert world.ids(boss, view="all", search="99999") == [by_phone.id]
    assert world.ids(boss, view="all", search="PEDIDO") == [by_text.id]
    assert world.ids(boss, view="all", search="50%") == [by_text.id]
    assert world.ids(boss, view="all", search="%") == [by_text.id]  # % is a character, not a wildcard


@pytest.mark.parametrize(
    "hostile",
    ["' OR '1'='1", "'; DROP TABLE conversation; --", '" OR 1=1 --', "_", "x') UNION SELECT id FROM app_user --"],
)
def test_sql_injection_in_search_and_filters_changes_nothing(world: World, hostile: str) -> None:
    world.conversation(name="Ana", texts=("oi",))
    world.conversation(name="Bruno", variables={"plano": "Ouro"})

    boss = world.supervisor.id
    assert world.ids(boss, view="all", search=hostile) == []
    assert world.ids(boss, view="all", variable_name=hostile, variable_value=hostile) == []
    assert world.ids(boss, view="all", tag=hostile) == []
    assert len(world.ids(boss, view="all")) == 2  # the tables are all still there
    assert len(world.session.exec(select(Conversation)).all()) == 2


def test_unknown_filter_values_are_refused(world: World) -> None:
    for bad in ({"view": "everything"}, {"status": "deleted"}, {"priority": "asap"}):
        with pytest.raises(InboxError):
            world.ids(**bad)


def test_detail_renders_every_sender_and_kind_as_plain_data(world: World) -> None:
    conversation = world.conversation(owner="agent", owner_id=world.agent.id, variables={"nome": "Ana", "idade": 30})
    session = world.session
    session.add_all(
        [
            Message(
                conversation_id=conversation.id,
                direction=Direction.INBOUND,
                sender_type=SenderType.CONTACT,
                text="<b>oi</b>",
            ),
            Message(
                conversation_id=conversation.id,
                direction=Direction.OUTBOUND,
                sender_type=SenderType.BOT,
                kind="buttons",
                payload={
                    "type": "buttons",
                    "text": "Como posso ajudar?",
                    "buttons": [{"id": "a", "label": "Pedido"}, {"id": "b", "label": "Humano"}],
                },
            ),
            Message(
                conversation_id=conversation.id,
                direction=Direction.OUTBOUND,
                sender_type=SenderType.BOT,
                kind="template",
                payload={
                    "type": "template",
                    "name": "pedido_ok",
                    "language": "pt_BR",
                    "parameters": ["123"],
                    "fallback_text": None,
                },
            ),
            Message(
                conversation_id=conversation.id,
                direction=Direction.OUTBOUND,
                sender_type=SenderType.AGENT,
                sender_user_id=world.agent.id,
                kind="media",
                payload={"type": "media", "media_type": "image", "url": "/api/v1/media/1/abcdefgh/x.png"},
            ),
        ]
    )
    session.flush()

    detail = chat_pane.conversation_detail(
        session=session, workspace_id=world.workspace.id, user_id=world.agent.id, conversation_id=conversation.id
    )
    messages = detail["messages"]
    assert [(m["side"], m["sender"], m["kind"]) for m in messages] == [
        ("in", "contact", "text"),
        ("out", "bot", "buttons"),
        ("out", "bot", "template"),
        ("out", "agent", "image"),
    ]
    assert messages[0]["text"] == "<b>oi</b>"  # kept as text; the page never renders it as HTML
    assert messages[1]["buttons"] == ["Pedido", "Humano"]
    assert messages[2]["text"] == "pedido_ok: 123"
    assert messages[3]["image_url"].endswith("x.png") and messages[3]["author"] == "Ana"
    assert detail["variables"] == [{"name": "idade", "value": "30"}, {"name": "nome", "value": "Ana"}]
    assert detail["can_write"] and detail["can_close"] and not detail["can_pick"]
    boss = chat_pane.conversation_detail(
        session=session, workspace_id=world.workspace.id, user_id=world.supervisor.id, conversation_id=conversation.id
    )
    assert not boss["can_write"] and boss["can_close"]  # a supervisor may close an agent's conversation
    with pytest.raises(InboxError):
        chat_pane.conversation_detail(
            session=session,
            workspace_id=make_workspace(session).id,
            user_id=world.agent.id,
            conversation_id=conversation.id,
        )


def test_tags_added_once_case_insensitively_and_removed(world: World) -> None:
    conversation = world.conversation(owner="agent", owner_id=world.agent.id)
    for name in ("não entendido", "NÃO  entendido"):
        inbox_tags.add_tag(
            session=world.session,
            workspace_id=world.workspace.id,
            conversation_id=conversation.id,
            name=name,
            actor_id=world.agent.id,
        )
    detail = chat_pane.conversation_detail(
        session=world.session, workspace_id=world.workspace.id, user_id=world.agent.id, conversation_id=conversation.id
    )
    assert detail["tags"] == ["não entendido"]
    for bad in ("", "   ", "x" * 65):
        with pytest.raises(InboxError):
            inbox_tags.add_tag(
                session=world.session,
                workspace_id=world.workspace.id,
                conversation_id=conversation.id,
                name=bad,
                actor_id=world.agent.id,
            )
    inbox_tags.remove_tag(
        session=world.session,
        workspace_id=world.workspace.id,
        conversation_id=conversation.id,
        name="não entendido",
        actor_id=world.agent.id,
    )
    assert world.ids(view="all", tag="não entendido") == []
    with pytest.raises(InboxError):  # another agent's conversation is not theirs to tag
        inbox_tags.add_tag(
            session=world.session,
            workspace_id=world.workspace.id,
            conversation_id=conversation.id,
            name="vip",
            actor_id=world.other.id,
        )
    assert world.session.exec(select(Tag).where(Tag.workspace_id == world.workspace.id)).one().name == "não entendido"


def test_signature_changes_with_a_new_message(world: World) -> None:
    conversation = world.conversation()
    before = live_updates.signature(session=world.session, workspace_id=world.workspace.id)
    assert live_updates.signature(session=world.session, workspace_id=world.workspace.id) == before
    world.session.add(
        Message(conversation_id=conversation.id, direction=Direction.INBOUND, sender_type=SenderType.CONTACT, text="oi")
    )
    world.session.flush()
    assert live_updates.signature(session=world.session, workspace_id=world.workspace.id) != before


def test_quick_replies_default_then_saved_and_validated() -> None:
    assert [r["title"] for r in quick_replies.quick_replies(workspace_id=7, language="en")][0] == "Greeting"
    saved = quick_replies.save_quick_replies(workspace_id=7, items=[{"title": " Oi ", "text": "Olá!"}])
    assert quick_replies.quick_replies(workspace_id=7, language="en") == saved == [{"title": "Oi", "text": "Olá!"}]
    for bad in ([{"title": "", "text": "x"}], [{"title": "x" * 41, "text": "x"}], [{"title": "t", "text": "x"}] * 31):
        with pytest.raises(Invalid):
            quick_replies.save_quick_replies(workspace_id=7, items=bad)
    assert quick_replies.quick_replies(workspace_id=7) == saved  # a refused save keeps what was there
    with pytest.raises(Invalid) as refused:
        quick_replies.save_quick_replies(workspace_id=7, items=[{"title": "", "text": "x"}])
    assert refused.value.text("pt-BR") == "Cada resposta rápida precisa de um título e um texto."


def test_stored_files_are_served_only_by_their_exact_path() -> None:
    stored = inbox_files.store_file(workspace_id=3, filename="../../etc/Cardápio final.png", data=b"\x89PNG....")
    assert stored["media_type"] == "image" and stored["filename"] == "Cardápio final.png"
    workspace, token, name = stored["path"].split("/")[-3:]
    path, content_type, inline = inbox_files.media_file(int(workspace), token, name)
    assert path.read_bytes() == b"\x89PNG...." and content_type == "image/png" and inline
    assert inbox_files.media_file(int(workspace), token, "..") is None
    assert inbox_files.media_file(int(workspace) + 1, token, name) is None
    page = inbox_files.store_file(workspace_id=3, filename="page.html", data=b"<script>alert(1)</script>")
    assert page["media_type"] == "document"
    assert inbox_files.media_file(3, *page["path"].split("/")[-2:])[1:] == ("application/octet-stream", False)
    with pytest.raises(InboxError):
        inbox_files.store_file(workspace_id=3, filename="empty.txt", data=b"")
