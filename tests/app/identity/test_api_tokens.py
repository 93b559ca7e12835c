"""API tokens: created with a scope and shown once, listed with creator and last use (written at most once a
minute), revoked from the service and from `flowstudio token revoke`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from flowstudio.cli import app
from flowstudio.errors import Conflict, Invalid, NotFound
from flowstudio.models import ApiToken, AuditEntry, Role
from flowstudio.services.identity import api_tokens
from tests.support.factories import make_user, make_workspace


def test_create_list_and_revoke(session: Session) -> None:
    workspace = make_workspace(session)
    admin = make_user(session, workspace=workspace, role=Role.ADMIN)
    token = api_tokens.create_token(
        session=session, workspace_id=workspace.id, name="CRM", role="developer", actor=admin
    )
    [view] = api_tokens.list_tokens(session=session, workspace_id=workspace.id)
    assert (view.name, view.role, view.created_by, view.last_used_at, view.revoked_at) == (
        "CRM",
        "developer",
        admin.email,
        None,
        None,
    )
    assert token.startswith(view.prefix) and len(view.prefix) == 12 and token not in repr(view)
    assert api_tokens.authenticate(session=session, token=token).role == Role.DEVELOPER
    api_tokens.revoke_token(
        session=session,
        token=api_tokens.get_token(session=session, workspace_id=workspace.id, token_id=view.id),
        actor=admin,
    )
    assert api_tokens.authenticate(session=session, token=token) is None
    [revoked] = api_tokens.list_tokens(session=session, workspace_id=workspace.id)
    assert revoked.revoked_at is not None and revoked.last_used_at is not None
    actions = session.exec(select(AuditEntry.action).where(AuditEntry.workspace_id == workspace.id)).all()
    assert actions == ["token.created", "token.revoked"]
    with pytest.raises(NotFound):
        api_tokens.get_token(session=session, workspace_id=make_workspace(session).id, token_id=view.id)
    with pytest.raises(Invalid):
        api_tokens.create_token(session=session, workspace_id=workspace.id, name=" ", role="admin")
    with pytest.raises(Invalid):
        api_tokens.create_token(session=session, workspace_id=workspace.id, name="x", role="owner")


def test_last_used_is_written_at_most_once_a_minute(session: Session) -> None:
    workspace = make_workspace(session)
    token = api_tokens.create_token(session=session, workspace_id=workspace.id, name="busy")
    row = session.exec(select(ApiToken)).one()
    api_tokens.authenticate(session=session, token=token)
    first = row.last_used_at
    session.commit()
    api_tokens.authenticate(session=session, token=token, now=first + timedelta(seconds=30))
    assert not session.dirty and row.last_used_at == first  # no write within the minute
    later = first + timedelta(seconds=61)
    api_tokens.authenticate(session=session, token=token, now=later)
    assert row in session.dirty and row.last_used_at == later


def test_find_by_id_or_prefix(session: Session) -> None:
    workspace = make_workspace(session)
    one = api_tokens.create_token(session=session, workspace_id=workspace.id, name="one")
    two = api_tokens.create_token(session=session, workspace_id=workspace.id, name="two")
    assert api_tokens.find_token(session=session, reference=one[:12]).name == "one"
    assert api_tokens.find_token(session=session, reference=two).name == "two"  # the whole token works too
    with pytest.raises(NotFound):
        api_tokens.find_token(session=session, reference="fst_")  # too short to name one
    with pytest.raises(NotFound):
        api_tokens.find_token(session=session, reference="fst_zzzzzzzz")
    for row in session.exec(select(ApiToken)).all():
        row.prefix = "fst_SAME1234"  # two tokens whose shown characters happen to agree
    session.flush()
    with pytest.raises(Conflict):
        api_tokens.find_token(session=session, reference="fst_SAME1234")
    assert api_tokens.find_token(session=session, reference=two).name == "two"  # the whole token still says which


runner = CliRunner()


def test_cli_revoke_by_prefix_and_by_id() -> None:
    runner.invoke(app, ["seed"])
    token = runner.invoke(app, ["token", "create", "--role", "supervisor", "--name", "erp"]).output.strip()
    client = TestClient(__import__("flowstudio.api", fromlist=["create_api"]).create_api())
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/bots", headers=headers).status_code == 200
    revoked = runner.invoke(app, ["token", "revoke", token[:12]])
    assert revoked.exit_code == 0 and "revoked" in revoked.output and token not in revoked.output
    assert client.get("/api/v1/bots", headers=headers).status_code == 401
    listed = runner.invoke(app, ["token", "list"])
    assert '"revoked_at": null' not in listed.output and "erp" in listed.output
    again = runner.invoke(app, ["token", "revoke", "1"])
    assert again.exit_code == 0 and "already revoked" in again.output
    assert runner.invoke(app, ["token", "revoke", "fst_nothing1"]).exit_code == 1
