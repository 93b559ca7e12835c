"""The `flowstudio` command: set up the database, seed the demo, serve the app, run workers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict

import typer

from flowstudio import __version__, cli_flow, cli_nlu, cli_privacy, cli_tokens, serving
from flowstudio.settings import get_settings

app = typer.Typer(help="FlowStudio: bots and human agents together, on every channel.", no_args_is_help=True)
admin_app = typer.Typer(help="Administrator accounts.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")
channel_app = typer.Typer(help="Channels: webchat, WhatsApp, Telegram, REST.", no_args_is_help=True)
app.add_typer(channel_app, name="channel")
app.add_typer(cli_tokens.token_app, name="token")  # token create, list, revoke


@app.command()
def version() -> None:
    """Print FlowStudio's version."""
    typer.echo(__version__)


@app.command()
def migrate() -> None:
    """Apply database migrations up to the newest (`alembic upgrade head`)."""
    # lazy: the CLI starts fast and loads only what the command needs
    from flowstudio.services.system import migrations

    migrations.upgrade()
    typer.echo(f"database migrated to {migrations.head_revision()} ({get_settings().database_url.split(':', 1)[0]})")


@app.command()
def seed() -> None:
    """Create the demo workspace, its admin and the Pizzaria Bella bot, where missing (migrates first)."""
    # lazy: the CLI starts fast and loads only what the command needs
    from flowstudio.db import session_scope
    from flowstudio.services.system import migrations
    from flowstudio.services.system.seed import seed_demo

    settings = get_settings()
    migrations.upgrade()
    with session_scope() as session:
        result = seed_demo(session=session, admin_email=settings.admin_email, admin_password=settings.admin_password)
    if result.created_bot:
        typer.echo("seeded the demo bot 'Pizzaria Bella'")
    if result.not_published:
        typer.echo(f"the demo bot stays a draft here ({result.not_published}); see it in the studio", err=True)
    if result.published is not None:
        _train_demo_model(*result.published)
    if result.admin_password:
        bar = "=" * 64
        typer.echo(
            f"\n{bar}\n  FlowStudio admin (shown only this once; keep it safe)\n"
            f"  e-mail:   {result.admin_email}\n  password: {result.admin_password}\n"
            f"  forgot it? .venv/bin/flowstudio admin set-password {result.admin_email}\n{bar}\n"
        )
    else:
        typer.echo(f"admin {result.admin_email} already exists (reset with `flowstudio admin set-password`)")


def _train_demo_model(bot_id: int, number: int) -> None:
    """Train the demo's published version's intent model now, when it is not on disk yet: publishing from the
    studio or the API queues this same task, seeding publishes directly, and without the model every web
    worker trained its own copy at warm-up."""
    # lazy: the CLI starts fast and loads only what the command needs
    from flowstudio.services.studio.nlu import model_path
    from flowstudio.tasks.nlu import train_published_version

    if model_path(bot_id=bot_id, number=number).exists():
        return
    if train_published_version(bot_id, number):  # run here, synchronously (a task called directly)
        typer.echo(f"trained the demo bot's intent model (version {number})")


@admin_app.command("set-password")
def set_password(
    email: str,
    password: str = typer.Option("", help="The new password; empty generates one and prints it."),
) -> None:
    """Set a user's password (logs them out everywhere)."""
    # lazy: the CLI starts fast and loads only what the command needs
    from flowstudio.db import session_scope
    from flowstudio.services.identity.auth import generate_password
    from flowstudio.services.identity.auth import set_password as set_user_password

    new_password = password or generate_password()
    if len(new_password) < 8:
        typer.echo("error: the password needs at least 8 characters", err=True)
        raise typer.Exit(2)
    with session_scope() as session:
        user = set_user_password(session=session, email=email, password=new_password)
    if user is None:
        typer.echo(f"error: no user with e-mail {email}", err=True)
        raise typer.Exit(1)
    typer.echo(f"password of {user.email} set" + ("" if password else f": {new_password}"))


def _pairs(items: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"use NAME=VALUE, got {item!r}", param_hint=what)
        pairs[name.strip()] = value
    return pairs


@channel_app.command("create")
def channel_create(
    kind: str = typer.Option(..., help="webchat, whatsapp, telegram or rest"),
    name: str = typer.Option(..., help="A name people recognise."),
    workspace: str = typer.Option("demo", help="Workspace slug."),
    bot: str = typer.Option("", help="Bot name (default: the workspace's default bot)."),
    config: list[str] = typer.Option([], "--config", help="NAME=VALUE, repeatable (e.g. phone_number_id=...)."),
    secret: list[str] = typer.Option([], "--secret", help="NAME=VALUE, repeatable (e.g. access_token=...)."),
) -> None:
    """Create a channel and print its webhook path (secrets are never printed)."""
    from sqlmodel import select

    # lazy: the CLI starts fast and loads only what the command needs
    from flowstudio.db import session_scope
    from flowstudio.models import Bot, Workspace
    from flowstudio.services.integrations.channels import ChannelError, create_channel, public_view

    with session_scope() as session:
        space = session.exec(select(Workspace).where(Workspace.slug == workspace)).first()
        if space is None:
            typer.echo(f"error: no workspace '{workspace}'", err=True)
            raise typer.Exit(1)
        bot_id = None
        if bot:
            bot_id = session.exec(select(Bot.id).where(Bot.workspace_id == space.id, Bot.name == bot)).first()
            if bot_id is None:
                typer.echo(f"error: no bot '{bot}' in {workspace}", err=True)
                raise typer.Exit(1)
        try:
            channel = create_channel(
                session=session,
                workspace_id=space.id,
                kind=kind,
                name=name,
                bot_id=bot_id,
                config=_pairs(config, "--config"),
                secrets=_pairs(secret, "--secret"),
            )
        except ChannelError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from error
        typer.echo(json.dumps(public_view(channel), indent=2, ensure_ascii=False))


@channel_app.command("list")
def channel_list(workspace: str = typer.Option("demo", help="Workspace slug.")) -> None:
    """The workspace's channels (secrets shown only as the names of those set)."""
    from sqlmodel import select

    # lazy: the CLI starts fast and loads only what the command needs
    from flowstudio.db import session_scope
    from flowstudio.models import Workspace
    from flowstudio.services.integrations.channels import list_channels, public_view

    with session_scope() as session:
        space = session.exec(select(Workspace).where(Workspace.slug == workspace)).first()
        views = [public_view(c) for c in list_channels(session=session, workspace_id=space.id)] if space else []
    typer.echo(json.dumps(views, indent=2, ensure_ascii=False))


@app.command()
def health() -> None:
    """Check the database and the task broker; exit 1 when something is down."""
    # lazy: the CLI starts fast and loads only what the command needs
    from flowstudio.services.system.health import check

    result = check()
    typer.echo(json.dumps(asdict(result), indent=2))
    raise typer.Exit(0 if result.ok else 1)


def _worker_command() -> list[str]:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "flowstudio.tasks",
        "worker",
        "--loglevel",
        settings.log_level,
        "--pool",
        "threads",
        "--concurrency",
        "4",
        "--beat-thread",  # the scheduler as a thread, not a forked copy of the worker (tasks.celery_app.BeatThread)
        "--schedule",
        str(settings.data_dir / "celerybeat-schedule"),
    ]


@app.command()
def worker() -> None:
    """Run a Celery worker (with the beat scheduler) in the foreground."""
    os.execv(sys.executable, _worker_command())


@app.command()
def serve(
    port: int = typer.Option(0, help="Port of the app (default: FLOWSTUDIO_PORT, 3000)."),
    with_worker: bool = typer.Option(True, "--worker/--no-worker", help="Also run a Celery worker."),
    dev: bool = typer.Option(False, help="Reflex dev mode (hot reload; UI on :3000, backend on :8000)."),
    backend_only: bool = typer.Option(
        False, "--backend-only", help="Serve only the backend (API, webhooks, websocket): pages come from elsewhere."
    ),
) -> None:
    """Migrate, seed the demo, then serve the app (and a Celery worker) until interrupted."""
    port = port or get_settings().port
    try:
        env = dict(os.environ) if backend_only else serving.toolchain_env(dict(os.environ), serving.PROJECT_ROOT)
        web = serving.claim_web_dir(serving.PROJECT_ROOT, port)
    except serving.ServeRefused as refused:
        typer.echo(f"flowstudio serve: {refused}", err=True)
        raise typer.Exit(1) from None
    if web.web != ".web":
        typer.echo(f"Another FlowStudio runs from this folder: this one builds its pages into {web.web}.")
    env.update(FLOWSTUDIO_PORT=str(port), REFLEX_WEB_WORKDIR=web.web, REFLEX_STATES_WORKDIR=web.states)
    # Seeding in a process of its own: publishing the demo runs its conversation tests and trains its model,
    # loading the NLU (~550 MiB) that this process, which only waits on the others, would keep for nothing.
    seeded = subprocess.call([sys.executable, "-m", "flowstudio.cli", "seed"], env=env)
    if seeded != 0:
        web.release()
        raise typer.Exit(seeded)
    worker_process = subprocess.Popen(_worker_command(), env=env) if with_worker and get_settings().worker else None
    command = [sys.executable, "-m", "reflex", "run", "--env", "dev" if dev else "prod"]
    if backend_only:
        command.append("--backend-only")  # on FLOWSTUDIO_PORT (rxconfig), dev or prod
    elif dev:
        command += ["--frontend-port", str(port), "--backend-port", "8000"]
    try:
        code = subprocess.call(command, cwd=serving.PROJECT_ROOT, env=env)
    except KeyboardInterrupt:
        code = 0
    finally:
        if worker_process is not None:
            worker_process.terminate()
            try:
                worker_process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker_process.kill()
        web.release()
    raise typer.Exit(code)


cli_flow.register(app)  # validate, chat, test
cli_nlu.register(app)  # nlu evaluate, nlu lint
cli_privacy.register(app)  # keys new, keys rotate, retention run


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
