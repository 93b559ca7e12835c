"""The ``archive`` kind in the studio: no fields of its own; it archives the conversation and ends the walk."""

from __future__ import annotations

from flowstudio.nodes.registry import StudioKind

STUDIO = StudioKind("archive", "act", "archive", texts=("editor.no_fields",))
