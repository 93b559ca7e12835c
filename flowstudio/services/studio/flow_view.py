"""What the canvas and the studio panels show of a flow document: node cards, markers, diffs, variables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from flow_runtime.checks.variables import written_by
from flow_runtime.problems import Problem
from flow_runtime.schema import MODELS
from flow_runtime.schema.kinds import node_union
from flowstudio.i18n import catalog, translate
from flowstudio.nodes import registry as nodes

PALETTE: list[tuple[str, list[str]]] = nodes.palette()
"""Palette groups and the kinds each offers (from each kind's ``StudioKind``)."""
GROUP_OF = {kind: group for group, kinds in PALETTE for kind in kinds}
NO_INPUT = nodes.entry_kinds()
UNDELETABLE = nodes.singleton_kinds()


def palette_view(lang: str) -> list[dict[str, Any]]:
    """The palette as the studio shows it: groups with their label, each with its kinds and their labels."""
    return [
        {
            "id": group,
            "label": translate(f"group.{group}", lang),
            "items": [{"kind": kind, "label": translate(f"kind.{kind}", lang)} for kind in kinds],
        }
        for group, kinds in PALETTE
    ]


@cache
def _node_adapter(kinds: tuple[str, ...]) -> TypeAdapter:
    return TypeAdapter(node_union())


def parse_node(raw: dict[str, Any]) -> Any | None:
    """The node as the engine's model, or None when it does not validate."""
    try:
        return _node_adapter(tuple(MODELS)).validate_python(raw)
    except ValidationError:
        return None


def node_handles(raw: dict[str, Any]) -> tuple[str, ...]:
    """The handles edges may leave a node from (as the engine defines them; `next` if it does not parse)."""
    node = parse_node(raw)
    return node.handles() if node is not None else ("next",)


def problem_text(problem: Problem, lang: str) -> str:
    """A problem in the UI language: the engine's detailed English message, or the translation of its code."""
    if lang.startswith("en"):
        return problem.message
    return catalog(lang).get(f"problem.{problem.code}", problem.message)


def problem_texts(problems: list[Problem], document: dict[str, Any], lang: str) -> list[str]:
    """Each problem in the UI language, in order; an unconnected button of a menu or carousel is named by
    its label (the engine reports one `dead_end` per button, in the order of the node's handles)."""
    nodes = {n.get("id"): n for n in document.get("nodes", [])}
    connected = {(e.get("source"), e.get("source_handle") or "next") for e in document.get("edges", [])}
    pending: dict[str, list[str]] = {}
    texts = []
    for problem in problems:
        raw = nodes.get(problem.node_id)
        if problem.code != "dead_end" or raw is None or raw.get("kind") not in ("buttons", "carousel"):
            texts.append(problem_text(problem, lang))
            continue
        if problem.node_id not in pending:
            labels = _handle_labels(raw, lang)
            pending[problem.node_id] = [
                labels.get(h) or h for h in node_handles(raw) if (problem.node_id, h) not in connected
            ]
        names = pending[problem.node_id]
        texts.append(
            translate("problem.button_dead_end", lang, label=names.pop(0)) if names else problem_text(problem, lang)
        )
    return texts


def problem_rows(problems: Iterable[Problem], document: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """The problems list of the studio: errors first, then warnings, by node."""
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p.node_id or ""))
    return [
        {"severity": p.severity, "code": p.code, "node_id": p.node_id or "", "message": text}
        for p, text in zip(ordered, problem_texts(ordered, document, lang), strict=True)
    ]


def flow_settings(document: dict[str, Any]) -> dict[str, Any]:
    """Topics, constants (as `name = value` lines) and the fallback switches, for the settings tab."""
    chain = (document.get("bot") or {}).get("fallback") or {}
    return {
        "topics": [{"id": tp.get("id", ""), "name": tp.get("name", "")} for tp in document.get("topics", [])],
        "constants_text": "\n".join(f"{k} = {v}" for k, v in (document.get("constants") or {}).items()),
        "fallback": {
            "related_topic": chain.get("related_topic", True),
            "related_intents": chain.get("related_intents", True),
        },
        "session_timeout_minutes": str((document.get("bot") or {}).get("session_timeout_minutes", 720)),
    }


def _handle_labels(raw: dict[str, Any], lang: str) -> dict[str, str]:
    spec = nodes.STUDIO.get(raw.get("kind", ""))
    labels = dict(spec.handle_labels(raw)) if spec else {}
    for handle in ("else", "valid", "invalid", "ok", "error", "found", "not_found"):
        labels.setdefault(handle, translate(f"handle.{handle}", lang))
    return labels


def _lines(raw: dict[str, Any], lang: str) -> list[str]:
    spec = nodes.STUDIO.get(raw.get("kind", ""))
    return spec.lines(raw, lambda key, **kw: translate(key, lang, **kw)) if spec else []


def _title(raw: dict[str, Any]) -> str:
    if raw.get("label"):
        return str(raw["label"])
    spec = nodes.STUDIO.get(raw.get("kind", ""))
    return str(raw.get(spec.title_field, "")) if spec and spec.title_field else ""


def node_view(raw: dict[str, Any], lang: str, problems: Iterable[Problem | str] = ()) -> dict[str, Any]:
    """One node as the canvas draws it (`problems` as found, or already worded)."""
    kind = raw.get("kind", "?")
    labels = _handle_labels(raw, lang)
    return {
        "id": raw["id"],
        "position": raw.get("position") or {"x": 0, "y": 0},
        "deletable": kind not in UNDELETABLE,
        "data": {
            "kind": kind,
            "kindLabel": translate(f"kind.{kind}", lang),
            "group": nodes.group_of(kind),
            "title": _title(raw),
            "lines": _lines(raw, lang),
            "handles": [{"id": h, "label": labels.get(h, "")} for h in node_handles(raw)],
            "target": kind not in NO_INPUT,
            "namedExits": bool(kind in nodes.STUDIO and nodes.STUDIO[kind].named_exits),
            "problems": " · ".join(p if isinstance(p, str) else problem_text(p, lang) for p in problems),
        },
    }


def edge_view(raw: dict[str, Any]) -> dict[str, Any]:
    """One edge as the canvas draws it."""
    return {
        "id": raw["id"],
        "source": raw["source"],
        "sourceHandle": raw.get("source_handle") or "next",
        "target": raw["target"],
    }


def canvas_view(document: dict[str, Any], lang: str, problems: Iterable[Problem] = ()) -> dict[str, Any]:
    """The whole document as the canvas draws it."""
    by_node: dict[str, list[str]] = {}
    found = list(problems)
    for problem, text in zip(found, problem_texts(found, document, lang), strict=True):
        if problem.node_id:
            by_node.setdefault(problem.node_id, []).append(text)
    return {
        "nodes": [node_view(n, lang, by_node.get(n["id"], ())) for n in document.get("nodes", []) if "id" in n],
        "edges": [edge_view(e) for e in document.get("edges", []) if {"id", "source", "target"} <= e.keys()],
    }


def markers(problems: Iterable[Problem]) -> dict[str, str]:
    """Node id -> the worst severity of its problems."""
    result: dict[str, str] = {}
    for problem in problems:
        if problem.node_id and result.get(problem.node_id) != "error":
            result[problem.node_id] = problem.severity
    return result


@dataclass(frozen=True)
class FlowDiff:
    """What changed between two documents (positions alone do not count as a change)."""

    added: list[str]
    removed: list[str]
    changed: list[str]
    edges_added: int
    edges_removed: int

    @property
    def empty(self) -> bool:
        """Whether the documents say the same."""
        return not (self.added or self.removed or self.changed or self.edges_added or self.edges_removed)


def _content(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if k not in {"position", "ui"}}


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> FlowDiff:
    """Nodes added, removed and changed from `old` to `new`, and edge counts."""
    old_nodes = {n["id"]: n for n in old.get("nodes", [])}
    new_nodes = {n["id"]: n for n in new.get("nodes", [])}
    key = lambda e: (e["source"], e.get("source_handle") or "next", e["target"])  # noqa: E731
    old_edges, new_edges = {key(e) for e in old.get("edges", [])}, {key(e) for e in new.get("edges", [])}
    return FlowDiff(
        added=[i for i in new_nodes if i not in old_nodes],
        removed=[i for i in old_nodes if i not in new_nodes],
        changed=[i for i in new_nodes if i in old_nodes and _content(new_nodes[i]) != _content(old_nodes[i])],
        edges_added=len(new_edges - old_edges),
        edges_removed=len(old_edges - new_edges),
    )


def known_variables(document: dict[str, Any]) -> list[str]:
    """Variables the flow writes, its constants and the contact fields, for `${...}` completion."""
    names: set[str] = set(document.get("constants", {}) or {})
    for raw in document.get("nodes", []):
        node = parse_node(raw)
        if node is not None:
            names.update(written_by(node))
    names.update({"contact.name", "contact.phone", "contact.email", "last_message"})
    return sorted(names)


def intents_by_topic(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The side list: topics with their intents (and a group for intents without a topic)."""
    topics = {t["id"]: t.get("name", t["id"]) for t in document.get("topics", []) if "id" in t}
    groups: dict[str, list[dict[str, str]]] = {tid: [] for tid in topics}
    loose: list[dict[str, str]] = []
    for node in document.get("nodes", []):
        if node.get("kind") != "intent":
            continue
        entry = {"id": node["id"], "name": node.get("name", node["id"]), "triggers": " ".join(node.get("triggers", []))}
        topic = node.get("topic")
        (groups.get(topic, loose)).append(entry)
    result = [{"id": tid, "name": name, "intents": groups[tid]} for tid, name in topics.items()]
    if loose:
        result.append({"id": "", "name": "", "intents": loose})
    return result


WHATSAPP_WINDOW_MINUTES = 24 * 60
_SAYS = frozenset({"message", "buttons", "carousel", "media", "question", "search", "template"})


def _sent_after(document: dict[str, Any], node_id: str) -> set[str]:
    """Kinds of the nodes that send something after `node_id`, until the flow waits for the customer again."""
    nodes = {n.get("id"): n for n in document.get("nodes", [])}
    intents = {n.get("name"): n.get("id") for n in nodes.values() if n.get("kind") == "intent"}
    nexts: dict[str, list[str]] = {}
    for edge in document.get("edges", []):
        nexts.setdefault(edge.get("source"), []).append(edge.get("target"))
    kinds, seen, todo = set(), {node_id}, list(nexts.get(node_id, []))
    while todo:
        current = todo.pop()
        node = nodes.get(current)
        if current in seen or node is None:
            continue
        seen.add(current)
        kind = node.get("kind")
        if kind in _SAYS:
            kinds.add(kind)
        if kind in {"buttons", "carousel", "question"} or (kind == "wait" and node.get("mode") == "input"):
            continue  # the customer answers first: the window opens again
        todo.extend(nexts.get(current, []))
        if kind == "go_to" and node.get("intent") in intents:
            todo.append(intents[node["intent"]])
    return kinds


def channel_warnings(document: dict[str, Any], channel_kinds: Iterable[str]) -> list[Problem]:
    """Warnings that depend on where the bot answers: on WhatsApp, anything sent 24 hours or more after the
    contact's last message is refused unless it is an approved template (a `template` node)."""
    if "whatsapp" not in set(channel_kinds):
        return []
    found = []
    for node in document.get("nodes", []):
        late = (
            node.get("kind") == "event"
            and node.get("event") == "inactivity"
            and (node.get("minutes") or 0) >= WHATSAPP_WINDOW_MINUTES
        ) or (
            node.get("kind") == "wait"
            and node.get("mode", "delay") == "delay"
            and (node.get("seconds") or 0) >= WHATSAPP_WINDOW_MINUTES * 60
        )
        if late and _sent_after(document, node["id"]) != {"template"}:
            found.append(
                Problem(
                    "warning",
                    "whatsapp_window",
                    node["id"],
                    "On WhatsApp, messages sent 24 hours or more after the customer's last message "
                    "are refused unless they are approved templates: send a Template node here "
                    "instead of messages.",
                )
            )
    return found
