"""Retention and "forget this contact": exactly what is due is erased (rows just inside and just outside the
limit, another workspace untouched), files leave the disk, the run and the audit say what happened. On SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.db import session_scope
from flowstudio.models import (
    AuditEntry,
    Channel,
    ChannelKind,
    Contact,
    ContactIdentity,
    Conversation,
    Direction,
    Message,
    OwnerType,
    RetentionRun,
    Role,
    SenderType,
    WorkspaceSettings,
    sealing,
    utcnow,
)
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.inbox import chat_pane
from flowstudio.services.inbox import files as inbox_files
from flowstudio.services.privacy import forgetting, retention
from flowstudio.tasks.retention import erase_due_everywhere
from tests.support.factories import make_bot, make_user, make_workspace

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def fresh_policies():
    sealing.forget_policies()
    yield
    sealing.forget_policies()


class World:
    """Workspace A keeps personal data 30 days and files 7; workspace B (the same rows) keeps everything."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.now = utcnow()
        self.a = make_workspace(session)
        self.b = make_workspace(session)
        session.add(WorkspaceSettings(workspace_id=self.a.id, retention_days=30, file_retention_days=7))
        self.bots = {w.id: make_bot(session, workspace=w) for w in (self.a, self.b)}
        self.channels = {}
        for w in (self.a, self.b):
            channel = Channel(workspace_id=w.id, kind=ChannelKind.WEBCHAT, name="site", key=f"k-{w.id}")
            session.add(channel)
            session.flush()
            self.channels[w.id] = channel
        session.commit()

    def person(
        self,
        workspace,
        *,
        name: str,
        last_active: timedelta,
        messages: list[tuple[str, timedelta]] = (),
        files: list[timedelta] = (),
    ) -> Conversation:
        """A contact last active `last_active` ago with a conversation and messages (text, age) and files (age)."""
        when = self.now - last_active
        contact = Contact(
            workspace_id=workspace.id,
            name=name,
            email=f"{name.lower()}@example.com",
            phone="+5581999990000",
            variables={"cpf": "123"},
            created_at=when,
            updated_at=when,
        )
        self.session.add(contact)
        self.session.flush()
        self.session.add(
            ContactIdentity(
                contact_id=contact.id,
                channel_id=self.channels[workspace.id].id,
                external_id=f"visitor-{name}-{workspace.id}",
            )
        )
        conversation = Conversation(
            workspace_id=workspace.id,
            contact_id=contact.id,
            channel="webchat",
            channel_id=self.channels[workspace.id].id,
            owner_type=OwnerType.BOT,
            owner_bot_id=self.bots[workspace.id].id,
            created_at=when,
            last_message_at=when,
            csat_score=5,
            csat_comment=f"{name} adorou",
            session={"variables": {"cpf": "123"}, "contact": {"name": name}, "last_text": "oi", "cursor": "n1"},
        )
        self.session.add(conversation)
        self.session.flush()
        for text, age in messages:
            self.session.add(
                Message(
                    conversation_id=conversation.id,
                    direction=Direction.INBOUND,
                    sender_type=SenderType.CONTACT,
                    text=text,
                    payload={"button_id": ""},
                    created_at=self.now - age,
                )
            )
        for age in files:
            stored = inbox_files.store_file(workspace_id=workspace.id, filename=f"rg-{name}.png", data=b"\x89PNG fake")
            self.session.add(
                Message(
                    conversation_id=conversation.id,
                    direction=Direction.OUTBOUND,
                    kind="image",
                    sender_type=SenderType.AGENT,
                    text="seu documento",
                    payload={
                        "type": "image",
                        "url": "http://localhost:3000" + stored["path"],
                        "media_type": "image",
                        "filename": f"rg-{name}.png",
                    },
                    created_at=self.now - age,
                )
            )
        self.session.commit()
        return conversation

    def messages(self, conversation: Conversation) -> list[Message]:
        with session_scope() as session:
            return list(
                session.exec(
                    select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id)
                ).all()
            )

    def contact(self, conversation: Conversation) -> Contact:
        with session_scope() as session:
            return session.get(Contact, conversation.contact_id)

    def stored_files(self, workspace) -> list:
        folder = inbox_files.media_dir() / str(workspace.id)
        return sorted(p.name for p in folder.glob("*/*")) if folder.exists() else []


@pytest.fixture
def world(session: Session) -> World:
    return World(session)


def test_retention_erases_exactly_what_is_due(world: World) -> None:
    gone = world.person(
        world.a,
        name="Velha",
        last_active=30 * DAY + MINUTE,
        messages=[("meu cpf 123", 30 * DAY + MINUTE)],
        files=[7 * DAY + MINUTE],
    )
    kept = world.person(
        world.a,
        name="Recente",
        last_active=30 * DAY - MINUTE,
        messages=[("quase no limite", 30 * DAY - MINUTE), ("velho demais", 30 * DAY + MINUTE)],
        files=[7 * DAY - MINUTE],
    )
    other = world.person(
        world.b, name="Velha", last_active=400 * DAY, messages=[("outro espaço", 400 * DAY)], files=[400 * DAY]
    )
    assert len(world.stored_files(world.a)) == 2

    run = retention.run(workspace_id=world.a.id, trigger="manual", now=world.now)

    assert run.counts == {
        "contacts": 1,
        "identities": 1,
        "conversations": 1,
        "message_bodies": 2,
        "file_messages": 1,
        "files_deleted": 1,
        "events": 0,
    }
    erased = world.contact(gone)
    assert (erased.name, erased.email, erased.phone, erased.variables) == ("", None, None, {})
    assert erased.erased_at is not None
    with session_scope() as session:
        identity = session.exec(select(ContactIdentity).where(ContactIdentity.contact_id == gone.contact_id)).one()
        assert identity.external_id.startswith("erased:")
        conversation = session.get(Conversation, gone.id)
        assert conversation.session["variables"] == {} and conversation.session["contact"] == {}
        assert conversation.session["cursor"] == "n1" and conversation.csat_score == 5  # metrics stay
        assert conversation.csat_comment is None and conversation.status == "open"
    old_text, old_file = world.messages(gone)
    assert (old_text.text, old_text.payload, old_text.erased) == (None, {"erased": "retention"}, "all")
    assert old_file.erased == "file" and "url" not in old_file.payload and old_file.created_at  # row kept

    recent = world.contact(kept)
    assert (recent.name, recent.variables, recent.erased_at) == ("Recente", {"cpf": "123"}, None)
    inside, outside, young_file = world.messages(kept)
    assert inside.text == "quase no limite" and inside.erased is None
    assert outside.text is None and outside.erased == "all"  # bodies go by their own age
    assert young_file.erased is None and young_file.payload["url"].endswith(".png")
    assert world.stored_files(world.a) == ["rg-Recente.png"]

    assert world.contact(other).name == "Velha" and world.messages(other)[0].text == "outro espaço"
    assert world.stored_files(world.b) == ["rg-Velha.png"]

    with session_scope() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "retention.erased")).one()
        assert entry.workspace_id == world.a.id and entry.details["contacts"] == 1
    again = retention.run(workspace_id=world.a.id, now=world.now)
    assert set(again.counts.values()) == {0}  # nothing is erased twice


def test_files_go_before_bodies_when_their_limit_is_shorter(world: World) -> None:
    conversation = world.person(world.a, name="Foto", last_active=DAY, files=[8 * DAY])
    retention.run(workspace_id=world.a.id, now=world.now)
    (message,) = world.messages(conversation)
    assert message.erased == "file" and message.text == "seu documento"  # the caption waits for 30 days
    assert message.payload["file_removed"] == "retention" and "url" not in message.payload
    assert world.stored_files(world.a) == []
    with session_scope() as session:
        detail = chat_pane.conversation_detail(
            session=session,
            workspace_id=world.a.id,
            user_id=make_admin(session, world.a),
            conversation_id=conversation.id,
            language="en",
        )
    assert detail["messages"][0]["text"] == "File removed by retention · seu documento"


def make_admin(session: Session, workspace) -> int:
    user = make_user(session, workspace=workspace, role=Role.ADMIN)
    session.commit()
    return user.id


def test_the_daily_task_runs_every_workspace_with_a_limit(world: World) -> None:
    world.person(world.a, name="Velha", last_active=40 * DAY, messages=[("x", 40 * DAY)])
    world.person(world.b, name="Velha", last_active=40 * DAY, messages=[("x", 40 * DAY)])
    result = erase_due_everywhere()
    assert [r["workspace_id"] for r in result] == [world.a.id]
    with session_scope() as session:
        runs = session.exec(select(RetentionRun)).all()
    assert [(r.workspace_id, r.trigger, r.counts["contacts"]) for r in runs] == [(world.a.id, "schedule", 1)]


def test_forget_contact_erases_one_person_now(world: World) -> None:
    forgotten = world.person(
        world.b, name="Joana", last_active=MINUTE, messages=[("meu cpf 123", MINUTE)], files=[MINUTE]
    )
    bystander = world.person(world.b, name="Outra", last_active=MINUTE, messages=[("oi", MINUTE)], files=[MINUTE])
    agent = make_user(world.session, workspace=world.b, role=Role.AGENT)
    supervisor = make_user(world.session, workspace=world.b, role=Role.SUPERVISOR)
    world.session.commit()
    with pytest.raises(forgetting.RetentionError):
        forgetting.forget_conversation_contact(workspace_id=world.b.id, conversation_id=forgotten.id, user_id=agent.id)
    with pytest.raises(forgetting.RetentionError):  # another workspace's conversation
        forgetting.forget_conversation_contact(
            workspace_id=world.a.id, conversation_id=forgotten.id, user_id=supervisor.id
        )
    assert world.contact(forgotten).name == "Joana"

    done = forgetting.forget_conversation_contact(
        workspace_id=world.b.id, conversation_id=forgotten.id, user_id=supervisor.id
    )

    assert done.counts()["message_bodies"] == 2 and done.files_deleted == 1
    contact = world.contact(forgotten)
    assert (contact.name, contact.email, contact.phone, contact.variables) == ("", None, None, {})
    assert all(m.text is None and m.erased == "all" for m in world.messages(forgotten))
    assert world.stored_files(world.b) == ["rg-Outra.png"]
    assert world.contact(bystander).name == "Outra" and world.messages(bystander)[0].text == "oi"
    with session_scope() as session:
        identity = session.exec(select(ContactIdentity).where(ContactIdentity.contact_id == contact.id)).one()
        assert identity.external_id.startswith("erased:")  # a new message from them starts a fresh contact
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "contact.forgotten")).one()
        assert (entry.target_id, entry.actor_user_id) == (str(contact.id), supervisor.id)


def test_forget_contact_through_the_api(world: World) -> None:
    person = world.person(world.b, name="Api", last_active=MINUTE, messages=[("segredo", MINUTE)])
    elsewhere = world.person(world.a, name="Longe", last_active=MINUTE)
    agent_token = create_token(session=world.session, workspace_id=world.b.id, name="a", role=Role.AGENT)
    admin_token = create_token(session=world.session, workspace_id=world.b.id, name="b")
    world.session.commit()
    client = TestClient(create_api(), raise_server_exceptions=False)

    def forget(contact_id: int, token: str):
        return client.delete(
            f"/api/v1/contacts/{contact_id}/personal-data", headers={"Authorization": f"Bearer {token}"}
        )

    refused = forget(person.contact_id, agent_token)
    assert refused.status_code == 403 and "supervisors" in refused.json()["detail"]
    assert forget(elsewhere.contact_id, admin_token).status_code == 404
    assert forget(999_999, admin_token).status_code == 404
    done = forget(person.contact_id, admin_token)
    assert done.status_code == 200 and done.json()["erased"]["message_bodies"] == 1
    assert world.contact(person).name == "" and world.contact(elsewhere).name == "Longe"
    contact = client.get(f"/api/v1/contacts/{person.contact_id}", headers={"Authorization": f"Bearer {admin_token}"})
    assert contact.json()["erased_at"] is not None
    conversation = client.get(
        f"/api/v1/conversations/{person.id}", headers={"Authorization": f"Bearer {admin_token}"}
    ).json()
    assert conversation["messages"][0]["text"] is None and conversation["messages"][0]["erased"] == "all"


def test_erased_rows_keep_the_metrics(world: World) -> None:
    conversation = world.person(world.a, name="Metricas", last_active=60 * DAY, messages=[("a", 60 * DAY)] * 3)
    retention.run(workspace_id=world.a.id, now=world.now)
    with session_scope() as session:
        count = session.exec(
            select(sa.func.count()).select_from(Message).where(Message.conversation_id == conversation.id)
        ).one()
        kept = session.get(Conversation, conversation.id)
    assert count == 3 and kept.created_at is not None and kept.owner_type == OwnerType.BOT
