"""The settings page's handlers: administrators store the general configuration and privacy policy (audited,
applied at once), everyone else is refused, wrong values are refused with a reason and nothing is stored. On
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.models import AuditEntry, Role, Workspace, WorkspaceSettings, sealing
from flowstudio.pages import settings_state
from flowstudio.pages.settings_state import form_to_settings, save_settings
from flowstudio.services.inbox import listing as inbox
from flowstudio.services.system import workspace_settings as config
from tests.support.factories import make_user, make_workspace

GOOD = {
    "timezone": "America/Manaus",
    "default_language": "es",
    "inactive_after_minutes": "30",
    "close_after_minutes": "120",
    "conversation_types": "vendas, suporte; Vendas\ncobrança",
    "retention_days": "90",
    "file_retention_days": "",
    "encrypt_messages": "on",
    "sensitive_variables": "cpf, email",
}


@pytest.fixture
def people(session: Session, monkeypatch: pytest.MonkeyPatch) -> dict:
    sealing.forget_policies()
    sealed: list[int] = []
    monkeypatch.setattr(settings_state, "_seal_existing", sealed.append)
    workspace = make_workspace(session)
    users = {role: make_user(session, workspace=workspace, role=role) for role in Role}
    other = make_workspace(session)
    other_admin = make_user(session, workspace=other, role=Role.ADMIN)
    session.commit()
    return {"workspace": workspace, "users": users, "other": other, "other_admin": other_admin, "sealed": sealed}


def stored(workspace_id: int) -> WorkspaceSettings | None:
    with session_scope() as session:
        return session.get(WorkspaceSettings, workspace_id)


def test_the_form_reads_lists_numbers_and_the_switch() -> None:
    values = form_to_settings(GOOD)
    assert values.conversation_types == ["vendas", "suporte", "Vendas", "cobrança"]  # duplicates go in validate
    assert (values.inactive_after_minutes, values.file_retention_days, values.encrypt_messages) == ("30", None, True)
    assert form_to_settings({}) == config.GeneralSettings(default_language="pt-BR")


def test_an_administrator_saves_and_it_applies_at_once(people: dict) -> None:
    workspace, admin = people["workspace"], people["users"][Role.ADMIN]
    changed = save_settings(workspace_id=workspace.id, user_id=admin.id, form=GOOD, ip="10.0.0.7")
    row = stored(workspace.id)
    assert (row.timezone, row.inactive_after_minutes, row.close_after_minutes) == ("America/Manaus", 30, 120)
    assert row.conversation_types == ["vendas", "suporte", "cobrança"]
    assert (row.retention_days, row.file_retention_days, row.encrypt_messages) == (90, None, True)
    assert row.sensitive_variables == ["cpf", "email"]
    assert people["sealed"] == [workspace.id]  # older rows get sealed in the background
    with session_scope() as session:
        assert session.get(Workspace, workspace.id).default_language == "es"
        assert str(inbox.workspace_timezone(session, workspace.id)) == "America/Manaus"
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "settings.changed")).one()
        assert entry.details["changed"]["retention_days"] == {"from": None, "to": 90} and entry.ip == "10.0.0.7"
        assert sealing.policy_for(session, workspace.id).encrypt_messages  # this process seals from now on
    assert changed["timezone"]["to"] == "America/Manaus"
    assert save_settings(workspace_id=workspace.id, user_id=admin.id, form=GOOD) == {}  # nothing changed
    assert stored(people["other"].id) is None


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.DESIGNER, Role.DEVELOPER, Role.AGENT])
def test_everyone_but_administrators_is_refused(people: dict, role: Role) -> None:
    with pytest.raises(config.SettingsError) as error:
        save_settings(workspace_id=people["workspace"].id, user_id=people["users"][role].id, form=GOOD)
    assert error.value.key == "config.not_allowed" and stored(people["workspace"].id) is None


def test_an_administrator_of_another_workspace_is_refused(people: dict) -> None:
    with pytest.raises(config.SettingsError):
        save_settings(workspace_id=people["workspace"].id, user_id=people["other_admin"].id, form=GOOD)
    assert stored(people["workspace"].id) is None


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("timezone", "Mars/Olympus_Mons", "config.bad_timezone"),
        ("timezone", "America/Sao_Paulo'; DROP TABLE contact; --", "config.bad_timezone"),
        ("default_language", "de", "config.bad_language"),
        ("inactive_after_minutes", "0", "config.bad_minutes"),
        ("close_after_minutes", "dez", "config.bad_minutes"),
        ("close_after_minutes", "10", "config.close_before_inactive"),
        ("retention_days", "-5", "privacy.bad_days"),
        ("file_retention_days", "99999", "privacy.bad_days"),
        ("sensitive_variables", "cpf, <script>", "privacy.bad_variable"),
        ("conversation_types", "x" * 41, "config.bad_type"),
        ("conversation_types", ", ".join(f"t{i}" for i in range(31)), "config.bad_type"),
    ],
)
def test_wrong_values_are_refused_and_nothing_is_stored(people: dict, field: str, value: str, key: str) -> None:
    admin = people["users"][Role.ADMIN]
    save_settings(workspace_id=people["workspace"].id, user_id=admin.id, form={**GOOD, "retention_days": "30"})
    with pytest.raises(config.SettingsError) as error:
        save_settings(workspace_id=people["workspace"].id, user_id=admin.id, form={**GOOD, field: value})
    assert error.value.key == key
    row = stored(people["workspace"].id)
    assert (row.retention_days, row.timezone) == (30, "America/Manaus")


def test_empty_numbers_mean_never_and_forever(people: dict) -> None:
    admin = people["users"][Role.ADMIN]
    save_settings(workspace_id=people["workspace"].id, user_id=admin.id, form=GOOD)
    save_settings(
        workspace_id=people["workspace"].id,
        user_id=admin.id,
        form={**GOOD, "retention_days": " ", "inactive_after_minutes": "", "close_after_minutes": ""},
    )
    row = stored(people["workspace"].id)
    assert (row.retention_days, row.inactive_after_minutes, row.close_after_minutes) == (None, None, None)
