"""Pydantic models of the flow document, split per concern; see ``flow_runtime.document``."""

from flow_runtime.schema.act import (
    ActionNode, RasaActionNode, ArchiveNode, AssignNode, AssignTarget, CodeNode, EndNode, HttpRequestNode, MuteBotNode, SearchNode,
    SendEmailNode,
)
from flow_runtime.schema.ask import (
    CepInput, ChoiceInput, ChoiceOption, CnpjInput, CpfCnpjInput, CpfInput, DateInput, EmailInput, EntityInput,
    InputSpec, LocationInput, NumberInput, PhoneInput, QuestionNode, TextInput,
)
from flow_runtime.schema.common import RESERVED_HANDLES, Button, CardButton, Media, NodeBase, Position, Rule
from flow_runtime.schema.document import (
    CURRENT_SCHEMA_VERSION, NODE_KINDS, BotSettings, Edge, EntityList, EntityValue, FallbackChain, FlowDocument,
    Node, Topic,
)
from flow_runtime.schema.entry import EventNode, FallbackNode, IntentNode, StartNode
from flow_runtime.schema.logic import Branch, ConditionNode, GoToNode, SetVariableNode, TagNode, WaitNode
from flow_runtime.schema.say import (
    MAX_TEMPLATE_PARAMETERS, TEMPLATE_LANGUAGE, TEMPLATE_NAME, ButtonsNode, Card, CarouselNode, MediaNode, MessageNode,
    TemplateNode,
)
from flow_runtime.schema.upgrade import (
    UPGRADES, DocumentVersionError, load_document, read_raw, register_upgrade, upgrade,
)

__all__ = [
    "ActionNode", "RasaActionNode", "ArchiveNode", "AssignNode", "AssignTarget", "BotSettings", "Branch", "Button", "ButtonsNode",
    "CURRENT_SCHEMA_VERSION", "Card", "CardButton", "CarouselNode", "CepInput", "ChoiceInput", "ChoiceOption",
    "CnpjInput", "CodeNode", "MAX_TEMPLATE_PARAMETERS", "ConditionNode", "CpfCnpjInput", "CpfInput", "DateInput", "DocumentVersionError",
    "Edge", "EmailInput", "EndNode", "EntityInput", "EntityList", "EntityValue", "EventNode", "FallbackChain",
    "FallbackNode", "FlowDocument", "GoToNode", "HttpRequestNode", "InputSpec", "IntentNode", "LocationInput",
    "Media", "MediaNode", "MessageNode", "MuteBotNode", "NODE_KINDS", "Node", "NodeBase", "NumberInput",
    "PhoneInput", "Position", "QuestionNode", "RESERVED_HANDLES", "Rule", "SearchNode", "SendEmailNode",
    "SetVariableNode", "StartNode", "TagNode", "TEMPLATE_LANGUAGE", "TEMPLATE_NAME", "TemplateNode", "TextInput", "Topic", "UPGRADES", "WaitNode", "load_document",
    "read_raw", "register_upgrade", "upgrade",
]
