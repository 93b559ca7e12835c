"""The ``fallback`` kind in the studio: one per flow, never deleted, no fields of its own."""

from __future__ import annotations

from flowstudio.nodes.registry import StudioKind

STUDIO = StudioKind("fallback", "entry", "life-buoy", singleton=True, texts=("editor.no_fields",))
