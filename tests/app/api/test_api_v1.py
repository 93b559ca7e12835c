"""REST API v1: bearer tokens, bots and versions, channels with write-only secrets, conversations, contacts.
Bad input is a 4xx with a reason, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from flowstudio.api import create_api
from flowstudio.demo import demo_flow
from flowstudio.models import Role
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.system.seed import seed_demo
from tests.support.channels import post_signed, wa_payload, whatsapp_channel


@pytest.fixture
def api(session: Session) -> tuple[TestClient, dict[str, str], int]:
    workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
    token = create_token(session=session, workspace_id=workspace_id, name="tests")
    session.commit()
    client = TestClient(create_api(), raise_server_exceptions=False)
    return client, {"Authorization": f"Bearer {token}"}, workspace_id


def test_no_token_or_a_wrong_one_is_401_with_a_reason(api) -> None:
    client, _, _ = api
    assert client.get("/api/v1/bots").json()["detail"] == "send 'Authorization: Bearer <token>'"
    wrong = client.get("/api/v1/bots", headers={"Authorization": "Bearer fst_nope"})
    assert wrong.status_code == 401 and wrong.json()["detail"] == "unknown or revoked token"


def test_an_agent_token_reads_but_cannot_configure(api, session) -> None:
    client, _, workspace_id = api
    token = create_token(session=session, workspace_id=workspace_id, name="agent", role=Role.AGENT)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/conversations", headers=headers).status_code == 200
    refused = client.post("/api/v1/bots", json={"name": "X"}, headers=headers)
    assert refused.status_code == 403 and refused.json()["detail"] == "the agent role of this token may not bots.manage"


def test_bots_and_versions_life_cycle(api) -> None:
    client, headers, _ = api
    created = client.post("/api/v1/bots", json={"name": "Vendas", "language": "es"}, headers=headers)
    assert created.status_code == 201
    bot = created.json()
    assert (bot["name"], bot["language"], bot["published_number"]) == ("Vendas", "es", None)
    assert client.post("/api/v1/bots", json={"name": "X", "language": "de"}, headers=headers).status_code == 422

    document = demo_flow() | {"bot": demo_flow()["bot"] | {"name": "Vendas"}}
    uploaded = client.put(f"/api/v1/bots/{bot['id']}/draft", json=document, headers=headers)
    assert uploaded.status_code == 200 and uploaded.json()["problems"][0]["code"] == "no_error_path"
    bad = client.put(
        f"/api/v1/bots/{bot['id']}/draft", json={"nodes": [{"id": "x", "kind": "teleport"}]}, headers=headers
    )
    assert bad.status_code == 422 and bad.json()["detail"]["problems"][0]["code"] == "unknown_kind"

    published = client.post(f"/api/v1/bots/{bot['id']}/versions", json={"changelog": "primeira"}, headers=headers)
    assert published.status_code == 201 and published.json()["number"] == 1
    assert [v["number"] for v in client.get(f"/api/v1/bots/{bot['id']}/versions", headers=headers).json()] == [1]
    assert len(client.get(f"/api/v1/bots/{bot['id']}/versions/1", headers=headers).json()["document"]["nodes"]) == 21
    assert client.get(f"/api/v1/bots/{bot['id']}/versions/7", headers=headers).status_code == 404

    renamed = client.patch(f"/api/v1/bots/{bot['id']}", json={"name": "Pizzaria Bella"}, headers=headers)
    assert renamed.status_code == 422 and "already called" in renamed.json()["detail"]
    assert client.delete(f"/api/v1/bots/{bot['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/bots/{bot['id']}", headers=headers).status_code == 404


def test_broken_draft_cannot_be_published(api) -> None:
    client, headers, _ = api
    bot = client.post("/api/v1/bots", json={"name": "Quebrado"}, headers=headers).json()
    draft = client.get(f"/api/v1/bots/{bot['id']}/draft", headers=headers).json()["document"]
    draft["nodes"].append(
        {
            "id": "menu",
            "kind": "buttons",
            "text": "?",
            "position": {"x": 0, "y": 0},
            "buttons": [{"id": "b1", "label": "Um rótulo comprido demais"}],
        }
    )
    client.put(f"/api/v1/bots/{bot['id']}/draft", json=draft, headers=headers)
    refused = client.post(f"/api/v1/bots/{bot['id']}/versions", json={}, headers=headers)
    assert refused.status_code == 422
    assert "label_too_long" in {p["code"] for p in refused.json()["detail"]["problems"]}


def test_channel_secrets_are_write_only(api) -> None:
    client, headers, _ = api
    body = {"kind": "telegram", "name": "TG", "secrets": {"bot_token": "123:SECRET", "webhook_secret": "abc"}}
    channel = client.post("/api/v1/channels", json=body, headers=headers).json()
    assert channel["secrets_set"] == ["bot_token", "webhook_secret"] and "SECRET" not in str(channel)
    assert channel["webhook_path"] == f"/webhooks/telegram/{channel['key']}"
    removing = client.patch(f"/api/v1/channels/{channel['id']}", json={"secrets": {"bot_token": ""}}, headers=headers)
    assert removing.status_code == 422 and "bot_token" in removing.json()["detail"]
    assert client.post("/api/v1/channels", json={"kind": "fax", "name": "F"}, headers=headers).status_code == 422
    assert [c["kind"] for c in client.get("/api/v1/channels", headers=headers).json()] == ["webchat", "telegram"]


def test_conversations_listed_read_and_answered_by_an_agent(api, session, queued) -> None:
    client, headers, workspace_id = api
    key = whatsapp_channel(session, workspace_id=workspace_id, graph_base_url="http://127.0.0.1:9")
    post_signed(client, key, wa_payload("oi", wamid="wamid.api.0"))
    post_signed(client, key, wa_payload("quero falar com um atendente", wamid="wamid.api.1"))
    # the demo admin is an online agent of the default queue: the hand-off is theirs at once
    [listed] = client.get("/api/v1/conversations", params={"owner_type": "agent"}, headers=headers).json()
    assert listed["channel"] == "whatsapp" and listed["status"] == "open"
    detail = client.get(f"/api/v1/conversations/{listed['id']}", headers=headers).json()
    assert [m["text"] for m in detail["messages"] if m["direction"] == "inbound"] == [
        "oi",
        "quero falar com um atendente",
    ]
    sent = client.post(
        f"/api/v1/conversations/{listed['id']}/messages", json={"text": "Oi, sou a Carla!"}, headers=headers
    )
    assert sent.status_code == 202
    assert (
        client.post(f"/api/v1/conversations/{listed['id']}/messages", json={"text": ""}, headers=headers).status_code
        == 422
    )
    assert client.get("/api/v1/conversations", params={"status": "nope"}, headers=headers).status_code == 422
    contact = client.patch(
        f"/api/v1/contacts/{listed['contact_id']}",
        json={"variables": {"plano": "vip"}, "add_tags": ["vip"]},
        headers=headers,
    )
    assert contact.status_code == 200 and contact.json()["variables"] == {"plano": "vip"}
    assert client.get("/api/v1/contacts/999", headers=headers).status_code == 404
