"""The *Add agent* dialog starts with no queue ticked: serving a queue is chosen, never a default to notice."""

from __future__ import annotations

from sqlmodel import Session, select

from flowstudio.models import AgentQueue, Role, User
from flowstudio.pages.agents import AgentsState
from tests.support.factories import make_queue, make_user, make_workspace
from tests.support.state import Ui


def test_add_agent_ticks_no_queue_and_saves_what_was_ticked(session: Session) -> None:
    workspace = make_workspace(session)
    sales = make_queue(session, workspace=workspace, name="Vendas", is_default=True)
    support = make_queue(session, workspace=workspace, name="Suporte")
    admin = make_user(session, workspace=workspace, role=Role.ADMIN)
    session.commit()
    ui = Ui(workspace_id=workspace.id, user_id=admin.id)
    ui.fire(AgentsState, "load")
    state = ui.state(AgentsState)
    assert [q.label for q in state.queue_choices] == ["Vendas", "Suporte"]

    ui.fire(AgentsState, "open_add")
    assert state.form_queues == []
    ui.fire(AgentsState, "set_form_name", "Caio")
    ui.fire(AgentsState, "set_form_email", "caio@example.com")
    ui.fire(AgentsState, "toggle_form_queue", str(support.id), True)
    ui.fire(AgentsState, "save")
    assert state.form_error == "" and not state.form_open
    caio = session.exec(select(User).where(User.email == "caio@example.com")).one()
    assert session.exec(select(AgentQueue.queue_id).where(AgentQueue.user_id == caio.id)).all() == [support.id]
    assert sales.id != support.id
