"""Which node kinds exist: each kind's schema model, collected once; ``NODE_KINDS`` and ``Node`` derive from it.

A node kind is a folder ``flow_runtime/nodes/<kind>/`` whose ``schema.py`` defines ``MODEL`` (its model) and
``ORDER`` (its place among the kinds); it is found here without being listed anywhere else (see
``flow_runtime/nodes/template``).
"""

from __future__ import annotations

import pkgutil
from importlib import import_module
from typing import Annotated, Union

from pydantic import Field

import flow_runtime.nodes
from flow_runtime.schema.common import NodeBase


def kind_of(model: type[NodeBase]) -> str:
    """The ``kind`` a node model declares (its ``Literal`` default)."""
    return str(model.model_fields["kind"].default)


def folder_kinds() -> list[str]:
    """The kinds, one folder each under ``flow_runtime/nodes/``, in name order."""
    return sorted(info.name for info in pkgutil.iter_modules(flow_runtime.nodes.__path__) if info.ispkg)


def _folder_models() -> list[type[NodeBase]]:
    """Each folder's ``MODEL``, in the order of their ``ORDER`` (then by name)."""
    schemas = [import_module(f"flow_runtime.nodes.{name}.schema") for name in folder_kinds()]
    return [schema.MODEL for schema in sorted(schemas, key=lambda schema: (schema.ORDER, kind_of(schema.MODEL)))]


MODELS: dict[str, type[NodeBase]] = {kind_of(m): m for m in _folder_models()}
"""Kind -> schema model, for every kind the product has (``flow_runtime.kinds.register`` may add more)."""

NODE_KINDS: tuple[str, ...] = tuple(MODELS)


def node_union() -> object:
    """The ``Node`` type of today's kinds: a union of their models, told apart by ``kind``."""
    return Annotated[Union[tuple(MODELS.values())], Field(discriminator="kind")]  # noqa: UP007 (built at run time)
