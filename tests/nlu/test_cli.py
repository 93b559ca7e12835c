"""``flowstudio nlu evaluate`` and ``nlu lint`` on a local Typer app."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from flowstudio.cli_nlu import register


def app() -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def main() -> None:
        """Test root."""

    register(root)
    return root


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps({"text": t, "intent": i, "lang": "es"}) for t, i in rows), encoding="utf-8")
    return path


def test_evaluate_prints_metrics_as_the_last_line(tmp_path, tiny_es_examples):
    train = write_jsonl(tmp_path / "train.jsonl", [(e.text, e.intent) for e in tiny_es_examples])
    test = write_jsonl(
        tmp_path / "test.jsonl",
        [
            ("quiero reservar mesa para mañana", "reservar"),
            ("cancela mi reserva", "cancelar"),
            ("cuánto cuesta un coche nuevo", "oos"),
        ],
    )
    result = CliRunner().invoke(
        app(), ["nlu", "evaluate", "--train", str(train), "--test", str(test), "--oos-label", "oos"]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output.strip().splitlines()[-1])
    assert {
        "accuracy",
        "macro_f1",
        "in_scope_accuracy",
        "oos_recall",
        "train_s",
        "predict_ms_p50",
        "predict_ms_p95",
        "n_train",
        "n_test",
    } <= set(metrics)
    assert metrics["n_train"] == 12 and metrics["n_test"] == 3


def test_lint_reports_on_a_flow(tmp_path):
    doc = {
        "bot": {"language": "pt"},
        "nodes": [
            {
                "id": "a",
                "kind": "intent",
                "name": "segunda_via",
                "triggers": ["quero a segunda via do boleto", "me manda o boleto", "perdi meu boleto"],
            },
            {
                "id": "b",
                "kind": "intent",
                "name": "pagar_boleto",
                "triggers": ["quero pagar o boleto", "me manda o boleto para pagar", "como pago meu boleto"],
            },
        ],
    }
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(app(), ["nlu", "lint", str(path), "--json"])
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.output)
    assert pairs and pairs[0]["intents"] == ["pagar_boleto", "segunda_via"]
