"""Property tests of the REST API against its own OpenAPI spec (`/api/openapi.json`, shown at /api/docs), with
schemathesis: every operation, generated valid and invalid inputs (SQL-injection strings among them), an
administrator's token on a seeded workspace. No answer may be a 5xx, and every documented answer must match
its schema and content type. Bounded (`max_examples`) so the whole run stays well under three minutes."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from sqlmodel import Session

from flowstudio.api import create_api
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.system.seed import seed_demo
from tests.support.factories import make_conversation

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def api_schema(session: Session, queued: list[int]) -> schemathesis.BaseSchema:
    """The live spec of the app's API, with the seeded workspace's token in every call."""
    seeded = seed_demo(session=session, admin_email="admin@example.com")
    from flowstudio.models import Bot, Workspace

    workspace = session.get(Workspace, seeded.workspace_id)
    bot = session.exec(Bot.__table__.select().where(Bot.workspace_id == workspace.id)).first()
    make_conversation(session, workspace=workspace, bot=session.get(Bot, bot.id))
    token = create_token(session=session, workspace_id=workspace.id, name="schemathesis")
    session.commit()
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_api())
    schema.config.headers = {"Authorization": f"Bearer {token}"}
    # the server-sent event stream never ends by design: its open/close is covered in tests/app/integrations/test_channels.py
    return schema.exclude(path_regex=r"/stream$")


def test_the_api_honours_its_spec(api_schema: schemathesis.BaseSchema) -> None:
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    assert not failures, f"{len(failures)} operations fail:\n\n" + "\n\n".join(failures)


HOSTILE = [
    "' OR '1'='1",
    "1; DROP TABLE conversation; --",
    "webchat' UNION SELECT token_hash FROM api_token --",
    "%' --",
    "\\'; DELETE FROM bot; --",
]


def test_sql_injection_strings_in_query_and_path_parameters_change_nothing(session: Session, queued: list[int]) -> None:
    from fastapi.testclient import TestClient
    from sqlmodel import func, select

    from flowstudio.models import ApiToken, Bot, Conversation

    seeded = seed_demo(session=session, admin_email="admin@example.com")
    token = create_token(session=session, workspace_id=seeded.workspace_id, name="t")
    session.commit()

    def counts() -> tuple[int, ...]:
        session.expire_all()
        return tuple(session.exec(select(func.count()).select_from(t)).one() for t in (Bot, Conversation, ApiToken))

    before = counts()
    client = TestClient(create_api(), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"}
    for hostile in HOSTILE:
        for params in (
            {"channel": hostile},
            {"status": hostile},
            {"owner_type": hostile},
            {"limit": hostile},
            {"offset": hostile},
        ):
            response = client.get("/api/v1/conversations", params=params, headers=headers)
            assert response.status_code in (200, 422), (params, response.text)
            assert response.status_code == 422 or response.json() == []
        for path in (
            f"/api/v1/bots/{hostile}",
            f"/api/v1/contacts/{hostile}",
            f"/api/v1/channels/{hostile}",
            f"/api/v1/webchat/{hostile}/config",
        ):
            assert client.get(path, headers=headers).status_code in (404, 422), path
        assert client.get("/api/v1/webchat/x/messages", params={"visitor": hostile}).status_code == 422
    assert counts() == before
