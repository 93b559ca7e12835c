"""The flow document: bot settings, constants, topics, entity lists, nodes and edges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from pydantic import Field

from flow_runtime.schema.common import StrictModel
from flow_runtime.schema.kinds import node_union

CURRENT_SCHEMA_VERSION = 1

if TYPE_CHECKING:  # what the type checker sees: the product's kinds (the running union is built from the folders)
    from flow_runtime.nodes.action.schema import ActionNode
    from flow_runtime.nodes.archive.schema import ArchiveNode
    from flow_runtime.nodes.assign.schema import AssignNode
    from flow_runtime.nodes.buttons.schema import ButtonsNode
    from flow_runtime.nodes.carousel.schema import CarouselNode
    from flow_runtime.nodes.code.schema import CodeNode
    from flow_runtime.nodes.condition.schema import ConditionNode
    from flow_runtime.nodes.end.schema import EndNode
    from flow_runtime.nodes.event.schema import EventNode
    from flow_runtime.nodes.fallback.schema import FallbackNode
    from flow_runtime.nodes.go_to.schema import GoToNode
    from flow_runtime.nodes.http_request.schema import HttpRequestNode
    from flow_runtime.nodes.intent.schema import IntentNode
    from flow_runtime.nodes.media.schema import MediaNode
    from flow_runtime.nodes.message.schema import MessageNode
    from flow_runtime.nodes.mute_bot.schema import MuteBotNode
    from flow_runtime.nodes.question.schema import QuestionNode
    from flow_runtime.nodes.rasa_action.schema import RasaActionNode
    from flow_runtime.nodes.search.schema import SearchNode
    from flow_runtime.nodes.send_email.schema import SendEmailNode
    from flow_runtime.nodes.set_variable.schema import SetVariableNode
    from flow_runtime.nodes.start.schema import StartNode
    from flow_runtime.nodes.tag.schema import TagNode
    from flow_runtime.nodes.template.schema import TemplateNode
    from flow_runtime.nodes.wait.schema import WaitNode

    Node: TypeAlias = (
        StartNode
        | IntentNode
        | FallbackNode
        | EventNode
        | MessageNode
        | ButtonsNode
        | CarouselNode
        | MediaNode
        | QuestionNode
        | ConditionNode
        | SetVariableNode
        | TagNode
        | GoToNode
        | WaitNode
        | CodeNode
        | RasaActionNode
        | ActionNode
        | HttpRequestNode
        | SendEmailNode
        | SearchNode
        | AssignNode
        | MuteBotNode
        | ArchiveNode
        | EndNode
        | TemplateNode
    )
else:
    Node = node_union()
"""Any node: the union of every kind's model (``flow_runtime.schema.kinds``), told apart by ``kind``."""


class Edge(StrictModel):
    """A connection from a node's handle to another node."""

    id: str | None = None
    source: str = Field(min_length=1)
    source_handle: str = "next"
    target: str = Field(min_length=1)
    ui: dict[str, Any] = Field(default_factory=dict)


class Topic(StrictModel):
    """A group of intents; ``related`` lists topic ids worth suggesting together."""

    id: str = Field(min_length=1)
    name: str
    related: list[str] = Field(default_factory=list)


class EntityValue(StrictModel):
    """One value of an entity list and the other ways users write it."""

    value: str = Field(min_length=1)
    synonyms: list[str] = Field(default_factory=list)


class EntityList(StrictModel):
    """A named list of values a question can ask for (``input.type = "entity"``)."""

    name: str = Field(min_length=1)
    values: list[EntityValue] = Field(default_factory=list)


class FallbackChain(StrictModel):
    """Which not-understood strategies run before the ``fallback`` node, per bot.

    Attributes:
        related_topic: Accept a weaker match inside the topic the conversation is in.
        related_intents: Offer the closest intents as "did you mean" buttons.
        suggestion_text: Text above those buttons (a default per language otherwise).
    """

    related_topic: bool = True
    related_intents: bool = True
    suggestion_text: str | None = None


class BotSettings(StrictModel):
    """Bot-wide settings stored with the flow."""

    name: str = "Bot"
    description: str = ""
    language: Literal["pt", "es", "en", "fr"] = "pt"  # fr: the NLU runs language-neutral (no lemmas)
    knowledge_areas: list[str] = Field(default_factory=list)
    timezone: str = "America/Sao_Paulo"
    fallback: FallbackChain = FallbackChain()
    step_limit: int = Field(default=100, ge=1, le=10_000)
    session_timeout_minutes: int = Field(default=720, ge=5, le=30 * 24 * 60)
    """After this long without messages, the contact's next message starts the flow again at ``start``
    (a new flow session, starting from the variables the contact kept)."""
    meta: dict[str, Any] = Field(default_factory=dict)


class FlowDocument(StrictModel):
    """A whole flow as drawn on the canvas; the contract shared by canvas, API and engine."""

    schema_version: Literal[1] = CURRENT_SCHEMA_VERSION
    bot: BotSettings = BotSettings()
    constants: dict[str, Any] = Field(default_factory=dict)
    topics: list[Topic] = Field(default_factory=list)
    entities: list[EntityList] = Field(default_factory=list)
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict)
