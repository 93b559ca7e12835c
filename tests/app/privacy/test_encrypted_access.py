"""Who may read encrypted messages is granted per member, by administrators only, and audited."""

import pytest
from sqlmodel import Session

from flowstudio.models import Role
from flowstudio.services.assignment import agents
from flowstudio.services.identity import permissions
from flowstudio.services.privacy import audit
from tests.support.factories import make_user, make_workspace


def test_an_admin_grants_and_withdraws_it_and_each_change_is_audited(session: Session) -> None:
    workspace = make_workspace(session)
    admin = make_user(session, workspace=workspace, role=Role.ADMIN)
    agent = make_user(session, workspace=workspace)

    def can_read() -> bool:
        return permissions.member_can(
            session=session, workspace_id=workspace.id, user_id=agent.id, capability=permissions.MESSAGES_DECRYPT
        )

    assert not can_read()
    agents.set_encrypted_access(
        session=session, workspace_id=workspace.id, user_id=agent.id, allowed=True, actor_id=admin.id
    )
    assert can_read()
    assert agents.get_agent(session=session, workspace_id=workspace.id, user_id=agent.id).can_read_encrypted
    agents.set_encrypted_access(
        session=session, workspace_id=workspace.id, user_id=agent.id, allowed=True, actor_id=admin.id
    )  # no change: nothing to record
    agents.set_encrypted_access(
        session=session, workspace_id=workspace.id, user_id=agent.id, allowed=False, actor_id=admin.id
    )
    session.commit()
    assert not can_read()
    entries = audit.entries(session, workspace.id, action_prefix="member.decrypt")
    assert [(e.action, e.target_id, e.actor_email) for e in entries] == [
        ("member.decrypt_revoked", str(agent.id), admin.email),
        ("member.decrypt_granted", str(agent.id), admin.email),
    ]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AGENT, Role.DEVELOPER])
def test_nobody_but_an_admin_may_grant_it(session: Session, role: Role) -> None:
    workspace = make_workspace(session)
    actor = make_user(session, workspace=workspace, role=role)
    with pytest.raises(agents.AgentError):
        agents.set_encrypted_access(
            session=session, workspace_id=workspace.id, user_id=actor.id, allowed=True, actor_id=actor.id
        )
    assert not permissions.member_can(
        session=session, workspace_id=workspace.id, user_id=actor.id, capability=permissions.MESSAGES_DECRYPT
    )


def test_an_admin_of_another_workspace_may_not(session: Session) -> None:
    workspace, other = make_workspace(session), make_workspace(session)
    outsider = make_user(session, workspace=other, role=Role.ADMIN)
    agent = make_user(session, workspace=workspace)
    with pytest.raises(agents.AgentError):
        agents.set_encrypted_access(
            session=session, workspace_id=workspace.id, user_id=agent.id, allowed=True, actor_id=outsider.id
        )
