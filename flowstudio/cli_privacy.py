"""Privacy commands for the ``flowstudio`` CLI: ``keys new``, ``keys rotate`` and ``retention run``.

Rotating keys: ``flowstudio keys new`` prints a key; put it first in ``FLOWSTUDIO_ENCRYPTION_KEYS``
(keep the old ones after it) and restart; ``flowstudio keys rotate`` re-seals every value still under an
old key (and seals rows of workspaces that turned encryption on later); when it reports no failures, the
old keys can be removed from the setting.
"""

from __future__ import annotations

import json
import time
from typing import Annotated

import typer

keys_app = typer.Typer(help="Encryption keys for data at rest.", no_args_is_help=True)
retention_app = typer.Typer(help="Retention (LGPD/GDPR): erase what is due.", no_args_is_help=True)


@keys_app.command("new")
def new_key(key_id: Annotated[str, typer.Option("--id", help="The key's id (default: k<unix time>).")] = "") -> None:
    """Print a new random key as `id:key`, ready to put first in FLOWSTUDIO_ENCRYPTION_KEYS."""
    # lazy: the CLI starts fast and loads only what the command needs
    from flowstudio.crypto import new_key as generate

    key_id = key_id or f"k{int(time.time())}"
    if not key_id.replace("-", "").replace("_", "").isalnum():
        typer.echo("error: the id uses letters, digits, - and _", err=True)
        raise typer.Exit(2)
    typer.echo(f"{key_id}:{generate()}")


@keys_app.command("rotate")
def rotate(
    workspace: Annotated[int | None, typer.Option(help="Only this workspace id.")] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Rows per transaction.")] = 500,
) -> None:
    """Re-seal values sealed with old keys with the current (first) key; exit 1 if any does not open."""
    # lazy: the CLI starts fast and loads only what the command needs
    from flowstudio import crypto
    from flowstudio.services.privacy import access as privacy

    try:
        current = crypto.keyring().current
    except crypto.KeyringError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    done = privacy.reencrypt(workspace_id=workspace, batch_size=batch_size)
    typer.echo(json.dumps({"current_key": current, **done.counts()}))
    if done.failed:
        typer.echo(
            f"{len(done.failed)} values no configured key opens (first: {', '.join(done.failed[:5])}); "
            "keep the old keys configured",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo("every value is sealed with the current key: older keys can be removed", err=True)


@retention_app.command("run")
def run_retention(workspace: Annotated[int | None, typer.Option(help="Only this workspace id.")] = None) -> None:
    """Erase what each workspace's retention policy says is due, now; prints the counts per workspace."""
    # lazy: the CLI starts fast and loads only what the command needs
    from flowstudio.services.privacy import retention

    runs = (
        [retention.run(workspace_id=workspace, trigger="cli")]
        if workspace is not None
        else retention.run_all(trigger="cli")
    )
    for run in runs:
        typer.echo(json.dumps({"workspace_id": run.workspace_id, **run.counts}))


def register(app: typer.Typer) -> None:
    """Add the commands to the main CLI."""
    app.add_typer(keys_app, name="keys")
    app.add_typer(retention_app, name="retention")
