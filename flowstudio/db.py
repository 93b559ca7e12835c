"""Database engines and sessions. Nothing here touches the database at import time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session

from flowstudio.settings import get_settings


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@cache
def engine_for(url: str) -> sa.Engine:
    """One engine per URL. SQLite gets foreign keys, WAL and a busy timeout; its folder is created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = sa.create_engine(url)
    sa.event.listen(engine.pool, "checkin", _note_checkin)
    sa.event.listen(engine.pool, "checkout", _ping_if_idle)
    return engine


PING_IDLE_S = 10.0
"""A pooled connection idle longer than this is pinged before use (the server may have restarted or a
firewall dropped it); a busy one is not: `pool_pre_ping` would cost every unit of work a round trip, a
webhook turn's tenth."""


def _note_checkin(_dbapi_connection, record) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """Ping a connection that sat idle; a dead one is replaced by a new one (SQLAlchemy retries the checkout)."""
    since = record.info.get("checked_in")
    if since is None or time.monotonic() - since < PING_IDLE_S:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()  # the ping opened a transaction (psycopg): end it
    except Exception as error:
        raise sa.exc.DisconnectionError(f"idle connection failed its ping: {error}") from error


def get_engine() -> sa.Engine:
    """The engine of the configured `DATABASE_URL`."""
    return engine_for(get_settings().database_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
