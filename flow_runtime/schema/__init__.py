"""Pydantic models of the flow document, split per concern; see ``flow_runtime.document``.

Each node kind's model lives in its folder (``flow_runtime/nodes/<kind>/schema.py``) and is re-exported here, with
the shapes it owns (``Card``, the ``InputSpec`` types, ``Branch``, ``AssignTarget``...); ``common.py`` holds what
several kinds share. The kind folders import ``flow_runtime.schema.common``, never this package: they are loaded
while it is being imported.
"""

from flow_runtime.nodes.action.schema import ActionNode
from flow_runtime.nodes.archive.schema import ArchiveNode
from flow_runtime.nodes.assign.schema import AssignNode, AssignTarget
from flow_runtime.nodes.buttons.schema import ButtonsNode
from flow_runtime.nodes.carousel.schema import Card, CarouselNode
from flow_runtime.nodes.code.schema import CodeNode
from flow_runtime.nodes.condition.schema import Branch, ConditionNode
from flow_runtime.nodes.end.schema import EndNode
from flow_runtime.nodes.event.schema import EventNode
from flow_runtime.nodes.fallback.schema import FallbackNode
from flow_runtime.nodes.go_to.schema import GoToNode
from flow_runtime.nodes.http_request.schema import HttpRequestNode
from flow_runtime.nodes.intent.schema import IntentNode
from flow_runtime.nodes.media.schema import MediaNode
from flow_runtime.nodes.message.schema import MessageNode
from flow_runtime.nodes.mute_bot.schema import MuteBotNode
from flow_runtime.nodes.question.schema import (
    CepInput,
    ChoiceInput,
    ChoiceOption,
    CnpjInput,
    CpfCnpjInput,
    CpfInput,
    DateInput,
    EmailInput,
    EntityInput,
    InputSpec,
    LocationInput,
    NumberInput,
    PhoneInput,
    QuestionNode,
    TextInput,
)
from flow_runtime.nodes.rasa_action.schema import RasaActionNode
from flow_runtime.nodes.search.schema import SearchNode
from flow_runtime.nodes.send_email.schema import SendEmailNode
from flow_runtime.nodes.set_variable.schema import SetVariableNode
from flow_runtime.nodes.start.schema import StartNode
from flow_runtime.nodes.tag.schema import TagNode
from flow_runtime.nodes.template.schema import MAX_TEMPLATE_PARAMETERS, TEMPLATE_LANGUAGE, TEMPLATE_NAME, TemplateNode
from flow_runtime.nodes.wait.schema import WaitNode
from flow_runtime.schema.common import RESERVED_HANDLES, Button, CardButton, Media, NodeBase, Position, Rule
from flow_runtime.schema.document import (
    CURRENT_SCHEMA_VERSION,
    BotSettings,
    Edge,
    EntityList,
    EntityValue,
    FallbackChain,
    FlowDocument,
    Node,
    Topic,
)
from flow_runtime.schema.kinds import MODELS, NODE_KINDS
from flow_runtime.schema.upgrade import (
    UPGRADES,
    DocumentVersionError,
    load_document,
    read_raw,
    register_upgrade,
    upgrade,
)

__all__ = [
    "ActionNode",
    "RasaActionNode",
    "ArchiveNode",
    "AssignNode",
    "AssignTarget",
    "BotSettings",
    "Branch",
    "Button",
    "ButtonsNode",
    "CURRENT_SCHEMA_VERSION",
    "Card",
    "CardButton",
    "CarouselNode",
    "CepInput",
    "ChoiceInput",
    "ChoiceOption",
    "CnpjInput",
    "CodeNode",
    "MAX_TEMPLATE_PARAMETERS",
    "ConditionNode",
    "CpfCnpjInput",
    "CpfInput",
    "DateInput",
    "DocumentVersionError",
    "Edge",
    "EmailInput",
    "EndNode",
    "EntityInput",
    "EntityList",
    "EntityValue",
    "EventNode",
    "FallbackChain",
    "FallbackNode",
    "FlowDocument",
    "GoToNode",
    "HttpRequestNode",
    "InputSpec",
    "IntentNode",
    "LocationInput",
    "Media",
    "MediaNode",
    "MODELS",
    "MessageNode",
    "MuteBotNode",
    "NODE_KINDS",
    "Node",
    "NodeBase",
    "NumberInput",
    "PhoneInput",
    "Position",
    "QuestionNode",
    "RESERVED_HANDLES",
    "Rule",
    "SearchNode",
    "SendEmailNode",
    "SetVariableNode",
    "StartNode",
    "TagNode",
    "TEMPLATE_LANGUAGE",
    "TEMPLATE_NAME",
    "TemplateNode",
    "TextInput",
    "Topic",
    "UPGRADES",
    "WaitNode",
    "load_document",
    "read_raw",
    "register_upgrade",
    "upgrade",
]
