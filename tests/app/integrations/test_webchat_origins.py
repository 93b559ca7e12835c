"""The webchat channel's allowed origins (a channel setting) are enforced on the widget's endpoints (issue 19)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from flowstudio.api import create_api
from flowstudio.services.integrations.channels import ChannelError, create_channel
from flowstudio.services.system.seed import seed_demo

MESSAGE = {"visitor_id": "visitor_abcdef12", "client_message_id": "m-00000001", "text": "oi"}


@pytest.fixture
def key(session: Session) -> str:
    workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
    channel = create_channel(
        session=session,
        workspace_id=workspace_id,
        kind="webchat",
        name="Loja",
        config={"allowed_origins": "https://shop.example.com, https://www.example.com/"},
    )
    session.commit()
    return channel.key


def test_a_foreign_origin_is_refused_with_a_reason(key: str, queued: list[int]) -> None:
    client = TestClient(create_api())
    base = f"/api/v1/webchat/{key}"
    foreign = {"Origin": "https://evil.example.net"}
    for response in (
        client.get(f"{base}/config", headers=foreign),
        client.post(f"{base}/messages", json=MESSAGE, headers=foreign),
        client.get(f"{base}/messages", params={"visitor": MESSAGE["visitor_id"]}, headers=foreign),
        client.options(f"{base}/messages", headers=foreign),
    ):
        assert response.status_code == 403
        assert "https://evil.example.net" in response.json()["detail"] and "allowed" in response.json()["detail"]
    assert queued == []  # nothing of a refused message was stored or answered


def test_the_allowed_sites_and_requests_without_an_origin_pass(key: str) -> None:
    client = TestClient(create_api())
    base = f"/api/v1/webchat/{key}"
    assert client.get(f"{base}/config", headers={"Origin": "https://shop.example.com"}).status_code == 200
    assert client.get(f"{base}/config", headers={"Origin": "https://WWW.example.com"}).status_code == 200
    assert (
        client.post(f"{base}/messages", json=MESSAGE, headers={"Origin": "https://shop.example.com"}).status_code == 202
    )
    assert client.get(f"{base}/config").status_code == 200  # no Origin: not a browser's cross-site call
    assert client.get(f"{base}/config", headers={"Origin": "http://testserver"}).status_code == 200  # the demo page


def test_a_channel_without_allowed_origins_takes_any_site(session: Session) -> None:
    seed_demo(session=session, admin_email="admin@example.com")
    session.commit()
    client = TestClient(create_api())
    response = client.get("/api/v1/webchat/pizzaria-bella/config", headers={"Origin": "https://anywhere.example"})
    assert response.status_code == 200


def test_an_allowed_origin_must_be_an_origin(session: Session) -> None:
    workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
    with pytest.raises(ChannelError) as refused:
        create_channel(
            session=session,
            workspace_id=workspace_id,
            kind="webchat",
            name="Loja",
            config={"allowed_origins": "shop.example.com"},
        )
    assert refused.value.key == "chanpage.error.origin"
