"""A turn's writes: the conversation row and its new messages written directly, sealed at rest like the
ORM's flush would, the session left as a flush leaves it; anything else pending still goes through the
flush. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio import crypto
from flowstudio.db import engine_for, session_scope
from flowstudio.models import (
    Contact,
    Conversation,
    DeliveryStatus,
    Direction,
    Event,
    Message,
    OwnerType,
    SenderType,
    WorkspaceSettings,
    sealing,
    utcnow,
)
from flowstudio.services.conversations.turn_writes import flush_turn
from tests.conftest import use_env
from tests.support.factories import make_bot, make_workspace

CPF = "123.456.789-09"


def _conversation(session: Session, *, encrypt: bool) -> int:
    workspace = make_workspace(session)
    if encrypt:
        session.add(WorkspaceSettings(workspace_id=workspace.id, encrypt_messages=True, sensitive_variables=["cpf"]))
    bot = make_bot(session, workspace=workspace)
    contact = Contact(workspace_id=workspace.id, name="Carla")
    session.add(contact)
    session.flush()
    conversation = Conversation(
        workspace_id=workspace.id,
        contact_id=contact.id,
        channel="webchat",
        owner_type=OwnerType.BOT,
        owner_bot_id=bot.id,
        session={"variables": {}},
    )
    session.add(conversation)
    session.commit()
    return conversation.id


def _turn(session: Session, conversation: Conversation, n: int, *, keys: str = "") -> list[Message]:
    """What a turn leaves pending: the customer's message, two replies, the conversation's new session and times
    (idempotency keys prefixed with `keys`)."""
    messages = [
        Message(
            conversation_id=conversation.id,
            direction=Direction.INBOUND,
            sender_type=SenderType.CONTACT,
            text=f"meu cpf é {CPF}",
            idempotency_key=f"{keys}in:{n}",
            status=DeliveryStatus.RECEIVED,
        ),
        Message(
            conversation_id=conversation.id,
            direction=Direction.OUTBOUND,
            sender_type=SenderType.BOT,
            text="Obrigado, Carla",
            payload={"type": "text", "text": "Obrigado, Carla"},
            idempotency_key=f"{keys}out:{n}:0",
            status=DeliveryStatus.QUEUED,
        ),
        Message(
            conversation_id=conversation.id,
            direction=Direction.OUTBOUND,
            sender_type=SenderType.BOT,
            kind="buttons",
            text="E agora?",
            idempotency_key=f"{keys}out:{n}:1",
            status=DeliveryStatus.QUEUED,
            payload={"type": "buttons", "text": "E agora?", "buttons": [{"id": "b1", "label": "Pedido"}]},
        ),
    ]
    session.add_all(messages)
    conversation.session = {"variables": {"cpf": CPF, "pedido": n}, "cursor": f"node{n}"}
    conversation.last_inbound_at = conversation.last_message_at = conversation.updated_at = utcnow()
    session.add(conversation)
    return messages


def _raw(session: Session, sql: str, **params) -> list[tuple]:
    with engine_for(session.get_bind().url.render_as_string(hide_password=False)).connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql), params)]


def _recording(session: Session) -> tuple[list[str], object]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "PRAGMA")):
            statements.append(" ".join(statement.split()[:3]))

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", record)
    return statements, lambda: sa.event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("encrypt", [False, True], ids=["plain", "encrypting"])
def test_a_turn_is_written_in_two_statements_and_reads_back_the_same(session: Session, encrypt: bool) -> None:
    conversation_id = _conversation(session, encrypt=encrypt)
    with session_scope() as db:
        conversation = db.get(Conversation, conversation_id)
        sealing.policy_for(db, conversation.workspace_id)  # cached, as it is after a process's first turn
        statements, stop = _recording(db)
        try:
            messages = _turn(db, conversation, 1)
            flush_turn(db, conversation)
            written = list(statements)
            assert not db.new and not db.dirty  # left as a flush leaves it: nothing more to write at commit
            ids = [message.id for message in messages]
        finally:
            stop()
    assert written == ["UPDATE conversation SET", "INSERT INTO message"] or (
        session.get_bind().dialect.name == "sqlite"
        and written[0] == "UPDATE conversation SET"
        and set(written[1:]) == {"INSERT INTO message"}
    ), written
    assert ids == sorted(ids) and len(set(ids)) == 3  # in the order the turn added them

    with session_scope() as db:  # what the engine, deliveries and exports read: plaintext, as written
        stored = db.exec(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)).all()
        assert [m.id for m in stored] == ids
        assert [(m.text, m.payload, m.status) for m in stored] == [(m.text, m.payload, m.status) for m in messages]
        assert db.get(Conversation, conversation_id).session == {
            "variables": {"cpf": CPF, "pedido": 1},
            "cursor": "node1",
        }
    at_rest = json.dumps(
        _raw(session, "SELECT text, payload FROM message WHERE conversation_id = :c", c=conversation_id)
        + _raw(session, "SELECT session FROM conversation WHERE id = :c", c=conversation_id),
        default=str,
        ensure_ascii=False,
    )
    assert (CPF in at_rest, "Carla" in at_rest, "Pedido" in at_rest) == (not encrypt,) * 3
    if encrypt:
        texts = _raw(session, "SELECT text FROM message WHERE conversation_id = :c", c=conversation_id)
        assert all(crypto.is_sealed(text) for (text,) in texts)
        assert "pedido" in at_rest and "node1" in at_rest  # only the sensitive variable is sealed


def test_anything_else_pending_goes_through_the_flush(session: Session) -> None:
    conversation_id = _conversation(session, encrypt=True)
    with session_scope() as db:
        conversation = db.get(Conversation, conversation_id)
        _turn(db, conversation, 1)
        db.add(Event(workspace_id=conversation.workspace_id, conversation_id=conversation_id, name="bot.event"))
        contact = db.get(Contact, conversation.contact_id)
        contact.variables = {"cpf": CPF}
        db.add(contact)
        flush_turn(db, conversation)
        assert not db.new and not db.dirty
    assert _raw(session, "SELECT name FROM event WHERE conversation_id = :c", c=conversation_id) == [("bot.event",)]
    assert len(_raw(session, "SELECT id FROM message WHERE conversation_id = :c", c=conversation_id)) == 3
    stored = json.dumps(
        _raw(session, "SELECT variables FROM contact WHERE id = :c", c=conversation.contact_id)
        + _raw(session, "SELECT session FROM conversation WHERE id = :c", c=conversation_id),
        default=str,
    )
    assert CPF not in stored  # sealed by the flush listener, as before


def test_a_duplicate_key_fails_the_turn_and_keeps_what_was_stored(session: Session) -> None:
    conversation_id = _conversation(session, encrypt=False)
    with session_scope() as db:
        _turn(db, db.get(Conversation, conversation_id), 1)
        flush_turn(db, db.get(Conversation, conversation_id))
    with pytest.raises(sa.exc.IntegrityError), session_scope() as db:
        conversation = db.get(Conversation, conversation_id)
        _turn(db, conversation, 1)  # the same idempotency keys: the unique key refuses the second copy
        flush_turn(db, conversation)
    assert len(_raw(session, "SELECT id FROM message WHERE conversation_id = :c", c=conversation_id)) == 3
    with session_scope() as db:
        assert db.get(Conversation, conversation_id).session["cursor"] == "node1"  # the failed turn left nothing


def _stored(session: Session, conversation_id: int, keys: str) -> list[dict]:
    """The conversation's row and its messages' rows as stored, with what differs between two conversations
    by construction left out (their ids, the prefix of the idempotency keys, when they were created) and
    sealed values (random nonces) reduced to the fact that they are sealed."""

    def comparable(value):
        if isinstance(value, str) and value[:1] in "{[":
            value = json.loads(value)  # (SQLite returns JSON columns as text)
        if isinstance(value, dict):
            return {key: comparable(item) for key, item in value.items()}
        if isinstance(value, list):
            return [comparable(item) for item in value]
        return "<sealed>" if crypto.is_sealed(value) else value

    different = {"id", "workspace_id", "contact_id", "owner_bot_id", "conversation_id", "created_at"}
    url = session.get_bind().url.render_as_string(hide_password=False)
    with engine_for(url).connect() as connection:
        rows = [
            *connection.execute(sa.text("SELECT * FROM conversation WHERE id = :c"), {"c": conversation_id}).mappings(),
            *connection.execute(
                sa.text("SELECT * FROM message WHERE conversation_id = :c ORDER BY id"), {"c": conversation_id}
            ).mappings(),
        ]
    stored = [{key: comparable(value) for key, value in row.items() if key not in different} for row in rows]
    for row in stored[1:]:
        row["idempotency_key"] = row["idempotency_key"].removeprefix(keys)
    return stored


@pytest.mark.parametrize("encrypt", [False, True], ids=["plain", "encrypting"])
def test_the_fast_and_the_plain_path_leave_the_same_rows(
    session: Session, encrypt: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    when = utcnow()
    stored = {}
    for fast in ("1", "0"):  # FLOWSTUDIO_FAST_PATH: the direct statements, then the ORM's flush
        use_env(monkeypatch, FLOWSTUDIO_FAST_PATH=fast)
        conversation_id = _conversation(session, encrypt=encrypt)
        with session_scope() as db:
            conversation = db.get(Conversation, conversation_id)
            messages = _turn(db, conversation, 1, keys=f"fast={fast}:")
            for message in messages:
                message.created_at = message.updated_at = when
            conversation.last_inbound_at = conversation.last_message_at = conversation.updated_at = when
            flush_turn(db, conversation)
            assert not db.new and not db.dirty
            assert all(message.id is not None for message in messages)
        stored[fast] = _stored(session, conversation_id, f"fast={fast}:")
    assert len(stored["1"]) == 4 and stored["1"][1]["text"] == ("<sealed>" if encrypt else f"meu cpf é {CPF}")
    assert stored["1"] == stored["0"]


def test_the_plain_path_is_the_orms_flush(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from flowstudio.services.conversations import turn_writes

    use_env(monkeypatch, FLOWSTUDIO_FAST_PATH="0")
    monkeypatch.setattr(turn_writes, "_as_flushed", lambda *_args: pytest.fail("took the fast path"))
    monkeypatch.setattr(turn_writes, "_update_of", lambda *_args: pytest.fail("took the fast path"))
    conversation_id = _conversation(session, encrypt=False)
    with session_scope() as db:
        conversation = db.get(Conversation, conversation_id)
        messages = _turn(db, conversation, 1)
        flush_turn(db, conversation)
        assert not db.new and not db.dirty and all(message.id for message in messages)
    assert len(_raw(session, "SELECT id FROM message WHERE conversation_id = :c", c=conversation_id)) == 3
