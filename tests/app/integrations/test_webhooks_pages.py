"""The /developers page's event handlers: only admins and developers may use them, secrets never reach the
page's state after saving, and a webhook's signing secret is shown once."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from flowstudio.models import CodeAction, Role, WebhookSubscription, WorkspaceSecret
from flowstudio.pages.developers import DevelopersState
from flowstudio.pages.developers.actions import ActionsState
from flowstudio.pages.developers.secrets_tab import SecretsState
from flowstudio.pages.developers.webhooks_tab import WebhooksState
from flowstudio.services.integrations import webhooks
from flowstudio.services.studio import action_catalog, code_actions
from flowstudio.state.guard import GuardState
from tests.support.factories import make_user, make_workspace
from tests.support.state import Ui, is_refusal


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    webhooks.invalidate()
    action_catalog.invalidate()


@pytest.fixture
def team(session: Session) -> dict:
    workspace = make_workspace(session)
    people = {role: make_user(session, workspace=workspace, role=role) for role in Role}
    session.commit()
    return {"workspace": workspace, "people": people}


def _ui(team: dict, role: Role) -> Ui:
    return Ui(workspace_id=team["workspace"].id, user_id=team["people"][role].id)


@pytest.mark.parametrize("role", list(Role))
def test_only_admins_and_developers_open_the_page_or_use_its_handlers(team: dict, role: Role, session: Session) -> None:
    allowed = code_actions.can_develop(role)
    ui = _ui(team, role)
    assert (ui.fire(GuardState, "require", "developers.manage") is None) is allowed
    assert is_refusal(ui.fire(DevelopersState, "load")) is not allowed
    secrets_state = ui.state(SecretsState)
    secrets_state.name, secrets_state.value = f"K_{role.value}", "v-123"
    assert is_refusal(ui.fire(SecretsState, "save")) is not allowed
    hooks = ui.state(WebhooksState)
    hooks.url = f"https://example.com/{role.value}"
    assert is_refusal(ui.fire(WebhooksState, "create")) is not allowed
    actions = ui.state(ActionsState)
    ui.fire(ActionsState, "new")
    actions.key, actions.name, actions.code = f"a-{role.value}", "A", "x = 1"
    assert is_refusal(ui.fire(ActionsState, "save")) is not allowed
    assert is_refusal(ui.fire(ActionsState, "delete", f"a-{role.value}")) is not allowed
    stored = [session.exec(select(m)).all() for m in (WorkspaceSecret, WebhookSubscription, CodeAction)]
    assert [len(rows) for rows in stored] == ([1, 1, 0] if allowed else [0, 0, 0])  # the action was deleted


def test_a_saved_secret_leaves_no_trace_in_the_page_state(team: dict) -> None:
    ui = _ui(team, Role.DEVELOPER)
    state = ui.state(SecretsState)
    state.name, state.value = "CRM_TOKEN", "tok-very-secret"
    ui.fire(SecretsState, "save")
    ui.fire(SecretsState, "load")
    assert "tok-very-secret" not in str(ui.root.dict())
    assert [r.name for r in state.rows] == ["CRM_TOKEN"] and state.value == ""


def test_a_bad_secret_name_shows_a_reason_and_keeps_the_form(team: dict) -> None:
    ui = _ui(team, Role.ADMIN)
    state = ui.state(SecretsState)
    state.name, state.value = "has space", "v"
    ui.fire(SecretsState, "save")
    assert state.error and state.name == "has space"


def test_the_webhook_secret_is_shown_once(team: dict) -> None:
    ui = _ui(team, Role.DEVELOPER)
    state = ui.state(WebhooksState)
    state.url, state.chosen = "https://example.com/h", ["message.created", "flow.published"]
    ui.fire(WebhooksState, "create")
    assert state.new_secret.startswith("whsec_") and state.subscriptions[0].events == state.chosen
    shown = state.new_secret
    ui.fire(WebhooksState, "load")
    assert state.new_secret == "" and shown not in str(ui.root.dict())


def test_an_action_with_a_syntax_error_is_refused_on_the_form_with_its_line(team: dict) -> None:
    ui = _ui(team, Role.DEVELOPER)
    state = ui.state(ActionsState)
    ui.fire(ActionsState, "new")
    state.key, state.name, state.code = "broken", "Broken", "x = 1\nif x\n"
    ui.fire(ActionsState, "add_param")
    ui.fire(ActionsState, "set_param", 0, "name", "order_id")
    ui.fire(ActionsState, "save")
    assert state.editing and "2" in state.error
    state.code = "flow.vars['n'] = flow.params['order_id']"
    ui.fire(ActionsState, "save")
    assert not state.editing and [a.key for a in state.actions] == ["broken"]
    assert state.actions[0].parameters == "order_id"


def test_the_test_run_panel_shows_the_outcome_variables_and_messages(team: dict) -> None:
    ui = _ui(team, Role.DEVELOPER)
    state = ui.state(ActionsState)
    ui.fire(ActionsState, "new")
    state.key, state.name, state.outcomes = "double", "Double", "big"
    state.code = "flow.vars['r'] = flow.params['n'] * 2\nflow.say('done')\nreturn 'big' if flow.vars['r'] > 9 else 'ok'"
    ui.fire(ActionsState, "add_param")
    ui.fire(ActionsState, "set_param", 0, "name", "n")
    ui.fire(ActionsState, "set_param", 0, "type", "number")
    state.sample_params = '{"n": 7}'
    ui.fire(ActionsState, "test_run")
    assert (state.run_outcome, state.run_messages, state.run_error) == ("big", ["done"], "")
    assert '"r": 14' in state.run_variables
    state.sample_params = "[1]"
    ui.fire(ActionsState, "test_run")
    assert state.run_error == "Parameters and variables must be JSON objects."
    assert is_refusal(_ui(team, Role.AGENT).fire(ActionsState, "test_run"))
