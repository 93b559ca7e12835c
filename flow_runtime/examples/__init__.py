"""Reference flows shipped with the runtime (``pizzaria.flow.json`` and its conversation tests)."""

from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent
PIZZARIA_FLOW = EXAMPLES_DIR / "pizzaria.flow.json"


def pizzaria_tests() -> list[Path]:
    """The pizzaria conversation tests, sorted by name."""
    return sorted(EXAMPLES_DIR.glob("pizzaria.*.test.jsonl"))
