"""Encryption at rest: sealed bodies and sensitive variables in the database, plaintext for the engine and
for members granted the permission, a marker for everyone else (inbox and API), key rotation. On SQLite
and PostgreSQL."""

from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from flowstudio import crypto
from flowstudio.api import create_api
from flowstudio.db import engine_for, session_scope
from flowstudio.models import (
    AgentQueue,
    Contact,
    Conversation,
    DeliveryStatus,
    Direction,
    Membership,
    Message,
    OwnerType,
    Role,
    SenderType,
    WorkspaceSettings,
    sealing,
    utcnow,
)
from flowstudio.services.assignment import conversation_actions, owner_actions
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.inbox import chat_pane
from flowstudio.services.inbox import listing as inbox
from flowstudio.services.inbox.listing import InboxFilters
from flowstudio.services.privacy import access as privacy
from tests.conftest import use_env
from tests.support.factories import make_bot, make_queue, make_user, make_workspace

CPF = "123.456.789-09"
SECRET_TEXT = "meu cpf é 123.456.789-09"


class World:
    """One workspace that encrypts (cpf is sensitive), one that does not; an agent, a granted agent, an admin."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.workspace = make_workspace(session)
        self.plain_workspace = make_workspace(session)
        session.add(
            WorkspaceSettings(workspace_id=self.workspace.id, encrypt_messages=True, sensitive_variables=["cpf"])
        )
        self.bot = make_bot(session, workspace=self.workspace)
        self.plain_bot = make_bot(session, workspace=self.plain_workspace)
        self.agent = make_user(session, workspace=self.workspace, name="Ana")
        self.special = make_user(session, workspace=self.workspace, name="Bia")
        self.admin = make_user(session, workspace=self.workspace, role=Role.ADMIN, name="Adm")
        membership = session.exec(sa.select(Membership).where(Membership.user_id == self.special.id)).scalar_one()
        membership.can_read_encrypted = True
        session.add(membership)
        self.queue = make_queue(session, workspace=self.workspace, name="Atendimento", is_default=True)
        session.add_all(
            [
                AgentQueue(queue_id=self.queue.id, user_id=self.agent.id),
                AgentQueue(queue_id=self.queue.id, user_id=self.special.id),
            ]
        )
        session.commit()
        self.conversation = self.talk(self.workspace, self.bot, queue=self.queue)  # agents see their queue's
        self.plain_conversation = self.talk(self.plain_workspace, self.plain_bot)

    def talk(self, workspace, bot, queue=None) -> Conversation:
        contact = Contact(workspace_id=workspace.id, name="Carla", variables={"cpf": CPF, "city": "Recife"})
        self.session.add(contact)
        self.session.flush()
        owner = (
            {"owner_type": OwnerType.QUEUE, "owner_queue_id": queue.id}
            if queue
            else {"owner_type": OwnerType.BOT, "owner_bot_id": bot.id}
        )
        conversation = Conversation(
            workspace_id=workspace.id,
            contact_id=contact.id,
            channel="webchat",
            last_message_at=utcnow(),
            **owner,
            session={"variables": {"cpf": CPF, "pedido": 42}, "contact": {"name": "Carla"}},
        )
        self.session.add(conversation)
        self.session.flush()
        self.session.add(
            Message(
                conversation_id=conversation.id,
                direction=Direction.INBOUND,
                sender_type=SenderType.CONTACT,
                text=SECRET_TEXT,
                status=DeliveryStatus.RECEIVED,
            )
        )
        self.session.add(
            Message(
                conversation_id=conversation.id,
                direction=Direction.OUTBOUND,
                kind="buttons",
                sender_type=SenderType.BOT,
                text="Obrigado, Carla",
                payload={
                    "type": "buttons",
                    "text": "Obrigado, Carla",
                    "buttons": [{"id": "b1", "label": "Pedido de Carla"}],
                },
            )
        )
        self.session.commit()
        return conversation

    def raw(self, sql: str, **params) -> list:
        with engine_for(str(self.session.get_bind().url.render_as_string(hide_password=False))).connect() as c:
            return [tuple(row) for row in c.execute(sa.text(sql), params)]


@pytest.fixture
def world(session: Session) -> World:
    return World(session)


def _dump(rows: list) -> str:
    return json.dumps(rows, default=str, ensure_ascii=False)


def test_the_database_holds_no_plaintext_of_an_encrypting_workspace(world: World) -> None:
    rows = world.raw("SELECT text, payload FROM message WHERE conversation_id = :c", c=world.conversation.id)
    stored = _dump(rows)
    assert "cpf" not in stored and "Carla" not in stored and "Obrigado" not in stored
    assert all(crypto.is_sealed(text) for text, _ in rows)
    variables = _dump(world.raw("SELECT variables FROM contact WHERE id = :c", c=world.conversation.contact_id))
    assert CPF not in variables and "Recife" in variables  # only the sensitive variable is sealed
    session_data = _dump(world.raw("SELECT session FROM conversation WHERE id = :c", c=world.conversation.id))
    assert CPF not in session_data and "42" in session_data
    plain = _dump(world.raw("SELECT text FROM message WHERE conversation_id = :c", c=world.plain_conversation.id))
    assert "cpf" in plain  # the other workspace does not encrypt


def test_loaded_objects_hold_plaintext_for_the_engine_and_deliveries(world: World) -> None:
    with session_scope() as session:
        messages = (
            session.exec(
                sa.select(Message).where(Message.conversation_id == world.conversation.id).order_by(Message.id)
            )
            .scalars()
            .all()
        )
        contact = session.get(Contact, world.conversation.contact_id)
        conversation = session.get(Conversation, world.conversation.id)
        assert messages[0].text == SECRET_TEXT
        assert messages[1].payload["buttons"][0]["label"] == "Pedido de Carla"
        assert contact.variables == {"cpf": CPF, "city": "Recife"}
        assert conversation.session["variables"] == {"cpf": CPF, "pedido": 42}
        contact.variables = {**contact.variables, "cpf": "999"}  # written again: sealed again
    assert "999" not in _dump(world.raw("SELECT variables FROM contact WHERE id = :c", c=world.conversation.contact_id))


def test_an_agent_message_through_the_real_service_is_sealed(world: World) -> None:
    with session_scope() as session:
        conversation = session.get(Conversation, world.conversation.id)
        conversation.owner_type, conversation.owner_queue_id, conversation.owner_agent_id = (
            OwnerType.AGENT,
            None,
            world.agent.id,
        )
    result = conversation_actions.send_agent_message(
        conversation_id=world.conversation.id, agent_id=world.agent.id, text="Seu protocolo é 7781"
    )
    assert result.deliveries
    assert "7781" not in _dump(
        world.raw("SELECT text, payload FROM message WHERE conversation_id = :c", c=world.conversation.id)
    )


def test_a_body_moved_to_another_conversation_does_not_open(world: World) -> None:
    (sealed,) = world.raw(
        "SELECT text FROM message WHERE conversation_id = :c AND direction = 'inbound'", c=world.conversation.id
    )[0]
    other = world.talk(world.workspace, world.bot, queue=world.queue)
    with engine_for(str(world.session.get_bind().url.render_as_string(hide_password=False))).begin() as c:
        c.execute(
            sa.text("UPDATE message SET text = :t WHERE conversation_id = :c AND direction = 'inbound'"),
            {"t": sealed, "c": other.id},
        )
    with session_scope() as session:
        moved = session.exec(
            sa.select(Message).where(Message.conversation_id == other.id, Message.direction == Direction.INBOUND)
        ).scalar_one()
        assert moved.text == sealed  # left sealed: shown as the marker, never as someone else's text
        detail = chat_pane.conversation_detail(
            session=session, workspace_id=world.workspace.id, user_id=world.special.id, conversation_id=other.id
        )
    assert SECRET_TEXT not in _dump(detail)


def test_the_inbox_redacts_for_members_without_the_permission(world: World) -> None:
    def detail(user_id: int, language: str = "pt-BR") -> dict:
        return chat_pane.conversation_detail(
            session=world.session,
            workspace_id=world.workspace.id,
            user_id=user_id,
            conversation_id=world.conversation.id,
            language=language,
        )

    hidden = detail(world.agent.id)
    assert [m["text"] for m in hidden["messages"]] == ["🔒 mensagem criptografada"] * 2
    assert hidden["messages"][1]["buttons"] == []
    assert {v["name"]: v["value"] for v in hidden["variables"]} == {
        "cpf": "🔒 mensagem criptografada",
        "city": "Recife",
    }
    assert detail(world.admin.id, "en")["messages"][0]["text"] == "🔒 encrypted message"  # a role is not a grant
    shown = detail(world.special.id)
    assert shown["messages"][0]["text"] == SECRET_TEXT and shown["messages"][1]["buttons"] == ["Pedido de Carla"]
    assert {v["name"]: v["value"] for v in shown["variables"]}["cpf"] == CPF
    rows = inbox.list_conversations(
        session=world.session,
        workspace_id=world.workspace.id,
        user_id=world.agent.id,
        filters=InboxFilters(view="all"),
        language="es",
    )
    assert rows[0].preview == "🔒 mensaje cifrado"
    rows = inbox.list_conversations(
        session=world.session,
        workspace_id=world.workspace.id,
        user_id=world.special.id,
        filters=InboxFilters(view="all"),
    )
    assert rows[0].preview == "Obrigado, Carla"


def test_searching_encrypted_bodies_finds_nothing_and_does_not_fail(world: World) -> None:
    found = inbox.list_conversations(
        session=world.session,
        workspace_id=world.workspace.id,
        user_id=world.special.id,
        filters=InboxFilters(view="all", search="cpf"),
    )
    assert found == []
    by_name = inbox.list_conversations(
        session=world.session,
        workspace_id=world.workspace.id,
        user_id=world.special.id,
        filters=InboxFilters(view="all", search="Carla"),
    )
    assert [row.id for row in by_name] == [world.conversation.id]  # contact fields are not encrypted


def test_the_api_redacts_for_tokens_that_may_not_read(world: World) -> None:
    admin_token = create_token(session=world.session, workspace_id=world.workspace.id, name="crm")
    agent_token = create_token(
        session=world.session, workspace_id=world.workspace.id, name="bi", role=Role.DEVELOPER
    )  # not an admin token: it may not read
    world.session.commit()
    client = TestClient(create_api(), raise_server_exceptions=False)
    url = f"/api/v1/conversations/{world.conversation.id}"
    hidden = client.get(url, headers={"Authorization": f"Bearer {agent_token}", "Accept-Language": "en"}).json()
    assert [(m["text"], m["payload"], m["redacted"]) for m in hidden["messages"]] == [
        ("🔒 encrypted message", {}, True)
    ] * 2
    shown = client.get(url, headers={"Authorization": f"Bearer {admin_token}"}).json()
    assert shown["messages"][0]["text"] == SECRET_TEXT and not shown["messages"][0]["redacted"]
    contact_url = f"/api/v1/contacts/{world.conversation.contact_id}"
    assert (
        client.get(contact_url, headers={"Authorization": f"Bearer {agent_token}"})
        .json()["variables"]["cpf"]
        .startswith("🔒")
    )
    assert client.get(contact_url, headers={"Authorization": f"Bearer {admin_token}"}).json()["variables"]["cpf"] == CPF


@pytest.fixture
def old_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A configured key `k1` (set before the world's rows are written)."""
    key = f"k1:{crypto.new_key()}"
    use_env(monkeypatch, FLOWSTUDIO_ENCRYPTION_KEYS=key)
    return key


def test_rotation_old_keys_still_open_then_reencrypt_lets_the_old_key_go(
    old_key: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = old_key
    other = world.talk(world.workspace, world.bot)  # sealed with k1
    assert all(
        t.startswith("fs1:k1:") for (t,) in world.raw("SELECT text FROM message WHERE conversation_id = :c", c=other.id)
    )
    use_env(monkeypatch, FLOWSTUDIO_ENCRYPTION_KEYS=f"k2:{crypto.new_key()},{old}")
    with session_scope() as session:  # old rows still open
        assert (
            session.exec(sa.select(Message).where(Message.conversation_id == other.id).order_by(Message.id))
            .scalars()
            .first()
            .text
            == SECRET_TEXT
        )
    done = privacy.reencrypt(batch_size=3)
    assert done.failed == [] and done.messages >= 4 and done.contacts >= 1
    texts = [t for (t,) in world.raw("SELECT text FROM message WHERE conversation_id = :c", c=other.id)]
    assert all(t.startswith("fs1:k2:") for t in texts)
    use_env(monkeypatch, FLOWSTUDIO_ENCRYPTION_KEYS=_current_key_only())
    with session_scope() as session:
        assert (
            session.exec(sa.select(Message).where(Message.conversation_id == other.id).order_by(Message.id))
            .scalars()
            .first()
            .text
            == SECRET_TEXT
        )
        assert session.get(Contact, other.contact_id).variables["cpf"] == CPF
    assert privacy.reencrypt().counts() == {
        "messages": 0,
        "contacts": 0,
        "conversations": 0,
        "channels": 0,
        "failed": 0,
    }


def _current_key_only() -> str:
    import os

    return os.environ["FLOWSTUDIO_ENCRYPTION_KEYS"].split(",")[0]


def test_turning_encryption_on_seals_older_rows_with_reencrypt(world: World) -> None:
    with session_scope() as session:
        settings = session.get(WorkspaceSettings, world.workspace.id)
        session.delete(settings)
    sealing.forget_policies()
    before = world.talk(world.workspace, world.bot)
    assert "cpf" in _dump(world.raw("SELECT text FROM message WHERE conversation_id = :c", c=before.id))
    with session_scope() as session:
        session.add(
            WorkspaceSettings(workspace_id=world.workspace.id, encrypt_messages=True, sensitive_variables=["cpf"])
        )
    done = privacy.reencrypt(workspace_id=world.workspace.id)
    assert done.failed == [] and done.messages == 2
    assert "cpf" not in _dump(world.raw("SELECT text, payload FROM message WHERE conversation_id = :c", c=before.id))
    assert "cpf" in _dump(
        world.raw("SELECT text FROM message WHERE conversation_id = :c", c=world.plain_conversation.id)
    )  # another workspace's rows untouched


def test_sealing_and_opening_one_body_takes_microseconds() -> None:
    ring = crypto.Keyring.parse(f"k1:{crypto.new_key()}")
    text = "Olá! Quero pedir uma pizza grande de calabresa para entrega às 20h, por favor." * 2
    rounds = 2000
    started = time.perf_counter()
    for _ in range(rounds):
        ring.open(ring.seal(text, "message:42"), "message:42")
    per_message = (time.perf_counter() - started) / rounds
    assert per_message < 200e-6, f"{per_message * 1e6:.1f} µs per seal+open"


def test_the_keys_rotate_command_reseals_and_says_when_old_keys_can_go(
    old_key: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from flowstudio.cli import app

    runner = CliRunner()
    new = runner.invoke(app, ["keys", "new", "--id", "k2"])
    assert new.exit_code == 0 and new.stdout.startswith("k2:")
    lost = f"k3:{crypto.new_key()}"  # the old key dropped too early: nothing opens, the command says so
    use_env(monkeypatch, FLOWSTUDIO_ENCRYPTION_KEYS=lost)
    failed = runner.invoke(app, ["keys", "rotate"])
    assert failed.exit_code == 1 and "keep the old keys" in failed.stderr
    use_env(monkeypatch, FLOWSTUDIO_ENCRYPTION_KEYS=f"{new.stdout.strip()},{old_key}")
    rotated = runner.invoke(app, ["keys", "rotate", "--batch-size", "2"])
    assert rotated.exit_code == 0, rotated.output
    assert json.loads(rotated.stdout.splitlines()[0])["current_key"] == "k2"
    assert all(
        t.startswith("fs1:k2:")
        for (t,) in world.raw(
            "SELECT text FROM message WHERE text IS NOT NULL AND conversation_id = :c", c=world.conversation.id
        )
    )


def test_rerouting_reads_the_customers_last_message_in_plaintext(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = owner_actions.placement.facts_for

    def spy(*, session, conversation, text):
        seen.append(text)
        return real(session=session, conversation=conversation, text=text)

    monkeypatch.setattr(owner_actions.placement, "facts_for", spy)
    with session_scope() as session:
        conversation = session.get(Conversation, world.conversation.id)
        owner_actions.reroute(session=session, conversation=conversation)
    assert seen == [SECRET_TEXT]  # what the rules match on, not the sealed text the database holds
