"""Helpers for routing and queue tests: small published bots, agents, channels, conversations, inbound text."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

from flowstudio.db import engine_for
from flowstudio.models import AgentQueue, AgentStatus, Bot, Queue, Workspace
from flowstudio.services.assignment import agent_status, agents
from flowstudio.services.conversations.inbound import InboundEvent, handle_inbound
from flowstudio.services.integrations.channels import create_channel
from flowstudio.services.studio.bots import create_bot_from_document
from flowstudio.services.studio.drafts import publish
from flowstudio.services.system import migrations
from tests.conftest import use_env

_ids = itertools.count(1)


@pytest.fixture
def pg(postgres_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    """A session on a fresh migrated PostgreSQL database, with Redis for the locks (both as configured).
    (tests/conftest.py empties the id-keyed process caches before every test.)"""
    use_env(monkeypatch, DATABASE_URL=postgres_url, REDIS_URL=redis_url)
    migrations.upgrade(postgres_url)
    with Session(engine_for(postgres_url), expire_on_commit=False) as session:
        yield session


def bot_document(
    name: str,
    *,
    language: str = "pt",
    areas: list[str] | None = None,
    greeting: str = "",
    intents: dict[str, list[str]] | None = None,
    replies: dict[str, str] | None = None,
    assign: dict[str, dict[str, str]] | None = None,
    set_vars: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A flow: start -> greeting; each intent -> (set variables ->) its reply (-> an assign node)."""
    nodes: list[dict[str, Any]] = [
        {"id": "start", "kind": "start"},
        {"id": "fallback", "kind": "fallback"},
        {"id": "sorry", "kind": "message", "text": f"{name}: não entendi."},
    ]
    edges = [{"id": "e-fb", "source": "fallback", "source_handle": "next", "target": "sorry"}]
    if greeting:
        nodes.append({"id": "greet", "kind": "message", "text": greeting})
        edges.append({"id": "e-start", "source": "start", "source_handle": "next", "target": "greet"})
    for index, (intent, triggers) in enumerate((intents or {}).items()):
        chain = [f"i{index}"]
        nodes.append({"id": f"i{index}", "kind": "intent", "name": intent, "triggers": triggers})
        for var, value in ((set_vars or {}).get(intent) or {}).items():
            nodes.append({"id": f"s{index}{var}", "kind": "set_variable", "name": var, "value": value})
            chain.append(f"s{index}{var}")
        if (replies or {}).get(intent):
            nodes.append({"id": f"r{index}", "kind": "message", "text": replies[intent]})
            chain.append(f"r{index}")
        if (assign or {}).get(intent):
            nodes.append({"id": f"a{index}", "kind": "assign", "to": assign[intent]})
            chain.append(f"a{index}")
        edges += [
            {"id": f"e{index}-{n}", "source": a, "source_handle": "next", "target": b}
            for n, (a, b) in enumerate(itertools.pairwise(chain))
        ]
    for number, node in enumerate(nodes):
        node["position"] = {"x": number * 10, "y": 0}
    return {
        "schema_version": 1,
        "bot": {"name": name, "language": language, "knowledge_areas": areas or []},
        "constants": {},
        "topics": [],
        "nodes": nodes,
        "edges": edges,
    }


def published_bot(session: Session, workspace: Workspace, name: str, *, default: bool = False, **document: Any) -> Bot:
    """A bot with the flow of `bot_document(name, **document)` published (version 1)."""
    bot = create_bot_from_document(session=session, workspace_id=workspace.id, document=bot_document(name, **document))
    bot.is_default = default
    session.add(bot)
    session.flush()
    publish(session=session, bot_id=bot.id, author_id=None, changelog="test")
    session.flush()
    return bot


def agent(
    session: Session,
    workspace: Workspace,
    queue: Queue,
    *,
    status: AgentStatus = AgentStatus.ONLINE,
    capacity: int = 2,
    name: str = "",
) -> int:
    """An agent of `queue` with that status and capacity; returns their user id."""
    number = next(_ids)
    added = agents.add_agent(
        session=session,
        workspace_id=workspace.id,
        name=name or f"Agent {number}",
        email=f"agent{number}-{uuid.uuid4().hex[:6]}@example.com",
        capacity=capacity,
        queues=[queue.id],
        password="pw-123456",
    )
    agent_status.set_status(session=session, workspace_id=workspace.id, user_id=added.user_id, status=status)
    session.flush()
    assert session.get(AgentQueue, (queue.id, added.user_id)) is not None
    return added.user_id


def webchat(session: Session, workspace: Workspace, *, bot: Bot | None = None, kind: str = "webchat") -> int:
    """A channel of the workspace (webchat by default), committed; returns its id."""
    rest = kind == "rest"  # pushes replies to a webhook (never called here: deliveries are recorded)
    channel = create_channel(
        session=session,
        workspace_id=workspace.id,
        kind=kind,
        name=f"{kind} {next(_ids)}",
        bot_id=bot.id if bot else None,
        config={"webhook_url": "http://127.0.0.1:9/hook"} if rest else None,
        secrets={"webhook_secret": "s3cret"} if rest else None,
    )
    session.commit()
    return channel.id


def say(channel_id: int, text: str, *, user: str = "visitor_0001", message_id: str | None = None):
    """The customer `user` writes `text` on the channel (through the whole inbound path)."""
    return handle_inbound(
        InboundEvent(
            channel_id=channel_id,
            external_user_id=user,
            external_message_id=message_id or uuid.uuid4().hex,
            kind="text",
            text=text,
        )
    )
