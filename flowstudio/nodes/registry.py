"""One ``StudioKind`` per node kind, and what the studio derives from them (palette, kind lists, numeric fields).

Each kind's ``StudioKind`` is ``STUDIO`` in ``flowstudio/nodes/<kind>/studio.py``, found by folder name; kinds come in
the engine's order (``flow_runtime.schema.MODELS``, by each kind's ``ORDER``).

Layering: this module and the ``studio`` modules import only ``flow_runtime`` and ``flowstudio.i18n``, so
``flowstudio.services.studio`` may use them; the inspector forms (``<kind>/form.py``) are pages.
"""

from __future__ import annotations

import pkgutil
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from flow_runtime.schema import MODELS, NodeBase

GROUPS = ("entry", "say", "ask", "logic", "act")
"""Palette groups, in the order the palette shows them (the canvas colours a node by its group)."""

Translate = Callable[..., str]
"""``t(key, **params)``: a text in the UI language."""


def _nothing(*_: Any, **__: Any) -> Any:
    return {}


def _no_lines(raw: dict[str, Any], t: Translate) -> list[str]:
    return []


@dataclass(frozen=True)
class StudioKind:
    """What the studio needs to know of one node kind.

    Attributes:
        kind: The node kind (as in ``flow_runtime.schema.MODELS``).
        group: Palette group (one of ``GROUPS``).
        icon: Lucide icon name for the kind.
        defaults: ``(document, lang) -> fields`` of a freshly dropped node (besides id, kind, position).
        lines: ``(raw node, t) -> lines`` the canvas card shows under the title.
        handle_labels: ``raw node -> {handle: label}`` for handles the designer names (buttons, branches).
        title_field: Field shown as the card's title when the node has no label.
        texts: i18n keys the kind's form and card use (checked in pt-BR, es and en).
        in_palette: False for kinds that load but are not offered (``search``, until it is rebuilt).
        singleton: One per flow, never deleted (``start``, ``fallback``).
        named_exits: The canvas labels every exit by its id (outcomes the designer named: code, action).
    """

    kind: str
    group: str
    icon: str
    defaults: Callable[[dict[str, Any], str], dict[str, Any]] = _nothing
    lines: Callable[[dict[str, Any], Translate], list[str]] = _no_lines
    handle_labels: Callable[[dict[str, Any]], dict[str, str]] = _nothing
    title_field: str | None = None
    texts: tuple[str, ...] = field(default=())
    in_palette: bool = True
    singleton: bool = False
    named_exits: bool = False


LINE = 140


def clip(text: Any, limit: int = LINE) -> str:
    """``text`` as a string of at most ``limit`` characters (an ellipsis marks the cut)."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_lines(raw: dict[str, Any], t: Translate) -> list[str]:
    """The node's text (or a note that it has none): the card lines of kinds that say a text."""
    return [clip(raw.get("text")) or t("canvas.empty_text")]


def folder_kinds() -> list[str]:
    """The kinds, one folder each here (``flowstudio/nodes/<kind>/studio.py``), in name order."""
    return sorted(info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)]) if info.ispkg)


def _collect() -> dict[str, StudioKind]:
    found = [import_module(f"flowstudio.nodes.{name}.studio").STUDIO for name in folder_kinds()]
    by_kind = {spec.kind: spec for spec in found}
    order = {kind: index for index, kind in enumerate(MODELS)}
    return dict(sorted(by_kind.items(), key=lambda item: order.get(item[0], len(order))))


STUDIO: dict[str, StudioKind] = _collect()
"""Kind -> its studio side, in the engine's kind order."""


def palette() -> list[tuple[str, list[str]]]:
    """The palette: each group with the kinds it offers, in order."""
    return [(g, [k for k, s in STUDIO.items() if s.group == g and s.in_palette]) for g in GROUPS]


def group_of(kind: str) -> str:
    """A kind's palette group (``act`` for kinds the studio does not know)."""
    spec = STUDIO.get(kind)
    return spec.group if spec else "act"


def entry_kinds() -> frozenset[str]:
    """Kinds a conversation begins at: nothing leads into them (the models say so)."""
    return frozenset(kind for kind, model in MODELS.items() if model.entry)


def singleton_kinds() -> frozenset[str]:
    """Kinds a flow has exactly one of, never deleted."""
    return frozenset(kind for kind, spec in STUDIO.items() if spec.singleton)


def _numbers(model: type[BaseModel], skip: frozenset[str] = frozenset()) -> set[str]:
    found: set[str] = set()
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        pending = [info.annotation]
        while pending:
            annotation = pending.pop()
            if annotation in (int, float):
                found.add(name)
            elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
                found |= _numbers(annotation)
            else:
                pending.extend(typing.get_args(annotation))
    return found


def numeric_fields() -> frozenset[str]:
    """Names of the number fields of every kind (nested shapes included, the canvas position not): what the
    inspector turns from typed text into numbers."""
    common = frozenset(NodeBase.model_fields)
    return frozenset(name for model in MODELS.values() for name in _numbers(model, common))


def register(spec: StudioKind) -> None:
    """Add the studio side of a kind registered at run time (``flow_runtime.kinds.register``)."""
    if spec.kind in STUDIO:
        raise ValueError(f"node kind {spec.kind!r} already has a studio side")
    STUDIO[spec.kind] = spec


def unregister(kind: str) -> None:
    """Remove a kind added with ``register``."""
    STUDIO.pop(kind, None)
