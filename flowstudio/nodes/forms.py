"""Every kind's inspector form, collected from the kind folders (``flowstudio/nodes/<kind>/form.py``)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

import reflex as rx

from flowstudio.nodes.registry import STUDIO, folder_kinds

FORMS: dict[str, Callable[[], rx.Component]] = {
    kind: import_module(f"flowstudio.nodes.{kind}.form").form for kind in folder_kinds()
}
"""Kind -> its inspector form (a function building the Reflex component)."""


def kind_forms() -> list[tuple[str, rx.Component]]:
    """``(kind, form)`` for every kind the studio knows, in kind order (the inspector's dispatch)."""
    return [(kind, FORMS[kind]()) for kind in STUDIO if kind in FORMS]
