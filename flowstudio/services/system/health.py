"""Is FlowStudio healthy? The database, its migrations and the task broker, checked fast."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from kombu import Connection

from flowstudio import __version__
from flowstudio.db import get_engine
from flowstudio.services.system import migrations
from flowstudio.settings import get_settings


@dataclass(frozen=True)
class ComponentHealth:
    """One dependency's state."""

    ok: bool
    kind: str
    detail: str = ""


@dataclass(frozen=True)
class Health:
    """The whole picture."""

    ok: bool
    version: str
    database: ComponentHealth
    broker: ComponentHealth


def check_database() -> ComponentHealth:
    """Reachable, and migrated to the newest revision."""
    engine = get_engine()
    kind = engine.dialect.name
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        current, head = migrations.current_revision(engine), migrations.head_revision()
    except Exception as exc:
        return ComponentHealth(ok=False, kind=kind, detail=f"{type(exc).__name__}: {exc}"[:300])
    if current != head:
        return ComponentHealth(ok=False, kind=kind, detail=f"migrations at {current}, expected {head}")
    return ComponentHealth(ok=True, kind=kind, detail=f"revision {current}")


def check_broker() -> ComponentHealth:
    """The Celery broker accepts a connection."""
    settings = get_settings()
    kind = settings.broker_url.split(":", 1)[0]
    if kind == "sqla+sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        with Connection(settings.broker_url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            connection.default_channel  # noqa: B018 - opening a channel proves the broker answers
    except Exception as exc:
        return ComponentHealth(ok=False, kind=kind, detail=f"{type(exc).__name__}: {exc}"[:300])
    return ComponentHealth(ok=True, kind=kind)


def check() -> Health:
    """Every component; `ok` only when all are."""
    database, broker = check_database(), check_broker()
    return Health(ok=database.ok and broker.ok, version=__version__, database=database, broker=broker)
