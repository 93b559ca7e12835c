"""The REST API's one error contract (docs/developers.md#errors): a service's `DomainError` becomes 404, 409,
403 or 422 with ``{"detail", "error": {"code", "message", "params"}}``, the key pages show translated."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from flowstudio.api import create_api
from flowstudio.api.errors import install
from flowstudio.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, error_text
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.studio.bots import BotError, BotNotFound
from tests.support.factories import make_bot, make_conversation, make_workspace


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Invalid("errors.bot.needs_name"), 422),
        (BotError("errors.bot.name_taken", name="Loja"), 422),
        (NotFound("errors.bot.not_found"), 404),
        (BotNotFound("errors.bot.not_found"), 404),  # a BotError too: the more precise kind wins
        (Conflict("errors.bot.has_conversations"), 409),
        (Forbidden("errors.auth.admins_only"), 403),
    ],
)
def test_each_kind_has_its_status_and_the_same_body(error: DomainError, status: int) -> None:
    app = FastAPI()
    install(app)

    @app.get("/refuse")
    def refuse() -> None:
        raise error

    answer = TestClient(app).get("/refuse")
    assert answer.status_code == status
    assert answer.json() == {
        "detail": str(error),
        "error": {"code": error.key, "message": str(error), "params": error.params},
    }


@pytest.fixture
def api(session: Session):
    workspace = make_workspace(session)
    token = create_token(session=session, workspace_id=workspace.id, name="errors")
    session.commit()
    return TestClient(create_api()), {"Authorization": f"Bearer {token}"}, session, workspace


def test_a_missing_action_is_a_404_with_its_key_and_params(api) -> None:
    client, headers, _, _ = api
    missing = client.get("/api/v1/actions/lookup", headers=headers)
    assert missing.status_code == 404
    assert missing.json() == {
        "detail": "there is no action lookup",
        "error": {
            "code": "developers.err.no_action",
            "message": "there is no action lookup",
            "params": {"action": "lookup"},
        },
    }


def test_a_bot_with_conversations_is_a_409_in_english_and_its_key_reads_in_portuguese(api) -> None:
    client, headers, session, workspace = api
    bot = make_bot(session, workspace=workspace)
    make_conversation(session, workspace=workspace, bot=bot)
    session.commit()
    refused = client.delete(f"/api/v1/bots/{bot.id}", headers=headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "errors.bot.has_conversations"
    assert "conversation" in refused.json()["detail"]
    assert "conversa" in error_text(Conflict(refused.json()["error"]["code"]), "pt-BR")


def test_a_detail_param_follows_a_text_that_does_not_name_it() -> None:
    from flowstudio.services.identity.ip_rules import IpRuleError
    from flowstudio.services.system.workspace_settings import SettingsError

    zone = SettingsError("config.bad_timezone", detail="Mars/Olympus")
    assert str(zone).endswith(": Mars/Olympus") and error_text(zone, "pt-BR").endswith(": Mars/Olympus")
    assert error_text(zone, "pt-BR") != str(zone) and zone.detail == "Mars/Olympus"
    rule = IpRuleError("iprules.duplicate_rule", detail="10.0.0.0/8")
    assert error_text(rule, "pt-BR") == "10.0.0.0/8 já está nesta lista."
    assert str(rule) == "10.0.0.0/8 is already in this list."
