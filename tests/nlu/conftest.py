"""Fixtures for the NLU tests: the pizzaria bot's triggers and a model trained on them once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flow_runtime.nlu import IntentModel, train
from flow_runtime.nlu.flows import examples_from_flow
from flow_runtime.nlu.types import Example

REPO = Path(__file__).resolve().parents[2]
PIZZARIA = REPO / "flow_runtime" / "examples" / "pizzaria.flow.json"


@pytest.fixture(scope="session")
def pizzaria_doc() -> dict:
    """The reference pizzaria flow (Portuguese) as plain JSON."""
    return json.loads(PIZZARIA.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def pizzaria_examples(pizzaria_doc) -> list[Example]:
    """Its trigger phrases labelled by intent name."""
    return examples_from_flow(pizzaria_doc, label="name")


@pytest.fixture(scope="session")
def pizzaria_model(pizzaria_examples) -> IntentModel:
    """A model trained on the pizzaria triggers (once per test session)."""
    return train(pizzaria_examples)


@pytest.fixture(scope="session")
def tiny_es_examples() -> list[Example]:
    """A small Spanish bot: three intents, four phrases each."""
    rows = {
        "reservar": [
            "quiero reservar una mesa",
            "me gustaría hacer una reserva",
            "reserva para dos personas",
            "necesito reservar para esta noche",
        ],
        "menu": ["qué platos tienen", "me puedes enseñar el menú", "cuál es la carta de hoy", "qué hay para comer"],
        "cancelar": [
            "quiero cancelar mi reserva",
            "anula la reserva por favor",
            "ya no voy a ir, cancela",
            "necesito cancelar la mesa",
        ],
    }
    return [Example(text, intent, "es") for intent, texts in rows.items() for text in texts]
