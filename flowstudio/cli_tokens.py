"""REST API token commands for the ``flowstudio`` CLI: ``token create``, ``token list`` and ``token revoke``.

A token is printed once, when created; lists show its prefix (``fst_`` and 8 more characters), which
``token revoke`` accepts as well as the id. Database modules are imported inside the commands, as in
``flowstudio.cli``, so ``flowstudio --help`` starts fast.
"""

from __future__ import annotations

import json

import typer

token_app = typer.Typer(help="REST API tokens.", no_args_is_help=True)


def _workspace_id(session, slug: str) -> int:
    # lazy: the CLI starts fast and loads only what the command needs
    from sqlmodel import select

    from flowstudio.models import Workspace

    space_id = session.exec(select(Workspace.id).where(Workspace.slug == slug)).first()
    if space_id is None:
        typer.echo(f"error: no workspace '{slug}'", err=True)
        raise typer.Exit(1)
    return space_id


@token_app.command("create")
def token_create(
    workspace: str = typer.Option("demo", help="Workspace slug."),
    role: str = typer.Option("admin", help="admin, supervisor, designer, developer or agent."),
    name: str = typer.Option("cli", help="What the token is for."),
    member: str = typer.Option("", help="E-mail of the member the token acts for (an agent's token sees their inbox)."),
) -> None:
    """Create an API token and print it (only this once)."""
    # lazy: the CLI starts fast and loads only what the command needs
    from sqlmodel import func, select

    from flowstudio.db import session_scope
    from flowstudio.errors import DomainError
    from flowstudio.models import Role, User
    from flowstudio.services.identity.api_tokens import create_token

    try:
        chosen = Role(role)
    except ValueError as error:
        raise typer.BadParameter(f"use {', '.join(r.value for r in Role)}", param_hint="--role") from error
    with session_scope() as session:
        member_id = None
        if member:
            member_id = session.exec(select(User.id).where(func.lower(User.email) == member.strip().lower())).first()
            if member_id is None:
                raise typer.BadParameter(f"no user '{member}'", param_hint="--member")
        try:
            token = create_token(
                session=session,
                workspace_id=_workspace_id(session, workspace),
                name=name,
                role=chosen,
                member_id=member_id,
            )
        except DomainError as error:
            raise typer.BadParameter(str(error), param_hint="--member") from error
        typer.echo(token)


@token_app.command("list")
def token_list(workspace: str = typer.Option("demo", help="Workspace slug.")) -> None:
    """The workspace's tokens as JSON: id, name, role, prefix, creator, created, last used, revoked."""
    # lazy: the CLI starts fast and loads only what the command needs
    from dataclasses import asdict

    from flowstudio.db import session_scope
    from flowstudio.services.identity.api_tokens import list_tokens

    with session_scope() as session:
        views = [asdict(view) for view in list_tokens(session=session, workspace_id=_workspace_id(session, workspace))]
    typer.echo(json.dumps(views, indent=2, default=str))


@token_app.command("revoke")
def token_revoke(
    token: str = typer.Argument(..., help="The token's id, or its prefix (fst_ and 8 characters) as listed."),
    workspace: str = typer.Option("", help="Only look in this workspace (slug); default: every workspace."),
) -> None:
    """Revoke a token: every request with it is refused from now on (it stays listed, as revoked)."""
    # lazy: the CLI starts fast and loads only what the command needs
    from flowstudio.db import session_scope
    from flowstudio.errors import DomainError
    from flowstudio.services.identity.api_tokens import find_token, revoke_token

    with session_scope() as session:
        space_id = _workspace_id(session, workspace) if workspace else None
        try:
            row = find_token(session=session, reference=token, workspace_id=space_id)
        except DomainError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from error
        already = row.revoked_at is not None
        revoke_token(session=session, token=row)
        typer.echo(
            f"token {row.id} ({row.prefix or 'fst_'}…, {row.name}) " + ("was already revoked" if already else "revoked")
        )
