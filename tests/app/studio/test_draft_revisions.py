"""The draft's revision protocol as the studio drives it: restore, undo, two tabs and reconnects never lose
an edit, and a conflict is only reported when another tab really saved in between."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from flowstudio.demo import demo_flow
from flowstudio.models import Role
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.versions import VersionsState
from flowstudio.services.studio import bots, drafts
from tests.support.factories import make_user, make_workspace
from tests.support.state import Ui

TEXT_NODE = "m_horario"


@pytest.fixture
def studio(session: Session) -> dict[str, int]:
    workspace = make_workspace(session)
    admin = make_user(session, workspace=workspace, role=Role.ADMIN)
    bot = bots.create_bot_from_document(session=session, workspace_id=workspace.id, document=demo_flow())
    session.commit()
    return {"workspace": workspace.id, "user": admin.id, "bot": bot.id}


def _tab(studio: dict[str, int]) -> Ui:
    ui = Ui(workspace_id=studio["workspace"], user_id=studio["user"], path=f"/bots/{studio['bot']}/editor")
    ui.fire(EditorState, "load")
    return ui


def _edit_text(ui: Ui, text: str, node_id: str = TEXT_NODE) -> None:
    ui.fire(EditorState, "on_select", [node_id])
    ui.state(EditorState)._edit_key = ""  # a separate undo step, as a pause in typing makes it
    ui.fire(EditorState, "set_field", "text", text)


def _stored(session: Session, studio: dict[str, int], node_id: str = TEXT_NODE) -> Any:
    session.expire_all()
    draft = drafts.load_draft(session=session, workspace_id=studio["workspace"], bot_id=studio["bot"])
    return next(n for n in draft.document["nodes"] if n["id"] == node_id).get("text")


def _publish(session: Session, studio: dict[str, int]) -> None:
    drafts.publish(session=session, bot_id=studio["bot"], author_id=None, changelog="v")
    session.commit()


def test_an_edit_after_a_restore_is_stored_without_a_conflict(session: Session, studio: dict[str, int]) -> None:
    published = _stored(session, studio)
    _publish(session, studio)
    tab = _tab(studio)
    _edit_text(tab, "Editado antes de restaurar.")
    tab.fire(VersionsState, "rollback", 1)
    assert _stored(session, studio) == published
    _edit_text(tab, "Editado depois de restaurar.")
    assert tab.state(EditorState).save_status == "saved"
    assert _stored(session, studio) == "Editado depois de restaurar."
    assert (
        _stored(session, studio)
        == next(n for n in _tab(studio).state(EditorState)._doc["nodes"] if n["id"] == TEXT_NODE)["text"]
    )  # a reload


def test_undo_and_redo_of_a_restore_are_stored(session: Session, studio: dict[str, int]) -> None:
    published = _stored(session, studio)
    _publish(session, studio)
    tab = _tab(studio)
    _edit_text(tab, "Minha edição.")
    tab.fire(VersionsState, "rollback", 1)
    tab.fire(EditorState, "undo")
    assert (tab.state(EditorState).save_status, _stored(session, studio)) == ("saved", "Minha edição.")
    tab.fire(EditorState, "redo")
    assert (tab.state(EditorState).save_status, _stored(session, studio)) == ("saved", published)
    _edit_text(tab, "Depois do refazer.")
    assert (tab.state(EditorState).save_status, _stored(session, studio)) == ("saved", "Depois do refazer.")


def test_a_second_tab_is_told_of_the_conflict_and_overwrites_nothing(session: Session, studio: dict[str, int]) -> None:
    first, second = _tab(studio), _tab(studio)
    _edit_text(first, "Da primeira aba.")
    _edit_text(second, "Da segunda aba.")
    assert second.state(EditorState).save_status == "conflict"
    assert _stored(session, studio) == "Da primeira aba."
    second.fire(EditorState, "load")  # "Reload" on the conflict badge, or a reload of the page
    _edit_text(second, "Da segunda aba, depois de recarregar.")
    assert second.state(EditorState).save_status == "saved"
    assert _stored(session, studio) == "Da segunda aba, depois de recarregar."


def test_a_restore_in_a_stale_tab_overwrites_nothing(session: Session, studio: dict[str, int]) -> None:
    _publish(session, studio)
    first, second = _tab(studio), _tab(studio)
    _edit_text(first, "Da primeira aba.")
    second.fire(VersionsState, "rollback", 1)
    assert second.state(EditorState).save_status == "conflict"
    assert _stored(session, studio) == "Da primeira aba."


def test_the_other_tab_sees_a_restore_as_a_conflict_not_the_restoring_one(
    session: Session, studio: dict[str, int]
) -> None:
    _publish(session, studio)
    first, second = _tab(studio), _tab(studio)
    first.fire(VersionsState, "rollback", 1)
    _edit_text(first, "Da aba que restaurou.")
    _edit_text(second, "Da outra aba.")
    assert (first.state(EditorState).save_status, second.state(EditorState).save_status) == ("saved", "conflict")
    assert _stored(session, studio) == "Da aba que restaurou."


def test_a_reconnect_keeps_the_history_and_the_next_edits_store(session: Session, studio: dict[str, int]) -> None:
    before = _stored(session, studio)
    tab = _tab(studio)
    _edit_text(tab, "Antes da reconexão.")
    tab.fire(EditorState, "load")  # every websocket (re)connect runs the page's on_load again
    assert tab.state(EditorState).can_undo
    tab.fire(EditorState, "undo")
    assert (tab.state(EditorState).save_status, _stored(session, studio)) == ("saved", before)


def test_an_edit_the_store_could_not_take_is_written_on_the_next_edit_or_reconnect(
    session: Session, studio: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = _tab(studio)
    real = drafts.save_draft

    def unreachable(**_kwargs: Any) -> int:
        raise OperationalError("UPDATE flowversion", {}, Exception("server closed the connection"))

    monkeypatch.setattr(drafts, "save_draft", unreachable)
    _edit_text(tab, "Durante a queda.")
    assert tab.state(EditorState).save_status == "unsaved"
    monkeypatch.setattr(drafts, "save_draft", real)
    tab.fire(EditorState, "load")  # the reconnect after the outage
    assert (tab.state(EditorState).save_status, _stored(session, studio)) == ("saved", "Durante a queda.")


def test_a_restore_selects_nothing_in_the_browser_either(session: Session, studio: dict[str, int]) -> None:
    _publish(session, studio)
    tab = _tab(studio)
    _edit_text(tab, "Selecionado.")
    assert tab.state(EditorState).canvas_doc["selected"] == []  # the last full redraw was the load
    tab.fire(EditorState, "undo")
    assert tab.state(EditorState).canvas_doc["selected"] == [TEXT_NODE]
    tab.fire(VersionsState, "rollback", 1)
    assert (tab.state(EditorState).selected_ids, tab.state(EditorState).canvas_doc["selected"]) == ([], [])
