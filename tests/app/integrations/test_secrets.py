"""Workspace secrets: sealed at rest, write-only, audited, and used by `http_request` nodes at run time."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from flow_runtime.testing.builders import make_doc
from flowstudio.models import AuditEntry, FlowVersion, FlowVersionStatus, WorkspaceSecret
from flowstudio.services.conversations.inbound import InboundEvent, handle_inbound
from flowstudio.services.integrations import secrets
from flowstudio.services.integrations.channels import create_channel
from tests.app.integrations.test_webhooks import receiver
from tests.support.factories import make_bot, make_user, make_workspace


def test_a_secret_is_sealed_bound_to_its_name_and_never_listed_with_its_value(session: Session) -> None:
    workspace = make_workspace(session)
    user = make_user(session, workspace=workspace)
    secrets.set_secret(session=session, workspace_id=workspace.id, name="CRM_TOKEN", value="tok-123456", actor=user)
    session.commit()
    row = session.exec(select(WorkspaceSecret)).one()
    assert "tok-123456" not in row.value and row.value.startswith("fs1:")
    [view] = secrets.list_secrets(session=session, workspace_id=workspace.id)
    assert (view.name, view.updated_by, view.masked) == ("CRM_TOKEN", user.email, "••••")
    assert "tok" not in repr(view) and "56" not in view.masked
    assert secrets.reveal(session=session, workspace_id=workspace.id, name="CRM_TOKEN") == "tok-123456"
    other = make_workspace(session)
    assert secrets.reveal(session=session, workspace_id=other.id, name="CRM_TOKEN") is None
    row.workspace_id = other.id  # a sealed value moved to another workspace does not open there
    session.add(row)
    session.commit()
    assert secrets.WorkspaceSecrets(other.id).get("CRM_TOKEN") is None


def test_changes_and_deletions_are_audited_without_the_value(session: Session) -> None:
    workspace = make_workspace(session)
    secrets.set_secret(session=session, workspace_id=workspace.id, name="KEY", value="first-value")
    secrets.set_secret(session=session, workspace_id=workspace.id, name="KEY", value="second-value")
    secrets.delete_secret(session=session, workspace_id=workspace.id, name="KEY")
    session.commit()
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.details.get("created")) for e in entries] == [
        ("secret.changed", True),
        ("secret.changed", False),
        ("secret.deleted", None),
    ]
    assert not any("value" in str(e.details) for e in entries)
    assert secrets.list_secrets(session=session, workspace_id=workspace.id) == []


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("9LIVES", "x", "starts with a letter"),
        ("has space", "x", "starts with a letter"),
        ("OK", "", "type the secret's value"),
    ],
)
def test_bad_secrets_are_refused_with_a_reason(session: Session, name: str, value: str, reason: str) -> None:
    workspace = make_workspace(session)
    with pytest.raises(secrets.SecretError, match=reason):
        secrets.set_secret(session=session, workspace_id=workspace.id, name=name, value=value)


def test_an_http_request_node_sends_the_secret_in_its_header_and_the_conversation_never_sees_it(
    session: Session,
) -> None:
    workspace = make_workspace(session)
    secrets.set_secret(session=session, workspace_id=workspace.id, name="CRM_TOKEN", value="tok-live-42")
    bot = make_bot(session, workspace=workspace, is_default=True)
    with receiver() as crm:
        document = make_doc(
            [
                {"id": "start", "kind": "start"},
                {
                    "id": "call",
                    "kind": "http_request",
                    "method": "POST",
                    "url": crm.url,
                    "headers": {"Authorization": "Bearer {{secret.CRM_TOKEN}}"},
                    "body": {"q": 1},
                    "save_status_as": "st",
                },
                {"id": "done", "kind": "message", "text": "status ${st}"},
                {"id": "oops", "kind": "message", "text": "failed"},
            ],
            [("start", "call"), ("call", "ok", "done"), ("call", "error", "oops")],
        )
        session.add(FlowVersion(bot_id=bot.id, status=FlowVersionStatus.PUBLISHED, number=1, document=document))
        channel = create_channel(session=session, workspace_id=workspace.id, kind="webchat", name="S", bot_id=bot.id)
        session.commit()
        result = handle_inbound(
            InboundEvent(channel_id=channel.id, external_user_id="v1", external_message_id="m1", kind="text", text="oi")
        )
    assert crm.requests[0].headers["authorization"] == "Bearer tok-live-42"
    session.expire_all()
    from flowstudio.models import Conversation, Message

    texts = [m.text for m in session.exec(select(Message).where(Message.conversation_id == result.conversation_id))]
    assert texts == ["oi", "status 200"]
    stored = str(session.get(Conversation, result.conversation_id).session)
    assert "tok-live-42" not in stored
