"""The demo bot every fresh install starts with: the reference Pizzaria Bella flow shipped with the engine."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

DEMO_FLOW = files("flow_runtime.examples").joinpath("pizzaria.flow.json")


def demo_flow() -> dict[str, Any]:
    """The Pizzaria Bella flow document (a fresh copy each call)."""
    return json.loads(DEMO_FLOW.read_text(encoding="utf-8"))


def demo_tests() -> dict[str, str]:
    """The demo bot's conversation tests (JSONL), by name (`happy-path`, ...)."""
    folder = files("flow_runtime.examples")
    return {
        entry.name.removeprefix("pizzaria.").removesuffix(".test.jsonl"): entry.read_text(encoding="utf-8")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.startswith("pizzaria.") and entry.name.endswith(".test.jsonl")
    }
