"""Pooled PostgreSQL connections: a busy one is used without a ping, an idle dead one is replaced."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from flowstudio import db

pytestmark = pytest.mark.postgres


def test_an_idle_connection_the_server_dropped_is_replaced(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = db.engine_for(postgres_url)
    with engine.connect() as connection:
        backend = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:  # a server restart or a firewall drops the pooled connection
        assert connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend}).scalar()
    monkeypatch.setattr(db, "PING_IDLE_S", 0.0)  # it has been idle "long enough"
    with engine.connect() as connection:  # pinged, found dead, replaced: the caller never sees the error
        assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar() != backend
    monkeypatch.setattr(db, "PING_IDLE_S", 3600.0)
    with engine.connect() as connection:
        backend = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    with admin.connect() as connection:
        connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    with pytest.raises(sa.exc.OperationalError), engine.connect() as connection:  # not pinged when busy: the
        connection.execute(sa.text("SELECT 1"))  # first statement meets the dead socket (and the pool drops it)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar() == 1
