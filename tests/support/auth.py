"""Helpers for the sign-in tests: a fresh in-process rate limiter and clock control."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flowstudio.models import LoginThrottle, as_utc
from flowstudio.services.system import rate_limit


@pytest.fixture(autouse=True)
def fresh_rate_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no counted attempts (the in-process limiter is process-wide)."""
    monkeypatch.setattr(rate_limit, "_memory", rate_limit._Memory())


def expire_lock(session, email: str) -> None:
    """Move a lock into the past, as if its minutes had gone by."""
    from sqlmodel import select

    row = session.exec(select(LoginThrottle).where(LoginThrottle.email == email)).one()
    row.locked_until = as_utc(row.locked_until) - timedelta(hours=2)
    session.add(row)
    session.flush()
