"""The ``end`` kind in the studio: no fields of its own; it ends the path."""

from __future__ import annotations

from flowstudio.nodes.registry import StudioKind

STUDIO = StudioKind("end", "act", "circle-stop", texts=("editor.no_fields",))
