"""Every node kind is complete: one folder on each side (the engine's, the studio's) with a schema, an executor, a
palette entry, an inspector form and its texts in every UI language, and a test of its own. The lists are derived
from the kinds, so a kind missing a part fails here."""

from __future__ import annotations

import json
import re
from importlib import import_module
from pathlib import Path

import pytest

from flow_runtime.dispatch import RUNNERS
from flow_runtime.schema import MODELS, NODE_KINDS, NodeBase
from flowstudio.i18n import LANGUAGES, catalog
from flowstudio.nodes.forms import FORMS
from flowstudio.nodes.registry import GROUPS, STUDIO, palette

TESTS = Path(__file__).resolve().parents[2]
ROOT = TESTS.parent
WITHHELD = {"search"}  # loads (flows that have one get a warning) but is not offered until it is rebuilt


def test_the_studio_knows_exactly_the_engines_kinds() -> None:
    assert list(STUDIO) == list(NODE_KINDS)


@pytest.mark.parametrize("kind", NODE_KINDS)
def test_the_kind_is_one_folder_on_each_side(kind: str) -> None:
    """``flow_runtime/nodes/<kind>/`` (schema, executor) and ``flowstudio/nodes/<kind>/`` (studio side, form, texts)."""
    engine, studio = ROOT / "flow_runtime" / "nodes" / kind, ROOT / "flowstudio" / "nodes" / kind
    assert {"__init__.py", "schema.py", "run.py"} <= {path.name for path in engine.glob("*.py")}
    assert {"__init__.py", "studio.py", "form.py"} <= {path.name for path in studio.glob("*.py")}
    assert import_module(f"flow_runtime.nodes.{kind}.schema").MODEL is MODELS[kind]
    assert import_module(f"flowstudio.nodes.{kind}.studio").STUDIO is STUDIO[kind]
    for lang in LANGUAGES:
        assert f"kind.{kind}" in json.loads((studio / "texts" / f"{lang}.json").read_text(encoding="utf-8"))


def test_each_kind_has_a_place_of_its_own() -> None:
    """Kinds are ordered by their ``ORDER`` (the palette and ``NODE_KINDS`` follow it), never by name alone."""
    orders = [import_module(f"flow_runtime.nodes.{kind}.schema").ORDER for kind in NODE_KINDS]
    assert orders == sorted(set(orders))


@pytest.mark.parametrize("kind", NODE_KINDS)
def test_the_kind_has_a_schema_and_an_executor(kind: str) -> None:
    assert issubclass(MODELS[kind], NodeBase) and MODELS[kind].model_fields["kind"].default == kind
    assert callable(RUNNERS[kind])


@pytest.mark.parametrize("kind", NODE_KINDS)
def test_the_kind_has_a_palette_entry_and_a_form(kind: str) -> None:
    offered = {k for _, kinds in palette() for k in kinds}
    assert STUDIO[kind].group in GROUPS and STUDIO[kind].icon
    assert (kind in offered) is (kind not in WITHHELD)
    assert callable(FORMS[kind])


@pytest.mark.parametrize("kind", NODE_KINDS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_kind_speaks_every_ui_language(kind: str, lang: str) -> None:
    spec = STUDIO[kind]
    keys = (f"kind.{kind}", f"group.{spec.group}", *spec.texts)
    assert not [key for key in keys if not catalog(lang).get(key)]


def _test_names() -> set[str]:
    names = {path.stem for path in TESTS.rglob("test_*.py")}
    for path in TESTS.rglob("test_*.py"):
        names.update(re.findall(r"def (test_\w+)\(", path.read_text(encoding="utf-8")))
    return names


@pytest.mark.parametrize("kind", NODE_KINDS)
def test_the_kind_has_a_test_of_its_own(kind: str) -> None:
    """A test file or a test function names the kind (`nodes/test_<kind>.py`, `test_mute_bot_silences_...`)."""
    named = re.compile(rf"^test_(\w+_)?{kind}(_\w+)?$")
    assert any(named.match(name) for name in _test_names())
