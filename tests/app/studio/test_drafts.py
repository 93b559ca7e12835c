"""Drafts, versions and tests of a bot: autosave without lost work, gated publishing, rollback."""

import json

import pytest
from sqlmodel import Session

from flowstudio.demo import demo_flow, demo_tests
from flowstudio.services.studio import bots, drafts
from tests.support.factories import make_workspace


@pytest.fixture
def bot_id(session: Session) -> int:
    workspace = make_workspace(session)
    bot = bots.create_bot_from_document(session=session, workspace_id=workspace.id, document=demo_flow())
    session.commit()
    return bot.id


def _workspace(session: Session, bot_id: int) -> int:
    from flowstudio.models import Bot

    return session.get(Bot, bot_id).workspace_id


def test_autosave_refuses_to_overwrite_someone_elses_save(session: Session, bot_id: int) -> None:
    draft = drafts.load_draft(session=session, workspace_id=_workspace(session, bot_id), bot_id=bot_id)
    mine, theirs = dict(draft.document, constants={"a": 1}), dict(draft.document, constants={"b": 2})
    assert drafts.save_draft(session=session, bot_id=bot_id, document=theirs, expected_revision=draft.revision) == 1
    with pytest.raises(drafts.DraftConflict):
        drafts.save_draft(session=session, bot_id=bot_id, document=mine, expected_revision=draft.revision)
    session.commit()
    again = drafts.load_draft(session=session, workspace_id=_workspace(session, bot_id), bot_id=bot_id)
    assert again.document["constants"] == {"b": 2} and again.revision == 1


def test_a_bot_of_another_workspace_is_not_found(session: Session, bot_id: int) -> None:
    other = make_workspace(session)
    assert drafts.load_draft(session=session, workspace_id=other.id, bot_id=bot_id) is None


def test_publish_numbers_versions_and_keeps_them_immutable(session: Session, bot_id: int) -> None:
    first = drafts.publish(session=session, bot_id=bot_id, author_id=None, changelog="  v1  ")
    draft = drafts.load_draft(session=session, workspace_id=_workspace(session, bot_id), bot_id=bot_id)
    changed = json.loads(json.dumps(draft.document))
    changed["nodes"][1]["text"] = "Oi!"
    drafts.save_draft(session=session, bot_id=bot_id, document=changed, expected_revision=draft.revision)
    second = drafts.publish(session=session, bot_id=bot_id, author_id=None, changelog="v2")
    assert (first.number, second.number, first.changelog) == (1, 2, "v1")
    assert drafts.version_document(session=session, bot_id=bot_id, number=1)["nodes"][1]["text"] != "Oi!"
    assert [v.number for v in drafts.list_versions(session=session, bot_id=bot_id)] == [2, 1]


def test_failing_conversation_tests_block_publishing(session: Session, bot_id: int) -> None:
    for name, content in demo_tests().items():
        drafts.save_test(session=session, bot_id=bot_id, name=name, content=content)
    draft = drafts.load_draft(session=session, workspace_id=_workspace(session, bot_id), bot_id=bot_id)
    broken = json.loads(json.dumps(draft.document))
    next(n for n in broken["nodes"] if n["id"] == "m_horario")["text"] = "Fechado."
    drafts.save_draft(session=session, bot_id=bot_id, document=broken, expected_revision=draft.revision)
    with pytest.raises(drafts.PublishBlocked) as blocked:
        drafts.publish(session=session, bot_id=bot_id, author_id=None, changelog="")
    assert [f.name for f in blocked.value.failures] == ["nlu-and-retries"]
    assert "Fechado." in blocked.value.failures[0].report
    assert drafts.list_versions(session=session, bot_id=bot_id) == []


def test_all_demo_tests_pass_against_the_demo(session: Session, bot_id: int) -> None:
    tests = [drafts.save_test(session=session, bot_id=bot_id, name=n, content=c) for n, c in demo_tests().items()]
    outcomes = drafts.run_tests(demo_flow(), tests)
    assert [(o.name, o.passed) for o in outcomes] == [(t.name, True) for t in tests]


def test_invalid_test_content_is_refused(session: Session, bot_id: int) -> None:
    with pytest.raises(ValueError):
        drafts.save_test(session=session, bot_id=bot_id, name="bad", content='{"usr": "typo"}\n')
    with pytest.raises(ValueError, match="name"):
        drafts.save_test(session=session, bot_id=bot_id, name="  ", content='{"user": "oi"}\n')


def test_rollback_restores_a_version_into_the_draft(session: Session, bot_id: int) -> None:
    drafts.publish(session=session, bot_id=bot_id, author_id=None, changelog="v1")
    draft = drafts.load_draft(session=session, workspace_id=_workspace(session, bot_id), bot_id=bot_id)
    revision = drafts.save_draft(
        session=session, bot_id=bot_id, document=dict(draft.document, nodes=[]), expected_revision=draft.revision
    )
    document, new_revision = drafts.rollback(session=session, bot_id=bot_id, number=1, expected_revision=revision)
    assert len(document["nodes"]) == 21 and new_revision == revision + 1
    with pytest.raises(KeyError):
        drafts.rollback(session=session, bot_id=bot_id, number=9, expected_revision=new_revision)


def test_channel_kinds_of_a_bot(session: Session, bot_id: int) -> None:
    from flowstudio.services.integrations.channels import create_channel

    workspace_id = _workspace(session, bot_id)
    create_channel(session=session, workspace_id=workspace_id, kind="webchat", name="site")  # unassigned
    create_channel(
        session=session,
        workspace_id=workspace_id,
        kind="telegram",
        name="tg",
        bot_id=bot_id,
        secrets={"bot_token": "t", "webhook_secret": "s"},
    )
    assert drafts.channel_kinds(session=session, bot_id=bot_id) == ["telegram", "webchat"]  # the default bot


def test_an_action_node_naming_no_action_of_the_workspace_blocks_publishing(session: Session, bot_id: int) -> None:
    from flowstudio.services.studio import code_actions

    draft = drafts.load_draft(session=session, workspace_id=_workspace(session, bot_id), bot_id=bot_id)
    document = json.loads(json.dumps(draft.document))
    document["nodes"].append(
        {"id": "crm", "kind": "action", "action": "crm-lookup", "params": {"cpf": "1"}, "position": {"x": 0, "y": 0}}
    )
    document["edges"].append({"id": "e_crm", "source": "boas_vindas", "source_handle": "next", "target": "crm"})
    document["edges"] = [e for e in document["edges"] if e["id"] != "e2"] + [
        {"id": "e_crm_ok", "source": "crm", "source_handle": "ok", "target": "menu"}
    ]
    drafts.save_draft(session=session, bot_id=bot_id, document=document, expected_revision=draft.revision)
    with pytest.raises(drafts.PublishBlocked) as blocked:
        drafts.publish(session=session, bot_id=bot_id, author_id=None, changelog="")
    assert [(p.code, p.node_id) for p in blocked.value.problems] == [("unknown_action", "crm")]

    code_actions.save_action(
        session=session,
        workspace_id=_workspace(session, bot_id),
        data=code_actions.ActionInput(
            key="crm-lookup",
            name="CRM",
            code="flow.vars['vip'] = flow.params['cpf'] == '1'",
            parameters=[{"name": "cpf", "type": "text", "required": True}],
        ),
    )
    session.commit()
    assert drafts.publish(session=session, bot_id=bot_id, author_id=None, changelog="").number == 1
