"""The demo bot every fresh install starts with: the reference Pizzaria Bella flow shipped with the engine."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

DEMO_FLOW = files("flow_runtime.examples").joinpath("pizzaria.flow.json")


def demo_flow() -> dict[str, Any]:
    """The Pizzaria Bella flow document (a fresh copy each call)."""
    return json.loads(DEMO_FLOW.read_text(encoding="utf-8"))
