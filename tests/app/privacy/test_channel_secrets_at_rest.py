"""A channel's secrets (provider tokens) are sealed in the database whatever the workspace's policy, opened for
the code that uses them, bound to their channel, and older plaintext rows are sealed by `reencrypt`. On SQLite
and PostgreSQL."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from flowstudio import crypto
from flowstudio.db import engine_for, session_scope
from flowstudio.models import Channel
from flowstudio.services.integrations.channels import create_channel, update_channel
from flowstudio.services.privacy import access as privacy
from tests.conftest import use_env
from tests.support.factories import make_workspace

TOKEN = "EAAG-whatsapp-access-token-1234567890"
SECRET = "app-secret-of-the-meta-app"
VERIFY = "verify-me"
ALL = {"access_token": TOKEN, "app_secret": SECRET, "verify_token": VERIFY}


def _raw(session: Session, sql: str, **params) -> list[tuple]:
    with engine_for(str(session.get_bind().url.render_as_string(hide_password=False))).connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql), params)]


def _stored(session: Session, channel_id: int) -> dict:
    (value,) = _raw(session, "SELECT secrets FROM channel WHERE id = :id", id=channel_id)[0]
    return value if isinstance(value, dict) else json.loads(value)


def _whatsapp(session: Session, workspace_id: int, name: str = "WhatsApp") -> Channel:
    channel = create_channel(
        session=session,
        workspace_id=workspace_id,
        kind="whatsapp",
        name=name,
        config={"phone_number_id": "1234567890"},
        secrets={"access_token": TOKEN, "app_secret": SECRET, "verify_token": VERIFY},
    )
    session.commit()
    return channel


def test_the_database_holds_no_provider_token_and_the_code_reads_it_plain(session: Session) -> None:
    workspace = make_workspace(session)  # a workspace that does not encrypt messages: secrets are sealed anyway
    channel = _whatsapp(session, workspace.id)

    stored = _stored(session, channel.id)
    assert list(stored) == ["_sealed"] and crypto.is_sealed(stored["_sealed"])
    assert TOKEN not in json.dumps(_raw(session, "SELECT * FROM channel"), default=str)
    assert channel.secrets == ALL  # the object stays plain after commit
    with session_scope() as other:
        assert other.get(Channel, channel.id).secrets == ALL


def test_changing_one_secret_keeps_the_others_and_stays_sealed(session: Session) -> None:
    workspace = make_workspace(session)
    channel = _whatsapp(session, workspace.id)
    update_channel(session=session, channel=channel, secrets={"access_token": "new"})
    session.commit()
    assert crypto.is_sealed(_stored(session, channel.id)["_sealed"])
    with session_scope() as other:
        assert other.get(Channel, channel.id).secrets == {**ALL, "access_token": "new"}


def test_a_sealed_value_copied_onto_another_channel_does_not_open(session: Session) -> None:
    workspace = make_workspace(session)
    victim, attacker = _whatsapp(session, workspace.id), _whatsapp(session, workspace.id, name="Outro")
    stolen = json.dumps(_stored(session, victim.id))
    with engine_for(str(session.get_bind().url.render_as_string(hide_password=False))).begin() as connection:
        connection.execute(sa.text("UPDATE channel SET secrets = :s WHERE id = :id"), {"s": stolen, "id": attacker.id})
    with session_scope() as other:
        assert other.get(Channel, attacker.id).secrets == {}
        assert other.get(Channel, victim.id).secrets["access_token"] == TOKEN


def test_reencrypt_seals_plaintext_rows_from_before_and_rotates_keys(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = f"k1:{crypto.new_key()}"
    use_env(monkeypatch, FLOWSTUDIO_ENCRYPTION_KEYS=old)
    workspace = make_workspace(session)
    sealed = _whatsapp(session, workspace.id)
    legacy = _whatsapp(session, workspace.id, name="Antigo")
    plain = json.dumps(ALL)
    with engine_for(str(session.get_bind().url.render_as_string(hide_password=False))).begin() as connection:
        connection.execute(sa.text("UPDATE channel SET secrets = :s WHERE id = :id"), {"s": plain, "id": legacy.id})
    with session_scope() as other:  # a row from before loads as it is
        assert other.get(Channel, legacy.id).secrets["access_token"] == TOKEN

    new = f"k2:{crypto.new_key()}"
    use_env(monkeypatch, FLOWSTUDIO_ENCRYPTION_KEYS=f"{new},{old}")
    done = privacy.reencrypt(workspace_id=workspace.id)
    assert done.failed == [] and done.channels == 2
    for channel in (sealed, legacy):
        assert _stored(session, channel.id)["_sealed"].startswith("fs1:k2:")
    use_env(monkeypatch, FLOWSTUDIO_ENCRYPTION_KEYS=new)  # the old key can go
    with session_scope() as other:
        assert other.get(Channel, legacy.id).secrets == ALL
        assert other.get(Channel, sealed.id).secrets["app_secret"] == SECRET
