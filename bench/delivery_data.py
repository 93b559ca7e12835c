"""The data `bench/delivery.py` delivers: a database with a workspace, a bot and a WhatsApp channel pointed at the
fake Graph API, and replies queued in bulk (one contact, identity and conversation each, rows inserted by
SQLAlchemy Core, as many as asked, fast enough for 100,000).

The replies are engine outputs as the pizzaria flow sends them: three texts, then a message with three reply
buttons (rendered as an `interactive` `button` message: a WhatsApp message with a shape of its own and the one
kind for which delivery reads the conversation's language). What goes out for them is exactly Meta's documented
request bodies (developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages, "Text messages";
developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages),
as `flowstudio.channels.whatsapp.render` builds them.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

PHONE_NUMBER_ID = "106540352242922"
TOKEN = "EAAG-bench-token"
BUTTONS = [
    {"id": "menu", "label": "Cardápio"},
    {"id": "order", "label": "Fazer pedido"},
    {"id": "human", "label": "Atendente"},
]


@dataclass
class Bench:
    """The run's workspace, bot and channel, and what each queued reply is (id -> (recipient, engine output))."""

    workspace_id: int
    bot_id: int
    channel_id: int
    phone_number_id: str = PHONE_NUMBER_ID
    token: str = TOKEN
    replies: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    contacts: int = 0


def output(number: int) -> dict[str, Any]:
    """The engine output of reply `number`: texts, every fourth one reply buttons."""
    if number % 4 == 3:
        return {"type": "buttons", "text": "Posso ajudar em mais alguma coisa?", "buttons": BUTTONS}
    return {"type": "text", "text": f"Seu pedido nº {number} saiu para entrega e chega em cerca de 30 minutos. 🍕"}


def prepare(postgres: str, database: str, graph_url: str) -> tuple[str, Bench]:
    """Create and migrate `database` (DATABASE_URL of this process from now on) with a workspace, a bot and a
    WhatsApp channel whose `graph_base_url` is `graph_url`; returns its URL and the bench's ids."""
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
    url = admin.url.set(database=database).render_as_string(hide_password=False)
    admin.dispose()
    os.environ["DATABASE_URL"] = url
    from flowstudio.db import session_scope
    from flowstudio.models import Bot, Workspace
    from flowstudio.services.integrations.channels import create_channel
    from flowstudio.services.system import migrations

    migrations.upgrade(url)
    with session_scope() as session:
        workspace = Workspace(name="Bench", slug=f"bench-{uuid.uuid4().hex[:8]}")
        session.add(workspace)
        session.flush()
        bot = Bot(workspace_id=workspace.id, name="Pizzaria", language="pt")
        session.add(bot)
        session.flush()
        channel = create_channel(
            session=session,
            workspace_id=workspace.id,
            kind="whatsapp",
            name="bench",
            bot_id=bot.id,
            config={"phone_number_id": PHONE_NUMBER_ID, "graph_base_url": graph_url},
            secrets={"access_token": TOKEN, "app_secret": "bench-app-secret", "verify_token": "bench"},
        )
        session.flush()
        return url, Bench(workspace.id, bot.id, channel.id)


def _insert(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
    result = connection.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def drop(postgres: str, database: str) -> None:
    """Drop the run's database."""
    from flowstudio.db import get_engine

    get_engine().dispose()
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()


def insert_replies(bench: Bench, count: int, per_turn: int) -> list[list[int]]:
    """Queue `count` replies, `per_turn` per conversation (one turn's); returns each turn's message ids."""
    from flowstudio.db import get_engine
    from flowstudio.models import Contact, ContactIdentity, Conversation, Message

    now = datetime.now(UTC)
    conversations = -(-count // per_turn)
    first = bench.contacts
    bench.contacts += conversations
    numbers = [f"55119{first + n:08d}" for n in range(conversations)]
    with get_engine().begin() as connection:
        contact_ids = _insert(
            connection,
            Contact.__table__,
            [
                {
                    "workspace_id": bench.workspace_id,
                    "name": f"Cliente {n}",
                    "variables": {},
                    "created_at": now,
                    "updated_at": now,
                }
                for n in numbers
            ],
        )
        _insert(
            connection,
            ContactIdentity.__table__,
            [
                {"contact_id": c, "channel_id": bench.channel_id, "external_id": n, "created_at": now}
                for c, n in zip(contact_ids, numbers)
            ],
        )
        conversation_ids = _insert(
            connection,
            Conversation.__table__,
            [
                {
                    "workspace_id": bench.workspace_id,
                    "contact_id": c,
                    "channel": "whatsapp",
                    "channel_id": bench.channel_id,
                    "last_inbound_at": now,
                    "status": "open",
                    "owner_type": "bot",
                    "owner_bot_id": bench.bot_id,
                    "last_bot_id": bench.bot_id,
                    "language": "pt",
                    "session": {},
                    "created_at": now,
                    "updated_at": now,
                    "last_message_at": now,
                }
                for c in contact_ids
            ],
        )
        replies = [(conversation_ids[n // per_turn], numbers[n // per_turn], output(n)) for n in range(count)]
        message_ids = _insert(
            connection,
            Message.__table__,
            [
                {
                    "conversation_id": conversation,
                    "direction": "outbound",
                    "sender_type": "bot",
                    "kind": reply["type"],
                    "text": reply["text"],
                    "payload": reply,
                    "status": "queued",
                    "send_attempts": 0,
                    "sent_parts": 0,
                    "cut_offs": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for conversation, _, reply in replies
            ],
        )
    for message_id, (_, recipient, reply) in zip(message_ids, replies):
        bench.replies[message_id] = (recipient, reply)
    return [message_ids[start : start + per_turn] for start in range(0, count, per_turn)]


def rendered_bodies(bench: Bench, turns: list[list[int]]) -> list[dict[str, Any]]:
    """The Cloud API request bodies the worker sent for `turns`, in order (for the bare loop)."""
    from flowstudio.channels.whatsapp import render

    return [part for turn in turns for i in turn for part in render(bench.replies[i][1], bench.replies[i][0])]
