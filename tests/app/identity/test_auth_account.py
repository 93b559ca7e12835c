"""A user's own password change, and who may read the audit log and the sign-in settings."""

import pytest
from sqlmodel import Session

from flowstudio.models import Role
from flowstudio.services.identity import account, account_policy, auth
from flowstudio.services.privacy import audit
from tests.support.factories import make_user, make_workspace


def test_changing_the_own_password_checks_the_current_one_and_the_rules(session: Session) -> None:
    workspace = make_workspace(session)
    user = make_user(session, workspace=workspace, email="joao.silva@example.com", name="João Silva")
    old_token = auth.issue_token(user, session)
    cases = [
        ("wrong", "Novo-Segredo-9", "Novo-Segredo-9", "pwd.wrong_current"),
        ("s3cret-pass", "Novo-Segredo-9", "other", "pwd.mismatch"),
        ("s3cret-pass", "s3cret-pass", "s3cret-pass", "pwd.same"),
        ("s3cret-pass", "Joao.Silva-2026", "Joao.Silva-2026", "pwd.personal"),
        ("s3cret-pass", "curta1!", "curta1!", "pwd.too_short"),
    ]
    for current, new, confirm, key in cases:
        with pytest.raises(account.AccountError) as refused:
            account.change_password(session, user_id=user.id, current=current, new=new, confirm=confirm)
        assert refused.value.key == key
    account.change_password(
        session, user_id=user.id, current="s3cret-pass", new="Novo-Segredo-9", confirm="Novo-Segredo-9", ip="10.0.0.3"
    )
    assert auth.principal_from_token(session=session, token=old_token) is None
    assert auth.authenticate(session=session, email=user.email, password="Novo-Segredo-9") is not None
    assert audit.entries(session, workspace.id)[0].details == {"reason": "user"}
    assert account.overview(session, user.id).password_changed_at is not None


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AGENT])
def test_only_admins_pass_the_admin_check(session: Session, role: Role) -> None:
    workspace, other = make_workspace(session), make_workspace(session)
    admin = make_user(session, workspace=workspace, role=Role.ADMIN)
    member = make_user(session, workspace=workspace, role=role)
    account_policy.require_admin(session, workspace_id=workspace.id, user_id=admin.id)
    for workspace_id, user_id in ((workspace.id, member.id), (other.id, admin.id), (None, admin.id)):
        with pytest.raises(account_policy.NotAllowed):
            account_policy.require_admin(session, workspace_id=workspace_id, user_id=user_id)
