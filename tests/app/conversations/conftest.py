"""What the webchat tests share: the API over the seeded demo pizzaria (its admin is an online agent of the
default queue, so a hand-off reaches them at once)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from flowstudio.api import create_api
from flowstudio.services.system.seed import seed_demo


@pytest.fixture
def client(session: Session) -> TestClient:
    """A client of the API on the seeded demo."""
    seed_demo(session=session, admin_email="admin@example.com")
    session.commit()
    return TestClient(create_api())
