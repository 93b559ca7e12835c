"""The flow manager's "rules tried": each rule's reasons are i18n keys with parameters, read in the user's language."""

from __future__ import annotations

from sqlmodel import Session

from flowstudio.services.flow_manager import deciding, placement, rules
from tests.support.factories import make_queue, make_workspace


def test_the_reasons_of_each_rule_tried_read_in_the_user_s_language(session: Session) -> None:
    workspace = make_workspace(session)
    vip = make_queue(session, workspace=workspace, name="VIP")
    rules.create_rule(
        session=session,
        workspace_id=workspace.id,
        name="VIP no WhatsApp",
        target_type="queue",
        target_id=vip.id,
        conditions={"channels": ["whatsapp"], "tags": ["vip"], "variables": {"plano": "ouro"}},
    )
    rules.create_rule(session=session, workspace_id=workspace.id, name="Todos", target_type="queue", target_id=vip.id)
    session.commit()

    decision = placement.explain(session, workspace.id, "oi", language="pt", variables={"plano": "prata"})
    checks = decision.to_dict()["checks"]

    assert [check["matched"] for check in checks] == [False, True]
    assert deciding.reasons_text(checks[0]["reasons"], "pt-BR") == (
        "o canal webchat não está entre whatsapp; plano = 'prata' não é 'ouro'; nenhuma das etiquetas vip"
    )
    assert deciding.reasons_text(checks[1]["reasons"], "pt-BR") == "sem condições: sempre"
    assert deciding.reasons_text(checks[0]["reasons"], "es").startswith("el canal webchat no está entre whatsapp")
    assert deciding.reasons_text(checks[0]["reasons"], "en").startswith("channel webchat is not one of whatsapp")
