"""The demo bot every fresh install starts with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEMO_FLOW_PATH = Path(__file__).with_name("pizzaria.flow.json")


def demo_flow() -> dict[str, Any]:
    """The Pizzaria Bella flow document (a fresh copy each call)."""
    return json.loads(DEMO_FLOW_PATH.read_text(encoding="utf-8"))
