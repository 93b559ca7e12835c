"""The audit log: entries append in the action's transaction, can never be changed, and chain."""

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from flowstudio.db import engine_for
from flowstudio.services.privacy import audit
from tests.support.factories import make_user, make_workspace


def _workspace_and_user(session: Session):
    workspace = make_workspace(session)
    return workspace, make_user(session, workspace=workspace)


def test_entries_are_recorded_filtered_and_newest_first(session: Session) -> None:
    workspace, user = _workspace_and_user(session)
    audit.record(session, "auth.sign_in", workspace_id=workspace.id, actor=user, ip="10.0.0.7")
    audit.record(
        session,
        "member.role_changed",
        workspace_id=workspace.id,
        actor=user,
        target=("user", 99),
        details={"from": "agent", "to": "supervisor"},
    )
    audit.record(session, "auth.sign_in", workspace_id=workspace.id + 1000, actor=user)  # another workspace
    session.commit()

    listed = audit.entries(session, workspace.id)
    assert [e.action for e in listed] == ["member.role_changed", "auth.sign_in"]
    assert listed[0].target_type == "user" and listed[0].target_id == "99"
    assert listed[0].details == {"from": "agent", "to": "supervisor"}
    assert listed[1].ip == "10.0.0.7" and listed[1].actor_email == user.email
    assert [e.action for e in audit.entries(session, workspace.id, action_prefix="auth.")] == ["auth.sign_in"]
    assert audit.entries(session, workspace.id, action_prefix="%") == []  # a wildcard is just a character
    assert audit.verify_chain(session, workspace.id) == []


def test_a_rolled_back_action_leaves_no_entry(session: Session) -> None:
    workspace, user = _workspace_and_user(session)
    session.commit()
    audit.record(session, "settings.changed", workspace_id=workspace.id, actor=user)
    session.rollback()
    assert audit.entries(session, workspace.id) == []


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET action = 'nothing'", "DELETE FROM audit_entry"])
def test_the_database_refuses_to_change_or_delete_entries(database_url: str, statement: str) -> None:
    engine = engine_for(database_url)
    with Session(engine) as session:
        workspace, user = _workspace_and_user(session)
        audit.record(session, "auth.sign_in", workspace_id=workspace.id, actor=user)
        session.commit()
        workspace_id = workspace.id
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(sa.text(statement))
    with Session(engine) as session:
        assert [e.action for e in audit.entries(session, workspace_id)] == ["auth.sign_in"]


def test_verify_chain_finds_an_entry_edited_behind_the_databases_back(session: Session) -> None:
    workspace, user = _workspace_and_user(session)
    for action in ("auth.sign_in", "flow.published", "auth.sign_in"):
        audit.record(session, action, workspace_id=workspace.id, actor=user)
    session.commit()
    middle = audit.entries(session, workspace.id)[1]
    # a row forged by someone who could switch the trigger off
    trigger_off = (
        "DROP TRIGGER audit_entry_no_update"
        if session.get_bind().dialect.name == "sqlite"
        else "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_update"
    )
    session.execute(sa.text(trigger_off))
    session.execute(sa.text("UPDATE audit_entry SET target_id = 'forged' WHERE id = :id"), {"id": middle.id})
    session.commit()
    assert audit.verify_chain(session, workspace.id) == [middle.id]


def test_publishing_rolling_back_exporting_and_token_creation_are_audited(session: Session) -> None:
    from flowstudio.demo import demo_flow
    from flowstudio.services.identity.api_tokens import create_token
    from flowstudio.services.studio import bots, drafts

    workspace, user = _workspace_and_user(session)
    bot = bots.create_bot_from_document(session=session, workspace_id=workspace.id, document=demo_flow())
    session.commit()
    drafts.publish(session=session, bot_id=bot.id, author_id=user.id, changelog="first")
    draft = drafts.load_draft(session=session, workspace_id=workspace.id, bot_id=bot.id)
    drafts.rollback(session=session, bot_id=bot.id, number=1, expected_revision=draft.revision, actor=user)
    bots.export_document(session=session, workspace_id=workspace.id, bot_id=bot.id, actor=user, ip="10.1.2.3")
    token = create_token(session=session, workspace_id=workspace.id, name="crm")
    session.commit()
    listed = {e.action: e for e in audit.entries(session, workspace.id)}
    assert listed["flow.published"].actor_email == user.email and listed["flow.published"].details["version"] == 1
    assert listed["flow.rolled_back"].target_id == str(bot.id)
    assert listed["data.exported"].ip == "10.1.2.3"
    assert listed["token.created"].details == {"name": "crm", "role": "admin"}
    assert token not in str([e.details for e in listed.values()])  # never the secret itself
    assert audit.verify_chain(session, workspace.id) == []
