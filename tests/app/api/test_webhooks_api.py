"""The developers' REST API: code actions, write-only secrets, webhooks and deliveries; developer tokens only,
one workspace's tools invisible to another's tokens, bad input a 4xx with a reason."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from flowstudio.api import create_api
from flowstudio.models import Role
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.integrations import webhooks
from flowstudio.services.studio import action_catalog
from tests.support.factories import make_workspace

ACTION = {
    "key": "lookup",
    "name": "Lookup order",
    "code": "flow.vars['status'] = 'late'\nreturn 'late'",
    "parameters": [{"name": "order_id", "type": "text", "required": True}],
    "outcomes": ["late"],
}


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    webhooks.invalidate()
    action_catalog.invalidate()
    yield


@pytest.fixture
def api(session: Session) -> tuple[TestClient, dict[str, dict[str, str]]]:
    """A client and the headers of tokens: admin, developer and agent of workspace A, admin of B."""
    a, b = make_workspace(session), make_workspace(session)
    tokens = {
        "admin": create_token(session=session, workspace_id=a.id, name="a"),
        "developer": create_token(session=session, workspace_id=a.id, name="d", role=Role.DEVELOPER),
        "agent": create_token(session=session, workspace_id=a.id, name="g", role=Role.AGENT),
        "supervisor": create_token(session=session, workspace_id=a.id, name="s", role=Role.SUPERVISOR),
        "other": create_token(session=session, workspace_id=b.id, name="b"),
    }
    session.commit()
    return TestClient(create_api(), raise_server_exceptions=False), {
        who: {"Authorization": f"Bearer {token}"} for who, token in tokens.items()
    }


def test_code_actions_life_cycle_and_test_run(api) -> None:
    client, headers = api
    created = client.post("/api/v1/actions", json=ACTION, headers=headers["developer"])
    assert created.status_code == 201 and created.json()["parameters"][0]["name"] == "order_id"
    bad = client.post(
        "/api/v1/actions", json={**ACTION, "key": "broken", "code": "def f(:\n"}, headers=headers["developer"]
    )
    assert bad.status_code == 422 and "line 1" in bad.json()["detail"]
    taken = client.post("/api/v1/actions", json=ACTION, headers=headers["admin"])
    assert taken.status_code == 422 and "already has the key" in taken.json()["detail"]
    run = client.post("/api/v1/actions/lookup/test", json={"params": {"order_id": "7"}}, headers=headers["admin"])
    assert run.status_code == 200 and (run.json()["outcome"], run.json()["variables"]) == ("late", {"status": "late"})
    changed = client.put("/api/v1/actions/lookup", json={**ACTION, "name": "Find order"}, headers=headers["admin"])
    assert changed.json()["name"] == "Find order"
    assert client.delete("/api/v1/actions/lookup", headers=headers["admin"]).status_code == 204
    assert client.get("/api/v1/actions/lookup", headers=headers["admin"]).status_code == 404


def test_secrets_are_write_only(api) -> None:
    client, headers = api
    saved = client.put("/api/v1/secrets/CRM_TOKEN", json={"value": "tok-abcdef-99"}, headers=headers["developer"])
    assert saved.status_code == 200 and saved.json()["name"] == "CRM_TOKEN"
    listed = client.get("/api/v1/secrets", headers=headers["developer"])
    assert [s["name"] for s in listed.json()] == ["CRM_TOKEN"]
    assert "tok-abcdef-99" not in saved.text + listed.text and "99" not in str([s.keys() for s in listed.json()])
    assert client.put("/api/v1/secrets/bad name", json={"value": "x"}, headers=headers["admin"]).status_code == 422
    assert client.put("/api/v1/secrets/EMPTY", json={"value": ""}, headers=headers["admin"]).status_code == 422
    assert client.delete("/api/v1/secrets/CRM_TOKEN", headers=headers["admin"]).status_code == 204
    assert client.delete("/api/v1/secrets/CRM_TOKEN", headers=headers["admin"]).status_code == 404


def test_webhooks_show_their_secret_once_and_log_deliveries(api, session) -> None:
    client, headers = api
    created = client.post(
        "/api/v1/webhooks",
        json={"url": "https://example.com/hook", "events": ["flow.published"]},
        headers=headers["developer"],
    )
    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    webhook_id = created.json()["id"]
    shown = client.get(f"/api/v1/webhooks/{webhook_id}", headers=headers["developer"])
    listed = client.get("/api/v1/webhooks", headers=headers["developer"])
    assert created.json()["secret"] not in shown.text + listed.text and "secret" not in shown.json()
    assert (
        client.post(
            "/api/v1/webhooks", json={"url": "https://example.com", "events": ["nope"]}, headers=headers["admin"]
        )
        .json()["detail"]
        .startswith("unknown event")
    )
    paused = client.patch(f"/api/v1/webhooks/{webhook_id}", json={"active": False}, headers=headers["admin"])
    assert paused.json()["active"] is False
    client.patch(f"/api/v1/webhooks/{webhook_id}", json={"active": True}, headers=headers["admin"])
    workspace_id = session.get(webhooks.WebhookSubscription, webhook_id).workspace_id
    [delivery_id] = webhooks.emit(session, workspace_id, "flow.published", {"bot": {"id": 1}})
    session.commit()
    log = client.get(f"/api/v1/webhooks/{webhook_id}/deliveries", headers=headers["admin"]).json()
    assert [(d["id"], d["status"], d["payload"]["data"]) for d in log] == [(delivery_id, "pending", {"bot": {"id": 1}})]
    again = client.post(f"/api/v1/webhooks/deliveries/{delivery_id}/redeliver", headers=headers["admin"])
    assert again.status_code == 202 and again.json()["event_id"] == log[0]["event_id"]
    assert client.delete(f"/api/v1/webhooks/{webhook_id}", headers=headers["admin"]).status_code == 204


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_other_roles_are_refused(api, role: str) -> None:
    client, headers = api
    for method, path, body in [
        ("get", "/api/v1/actions", None),
        ("post", "/api/v1/actions", ACTION),
        ("get", "/api/v1/secrets", None),
        ("put", "/api/v1/secrets/X", {"value": "v"}),
        ("get", "/api/v1/webhooks", None),
        ("post", "/api/v1/webhooks", {"url": "https://e.com", "events": ["flow.published"]}),
    ]:
        answer = client.request(method, path, json=body, headers=headers[role])
        assert answer.status_code == 403 and "developers.manage" in answer.json()["detail"], (method, path)


def test_one_workspace_cannot_read_or_change_anothers_tools(api) -> None:
    client, headers = api
    own = headers["developer"]
    client.post("/api/v1/actions", json=ACTION, headers=own)
    client.put("/api/v1/secrets/CRM_TOKEN", json={"value": "tok"}, headers=own)
    webhook_id = client.post(
        "/api/v1/webhooks", json={"url": "https://example.com/h", "events": ["flow.published"]}, headers=own
    ).json()["id"]
    other = headers["other"]
    assert client.get("/api/v1/actions", headers=other).json() == []
    assert client.get("/api/v1/secrets", headers=other).json() == []
    assert client.get("/api/v1/webhooks", headers=other).json() == []
    assert client.get("/api/v1/actions/lookup", headers=other).status_code == 404
    assert client.put("/api/v1/actions/lookup", json=ACTION, headers=other).status_code == 404
    assert client.post("/api/v1/actions/lookup/test", json={}, headers=other).status_code == 404
    assert client.delete("/api/v1/secrets/CRM_TOKEN", headers=other).status_code == 404
    assert client.get(f"/api/v1/webhooks/{webhook_id}", headers=other).status_code == 404
    assert client.patch(f"/api/v1/webhooks/{webhook_id}", json={"active": False}, headers=other).status_code == 404
    assert client.get(f"/api/v1/webhooks/{webhook_id}/deliveries", headers=other).status_code == 404
    assert client.delete(f"/api/v1/webhooks/{webhook_id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/webhooks/{webhook_id}", headers=own).json()["active"] is True


def test_the_routes_are_in_the_openapi_document(api) -> None:
    client, _ = api
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/actions", "/api/v1/secrets/{name}", "/api/v1/webhooks/{webhook_id}/deliveries"} <= set(paths)
