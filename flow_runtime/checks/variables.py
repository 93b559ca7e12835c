"""Variables read somewhere but set nowhere (a warning: the API or contact may still set them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from flow_runtime.problems import Problem, warning
from flow_runtime.templating import referenced_names

if TYPE_CHECKING:
    from flow_runtime.graph import CompiledFlow

SYSTEM_NAMES = frozenset({"last_message", "channel", "language", "bot_name", "today", "now"})
_VARS = r"(?:variables|flow\.vars)"
_CODE_WRITE = re.compile(
    rf"{_VARS}\[\s*['\"](\w+)['\"]\s*\]\s*(?:[-+*/%]?=)(?!=)|{_VARS}\.setdefault\(\s*['\"](\w+)['\"]"
)
_CODE_READ = re.compile(rf"{_VARS}\[\s*['\"](\w+)['\"]\s*\](?!\s*=[^=])|{_VARS}\.get\(\s*['\"](\w+)['\"]")
_CODE_DYNAMIC = re.compile(rf"{_VARS}\.update\(|{_VARS}\[\s*[^'\"\s]|\*\*{_VARS}|{_VARS}\s*=|\breturn\s*\{{")
_DYNAMIC_KINDS = ("rasa_action", "action")


def written_by(node) -> list[str]:
    """Variable names a node sets."""
    kind = node.kind
    if kind == "set_variable":
        return [node.name]
    if kind in ("question", "wait", "search"):
        return [node.save_as] if node.save_as else []
    if kind == "http_request":
        return [*node.response_map, *([node.save_status_as] if node.save_status_as else [])]
    if kind == "code":
        return [a or b for a, b in _CODE_WRITE.findall(node.code)]
    return []


def read_by(node) -> list[str]:
    """Variable names a node reads (templates, rules, code)."""
    data = node.model_dump(
        exclude={
            "id",
            "kind",
            "position",
            "label",
            "note",
            "ui",
            "code",
            "conditions",
            "branches",
            "outcomes",
            "allowed_hosts",
        }
    )
    names = [n.split(".", 1)[0] for n in referenced_names(data)]
    rules = list(getattr(node, "conditions", []))
    for branch in getattr(node, "branches", []):
        rules.extend(branch.rules)
    names += [r.name.split(".", 1)[0] for r in rules if r.source == "variable" and r.name]
    names += [n.split(".", 1)[0] for r in rules for n in referenced_names(r.value)]
    if node.kind == "code":
        names += [a or b for a, b in _CODE_READ.findall(node.code)]
    return names


def check_variables(flow: CompiledFlow) -> Iterator[Problem]:
    """Warn about each variable a node reads that nothing sets."""
    nodes = flow.document.nodes
    if any(n.kind in _DYNAMIC_KINDS or n.kind == "code" and _CODE_DYNAMIC.search(n.code) for n in nodes):
        return  # something sets variables whose names are not written down
    known = set(flow.constants) | SYSTEM_NAMES | {"contact"}
    for node in nodes:
        known.update(written_by(node))
    for node in nodes:
        for name in dict.fromkeys(read_by(node)):
            if name not in known:
                yield warning(
                    "unknown_variable",
                    node.id,
                    f"The variable '{name}' is read here but no node sets it (and it is not a constant).",
                )
