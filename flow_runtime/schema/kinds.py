"""Which node kinds exist: each kind's schema model, collected once; ``NODE_KINDS`` and ``Node`` derive from it.

The built-in kinds' models live in this package's grouped modules. A kind in a folder of its own,
``flow_runtime/nodes/<kind>/`` with a ``schema.py`` that defines ``MODEL`` (see ``nodes/template``), is found
here without being listed anywhere else.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module
from typing import Annotated, Union

from pydantic import Field

import flow_runtime.nodes
from flow_runtime.schema.act import (
    ActionNode,
    ArchiveNode,
    AssignNode,
    CodeNode,
    EndNode,
    HttpRequestNode,
    MuteBotNode,
    RasaActionNode,
    SearchNode,
    SendEmailNode,
)
from flow_runtime.schema.ask import QuestionNode
from flow_runtime.schema.common import NodeBase
from flow_runtime.schema.entry import EventNode, FallbackNode, IntentNode, StartNode
from flow_runtime.schema.logic import ConditionNode, GoToNode, SetVariableNode, TagNode, WaitNode
from flow_runtime.schema.say import ButtonsNode, CarouselNode, MediaNode, MessageNode

BUILTIN_MODELS: tuple[type[NodeBase], ...] = (
    StartNode,
    IntentNode,
    FallbackNode,
    EventNode,
    MessageNode,
    ButtonsNode,
    CarouselNode,
    MediaNode,
    QuestionNode,
    ConditionNode,
    SetVariableNode,
    TagNode,
    GoToNode,
    WaitNode,
    CodeNode,
    RasaActionNode,
    ActionNode,
    HttpRequestNode,
    SendEmailNode,
    SearchNode,
    AssignNode,
    MuteBotNode,
    ArchiveNode,
    EndNode,
)


def kind_of(model: type[NodeBase]) -> str:
    """The ``kind`` a node model declares (its ``Literal`` default)."""
    return str(model.model_fields["kind"].default)


def folder_kinds() -> list[str]:
    """Kinds that live in a folder of their own under ``flow_runtime/nodes/``, in name order."""
    return sorted(info.name for info in pkgutil.iter_modules(flow_runtime.nodes.__path__) if info.ispkg)


def _folder_models() -> list[type[NodeBase]]:
    return [import_module(f"flow_runtime.nodes.{name}.schema").MODEL for name in folder_kinds()]


MODELS: dict[str, type[NodeBase]] = {kind_of(m): m for m in (*BUILTIN_MODELS, *_folder_models())}
"""Kind -> schema model, for every kind the product has (``flow_runtime.kinds.register`` may add more)."""

NODE_KINDS: tuple[str, ...] = tuple(MODELS)


def node_union() -> object:
    """The ``Node`` type of today's kinds: a union of their models, told apart by ``kind``."""
    return Annotated[Union[tuple(MODELS.values())], Field(discriminator="kind")]  # noqa: UP007 (built at run time)
