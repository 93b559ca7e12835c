"""The workspace's code action library: validation, keys per workspace, the runtime catalog, test runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from flow_runtime.testing.builders import make_doc
from flowstudio.models import AuditEntry, FlowVersion, FlowVersionStatus, Message, Role
from flowstudio.pages.editor.emulator import _error_text
from flowstudio.services.conversations.inbound import InboundEvent, handle_inbound
from flowstudio.services.integrations.channels import create_channel
from flowstudio.services.studio import action_catalog, action_test_runs, code_actions
from flowstudio.services.studio.code_actions import ActionError, ActionInput
from tests.support.factories import make_bot, make_workspace

DOUBLE = ActionInput(
    key="double",
    name="Double",
    code=(
        "flow.vars['result'] = flow.params['n'] * 2\n"
        "flow.say(f\"{flow.params['n']} x 2 = {flow.vars['result']}\")\n"
        "if flow.vars['result'] > 100:\n"
        "    return 'big'\n"
    ),
    parameters=[{"name": "n", "type": "number", "required": True}],
    outcomes=["big"],
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    action_catalog.invalidate()
    yield
    action_catalog.invalidate()


def test_only_admins_and_developers_may_develop() -> None:
    assert code_actions.can_develop("admin") and code_actions.can_develop("developer")
    assert code_actions.can_develop(Role.ADMIN)
    assert not any(code_actions.can_develop(r) for r in ("agent", "supervisor", "designer", "", None))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"key": "Bad Key"}, "the key is"),
        ({"name": ""}, "the name has"),
        ({"code": "if True\n    x = 1"}, "syntax error, line 1"),
        ({"code": "x = 1\ny = (\n"}, "line 2"),
        ({"parameters": [{"name": "for", "type": "text"}]}, "identifier"),
        ({"parameters": [{"name": "n", "type": "date"}]}, "unknown type"),
        ({"parameters": [{"name": "n"}, {"name": "n"}]}, "declared twice"),
        ({"parameters": [{"name": "n", "type": "number", "default": "lots"}]}, "must be a number"),
        ({"outcomes": ["ok"]}, "reserved"),
        ({"outcomes": ["late", "late"]}, "same name"),
        ({"outcomes": ["2late"]}, "start with a letter"),
        ({"allowed_hosts": ["https://api.example.com/x"]}, "not a host"),
        ({"timeout": 90}, "at most 30"),
        ({"flavour": "rasa", "server_url": "actions:5055"}, "http:// or https://"),
    ],
)
def test_invalid_actions_are_refused_with_a_reason(session: Session, change: dict, reason: str) -> None:
    workspace = make_workspace(session)
    with pytest.raises(ActionError, match=reason):
        code_actions.save_action(
            session=session, workspace_id=workspace.id, data=ActionInput(**{**vars(DOUBLE), **change})
        )


def test_keys_are_unique_per_workspace_and_edits_are_audited(session: Session) -> None:
    first, second = make_workspace(session), make_workspace(session)
    code_actions.save_action(session=session, workspace_id=first.id, data=DOUBLE)
    code_actions.save_action(session=session, workspace_id=second.id, data=DOUBLE)  # another workspace: fine
    with pytest.raises(ActionError, match="already has the key double"):
        code_actions.save_action(session=session, workspace_id=first.id, data=DOUBLE)
    renamed = code_actions.save_action(
        session=session,
        workspace_id=first.id,
        original_key="double",
        data=ActionInput(**{**vars(DOUBLE), "key": "twice", "name": "Twice"}),
    )
    assert [a.key for a in action_catalog.list_actions(session=session, workspace_id=first.id)] == ["twice"]
    assert renamed.parameters[0] == {"name": "n", "type": "number", "required": True, "default": None, "label": ""}
    code_actions.delete_action(session=session, workspace_id=first.id, key="twice")
    with pytest.raises(ActionError, match="no action double"):
        code_actions.delete_action(session=session, workspace_id=first.id, key="double")
    session.commit()
    actions = [
        e.action
        for e in session.exec(select(AuditEntry).where(AuditEntry.workspace_id == first.id).order_by(AuditEntry.id))
    ]
    assert actions == ["action.created", "action.changed", "action.deleted"]


def test_a_test_run_shows_variables_messages_and_the_outcome() -> None:
    big = action_test_runs.test_run(workspace_id=1, data=DOUBLE, params={"n": "60"}, variables={"name": "Ana"})
    assert (big.outcome, big.variables, big.error) == ("big", {"name": "Ana", "result": 120}, "")
    assert big.messages == [{"type": "text", "text": "60 x 2 = 120"}]
    assert action_test_runs.test_run(workspace_id=1, data=DOUBLE, params={"n": 2}).outcome == "ok"


def test_a_failing_test_run_says_why_on_the_error_exit() -> None:
    missing = action_test_runs.test_run(workspace_id=1, data=DOUBLE, params={})
    assert (missing.outcome, missing.error) == ("error", "parameter n is required")
    crash = action_test_runs.test_run(
        workspace_id=1, data=ActionInput(key="crash", name="Crash", code="x = 1\nraise ValueError('no stock')")
    )
    assert crash.outcome == "error" and "ValueError: no stock" in crash.error and "line 2" in crash.error
    assert crash.error_code == "exception"


def test_an_escape_attempt_in_a_test_run_is_refused_and_named() -> None:
    attempt = action_test_runs.test_run(
        workspace_id=1, data=ActionInput(key="escape", name="Escape", code="import os\nflow.vars['pid'] = os.fork()")
    )
    assert (attempt.outcome, attempt.error_code) == ("error", "sandbox_violation")
    assert "pid" not in attempt.variables
    assert action_test_runs.sandbox_problem() == ""


def test_a_published_flow_runs_the_workspace_action_and_sees_changes(session: Session) -> None:
    workspace = make_workspace(session)
    code_actions.save_action(session=session, workspace_id=workspace.id, data=DOUBLE)
    bot = make_bot(session, workspace=workspace, is_default=True)
    document = make_doc(
        [
            {"id": "start", "kind": "start"},
            {"id": "run", "kind": "action", "action": "double", "params": {"n": "21"}, "outcomes": ["big"]},
            {"id": "fine", "kind": "message", "text": "ok ${result}"},
            {"id": "large", "kind": "message", "text": "big ${result}"},
            {"id": "oops", "kind": "message", "text": "error"},
        ],
        [("start", "run"), ("run", "ok", "fine"), ("run", "big", "large"), ("run", "error", "oops")],
    )
    session.add(FlowVersion(bot_id=bot.id, status=FlowVersionStatus.PUBLISHED, number=1, document=document))
    channel = create_channel(session=session, workspace_id=workspace.id, kind="webchat", name="S", bot_id=bot.id)
    session.commit()

    def say(text: str, n: int) -> list[str]:
        result = handle_inbound(
            InboundEvent(
                channel_id=channel.id, external_user_id=f"v{n}", external_message_id=f"m{n}", kind="text", text=text
            )
        )
        session.expire_all()
        return [
            m.text
            for m in session.exec(
                select(Message).where(Message.conversation_id == result.conversation_id).order_by(Message.id)
            )
        ]

    assert say("oi", 1) == ["oi", "21 x 2 = 42", "ok 42"]
    code_actions.save_action(
        session=session,
        workspace_id=workspace.id,
        original_key="double",
        data=ActionInput(**{**vars(DOUBLE), "code": DOUBLE.code.replace("* 2", "* 10")}),
    )
    session.commit()
    assert say("oi", 2) == ["oi", "21 x 2 = 210", "big 210"]  # the edit applies at once
    code_actions.delete_action(session=session, workspace_id=workspace.id, key="double")
    session.commit()
    assert say("oi", 3) == ["oi", "error"]


def test_choosing_an_action_in_the_inspector_copies_its_outcomes_and_keeps_known_values() -> None:
    from flowstudio.nodes.action.form import node_with_action

    node = {"id": "n1", "kind": "action", "action": "old", "params": {"order_id": "${order}", "gone": 1}}
    chosen = node_with_action(
        node,
        {
            "key": "lookup",
            "outcomes": ["late"],
            "parameters": [{"name": "order_id"}, {"name": "notify", "default": True}],
        },
    )
    assert chosen == {
        "id": "n1",
        "kind": "action",
        "action": "lookup",
        "outcomes": ["late"],
        "params": {"order_id": "${order}", "notify": True},
    }


def test_the_emulator_names_a_sandbox_error_in_the_ui_language() -> None:
    event = {"name": "flow.code.error", "error": "sandbox_unavailable", "message": "code actions are disabled here"}
    assert _error_text(event, "pt-BR").startswith("As ações de código estão desativadas neste servidor")
    assert _error_text(event, "es").startswith("Las acciones de código están desactivadas")
    assert (
        _error_text({"name": "flow.step_limit", "message": "too many steps"}, "es") == "flow.step_limit: too many steps"
    )
