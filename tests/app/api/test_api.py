"""The HTTP API: health for load balancers and operators, and its OpenAPI documentation."""

import pytest
from fastapi.testclient import TestClient

from flowstudio.api import create_api
from flowstudio.services.system import migrations
from tests.conftest import use_env


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_api())


def test_health_is_ok_on_a_migrated_database(client: TestClient, database_url: str) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == "0.1.0"
    assert body["database"] == {
        "ok": True,
        "kind": database_url.split(":")[0].split("+")[0],
        "detail": f"revision {migrations.head_revision()}",
    }
    assert body["broker"]["ok"] and body["broker"]["kind"] == "sqla+sqlite"


def test_health_says_503_and_why_when_migrations_are_missing(client: TestClient, sqlite_url: str) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is False
    assert "expected" in body["database"]["detail"]


def test_health_says_503_when_the_database_is_unreachable(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    use_env(monkeypatch, DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False
    assert "OperationalError" in response.json()["database"]["detail"]


@pytest.mark.redis
def test_health_reports_redis_as_the_broker(
    client: TestClient, database_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(monkeypatch, REDIS_URL=redis_url)
    body = client.get("/api/v1/health").json()
    assert body["broker"] == {"ok": True, "kind": "redis", "detail": ""}


def test_health_says_503_when_the_broker_is_down(
    client: TestClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(monkeypatch, REDIS_URL="redis://127.0.0.1:1/0")
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_openapi_documents_the_health_route(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert spec["info"]["title"] == "FlowStudio API"
    assert "/api/v1/health" in spec["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
