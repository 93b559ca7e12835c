"""The flow commands registered on a typer app: validate, chat, test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from flowstudio.cli_flow import register

PACKAGED = Path(__file__).resolve().parents[2] / "flow_runtime" / "examples"
FLOW = str(PACKAGED / "pizzaria.flow.json")


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def test_validate_reference_flow_exits_zero(app, cli):
    result = cli.invoke(app, ["validate", FLOW])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 1 warning(s)" in result.output


def test_validate_exits_one_on_errors(app, cli, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"schema_version": 1, "nodes": [{"id": "s", "kind": "start"}], "edges": []}))
    result = cli.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "missing_fallback" in result.output


def test_validate_reports_schema_errors(app, cli, tmp_path):
    path = tmp_path / "typo.json"
    path.write_text(json.dumps({"schema_version": 1, "nodes": [{"id": "m", "kind": "message", "txt": "a"}]}))
    result = cli.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "[m] Unknown field 'txt'" in result.output


def test_test_command_passes_the_pizzaria_conversations(app, cli):
    tests = sorted(str(p) for p in PACKAGED.glob("*.test.jsonl"))
    result = cli.invoke(app, ["test", FLOW, *tests])
    assert result.exit_code == 0, result.output
    assert "3 passed, 0 failed" in result.output


def test_test_command_prints_a_diff_and_exits_one(app, cli, tmp_path):
    path = tmp_path / "wrong.test.jsonl"
    path.write_text('{"user": "oi"}\n{"bot": {"type": "text", "text": "Oi!"}}\n')
    result = cli.invoke(app, ["test", FLOW, str(path)])
    assert result.exit_code == 1
    assert "FAIL wrong" in result.output and "- expected:" in result.output and "+ actual:" in result.output


def test_chat_click_vars_and_quit(app, cli):
    script = "oi\n/click b_pedido\n/click escolher_calabresa\n/vars\n/quit\n"
    result = cli.invoke(app, ["chat", FLOW], input=script)
    assert result.exit_code == 0, result.output
    assert "[b_pedido] Fazer pedido" in result.output
    assert "* Calabresa - R$ 45,00" in result.output
    assert '"sabor": "Calabresa"' in result.output
    assert result.output.rstrip().endswith("bye")
