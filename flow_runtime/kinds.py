"""Registering a node kind at run time (a test's example kind, an extension shipped outside this package).

The product's kinds need no call: they are found by ``flow_runtime.schema.kinds`` (models) and
``flow_runtime.dispatch`` (executors). ``register`` adds one more kind to both, and to the ``FlowDocument``
the compiler loads; ``unregister`` takes it away again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flow_runtime.dispatch import RESUMERS, RUNNERS
from flow_runtime.schema.common import NodeBase
from flow_runtime.schema.document import FlowDocument
from flow_runtime.schema.kinds import MODELS, kind_of, node_union


def _rebuild() -> None:
    FlowDocument.model_fields["nodes"].annotation = list[node_union()]  # type: ignore[misc]
    FlowDocument.model_rebuild(force=True)


def register(model: type[NodeBase], run: Callable[[Any, Any], Any], resume: Callable[[Any, Any], Any] | None = None):
    """Add a node kind: documents may hold nodes of ``model`` and the engine runs them with ``run``.

    Raises:
        ValueError: the kind is taken.
    """
    kind = kind_of(model)
    if kind in MODELS:
        raise ValueError(f"node kind {kind!r} is already registered")
    MODELS[kind] = model
    RUNNERS[kind] = run
    if resume is not None:
        RESUMERS[kind] = resume
    _rebuild()


def unregister(kind: str) -> None:
    """Remove a kind added with ``register``."""
    MODELS.pop(kind, None)
    RUNNERS.pop(kind, None)
    RESUMERS.pop(kind, None)
    _rebuild()
