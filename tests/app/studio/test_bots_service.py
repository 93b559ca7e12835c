"""Managing bots: names stay unique, deleting never strands conversations, imports explain refusals."""

import json

import pytest
from sqlmodel import Session, select

from flowstudio.demo import demo_flow
from flowstudio.models import Bot, FlowVersion
from flowstudio.services.studio import bots
from tests.support.factories import make_conversation, make_workspace


def test_create_gives_a_valid_starting_flow_and_unique_names(session: Session) -> None:
    from flow_runtime.validate import validate_flow

    workspace = make_workspace(session)
    first = bots.create_bot(session=session, workspace_id=workspace.id, name="Vendas")
    second = bots.create_bot(session=session, workspace_id=workspace.id, name="Vendas", language="es")
    assert (first.name, second.name, first.is_default, second.is_default) == ("Vendas", "Vendas (2)", True, False)
    draft = session.exec(select(FlowVersion).where(FlowVersion.bot_id == first.id)).one()
    flow, problems = validate_flow(draft.document)
    assert flow is not None and not [p for p in problems if p.severity == "error"]
    with pytest.raises(bots.BotError, match="name"):
        bots.create_bot(session=session, workspace_id=workspace.id, name="  ")
    with pytest.raises(bots.BotError, match="language"):
        bots.create_bot(session=session, workspace_id=workspace.id, name="X", language="de")


def test_rename_refuses_a_taken_name_and_updates_the_draft(session: Session) -> None:
    workspace = make_workspace(session)
    a = bots.create_bot(session=session, workspace_id=workspace.id, name="A")
    bots.create_bot(session=session, workspace_id=workspace.id, name="B")
    with pytest.raises(bots.BotError, match="already called 'B'"):
        bots.rename_bot(session=session, workspace_id=workspace.id, bot_id=a.id, name="B")
    bots.rename_bot(session=session, workspace_id=workspace.id, bot_id=a.id, name="Atendimento")
    draft = session.exec(select(FlowVersion).where(FlowVersion.bot_id == a.id)).one()
    assert draft.document["bot"]["name"] == "Atendimento"


def test_duplicate_copies_the_draft(session: Session) -> None:
    workspace = make_workspace(session)
    source = bots.create_bot_from_document(session=session, workspace_id=workspace.id, document=demo_flow())
    copy_ = bots.duplicate_bot(session=session, workspace_id=workspace.id, bot_id=source.id, copy_suffix="cópia")
    assert copy_.name == "Pizzaria Bella (cópia)" and not copy_.is_default
    draft = session.exec(select(FlowVersion).where(FlowVersion.bot_id == copy_.id)).one()
    assert len(draft.document["nodes"]) == 21


def test_delete_is_refused_while_a_conversation_belongs_to_the_bot(session: Session) -> None:
    workspace = make_workspace(session)
    bot = bots.create_bot(session=session, workspace_id=workspace.id, name="Busy")
    heir = bots.create_bot(session=session, workspace_id=workspace.id, name="Heir")
    make_conversation(session, workspace=workspace, bot=bot)
    with pytest.raises(bots.BotError, match="conversations"):
        bots.delete_bot(session=session, workspace_id=workspace.id, bot_id=bot.id)
    idle = bots.create_bot(session=session, workspace_id=workspace.id, name="Idle")
    bots.delete_bot(session=session, workspace_id=workspace.id, bot_id=idle.id)
    assert session.get(Bot, idle.id) is None and session.get(Bot, heir.id) is not None


def test_deleting_the_default_bot_passes_the_default_on(session: Session) -> None:
    workspace = make_workspace(session)
    first = bots.create_bot(session=session, workspace_id=workspace.id, name="First")
    second = bots.create_bot(session=session, workspace_id=workspace.id, name="Second")
    bots.delete_bot(session=session, workspace_id=workspace.id, bot_id=first.id)
    session.refresh(second)
    assert second.is_default


def test_import_round_trips_an_export(session: Session) -> None:
    workspace = make_workspace(session)
    source = bots.create_bot_from_document(session=session, workspace_id=workspace.id, document=demo_flow())
    filename, document = bots.export_document(session=session, workspace_id=workspace.id, bot_id=source.id)
    assert filename == "pizzaria-bella.flow.json"
    imported = bots.import_bot(session=session, workspace_id=workspace.id, raw=json.dumps(document))
    assert imported.name == "Pizzaria Bella (2)"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("{not json", "not JSON"),
        ('{"schema_version": 1, "nodes": [{"id": "x", "kind": "teleport"}]}', "not a FlowStudio flow"),
        ("[1, 2]", "not a FlowStudio flow"),
    ],
)
def test_import_refuses_what_cannot_load_and_creates_nothing(session: Session, raw: str, reason: str) -> None:
    workspace = make_workspace(session)
    with pytest.raises(bots.BotError, match=reason):
        bots.import_bot(session=session, workspace_id=workspace.id, raw=raw)
    assert session.exec(select(Bot).where(Bot.workspace_id == workspace.id)).all() == []
