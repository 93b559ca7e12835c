"""NLU commands for the ``flowstudio`` CLI: ``nlu evaluate`` and ``nlu lint``. Logic lives in ``flow_runtime.nlu``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

Jsonl = Annotated[Path, typer.Option(exists=True, dir_okay=False, readable=True)]


def evaluate(
    train: Jsonl,
    test: Jsonl,
    oos_label: Annotated[str | None, typer.Option(help="Label of out-of-scope examples.")] = None,
    val: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help="Tuning split (JSONL).")] = None,
) -> None:
    """Train on TRAIN, predict TEST one message at a time; the last line is the metrics as JSON."""
    from flow_runtime.nlu.evaluate import evaluate as run
    from flow_runtime.nlu.types import read_jsonl

    train_examples, test_examples = read_jsonl(train), read_jsonl(test)
    val_examples = read_jsonl(val) if val else None
    typer.echo(f"training on {len(train_examples)} examples, testing on {len(test_examples)}", err=True)
    result = run(train_examples, test_examples, val=val_examples, oos_label=oos_label)
    typer.echo(json.dumps(result))


def lint(
    flow_path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Flow document (JSON).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the pairs as one JSON array.")] = False,
) -> None:
    """Report intents whose triggers are confusable, with the phrases to fix."""
    from flow_runtime.nlu.lint import lint_flow

    document = json.loads(flow_path.read_text(encoding="utf-8"))
    pairs = lint_flow(document)
    if as_json:
        typer.echo(json.dumps([p.to_dict() for p in pairs], ensure_ascii=False))
        return
    if not pairs:
        typer.echo("no confusable intents")
        return
    for pair in pairs:
        a, b = pair.intents
        typer.echo(f"{a} <-> {b}: {pair.rate:.0%} of their triggers are confusable")
        for c in pair.confusions:
            typer.echo(f'  - "{c.text}" ({c.intent}) looks like {c.predicted} ({c.probability:.2f})')


def register(app: typer.Typer) -> None:
    """Add the ``nlu`` command group (``evaluate``, ``lint``) to ``app``."""
    group = typer.Typer(help="Intent understanding: benchmark and lint.", no_args_is_help=True)
    group.command("evaluate")(evaluate)
    group.command("lint")(lint)
    app.add_typer(group, name="nlu")
