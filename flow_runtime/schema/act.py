"""Action node kinds: http_request, send_email, search, assign, mute_bot, archive, end."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from flow_runtime.schema.code import ActionNode, CodeNode, RasaActionNode  # noqa: F401 - re-exported
from flow_runtime.schema.common import NodeBase, StrictModel


class HttpRequestNode(NodeBase):
    """Calls an HTTP API; response fields map to variables; ``ok`` or ``error``.

    ``url`` and ``headers`` may hold ``{{secret.NAME}}`` (workspace secrets, through the
    ``Secrets`` port): substituted only into the outgoing request, never shown back.

    Attributes:
        response_map: Variable name -> dotted path in the JSON response (``data.items.0.id``).
        save_status_as: Optional variable for the HTTP status code.
    """

    kind: Literal["http_request"] = "http_request"
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    url: str = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    response_map: dict[str, str] = Field(default_factory=dict)
    save_status_as: str | None = None
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    def handles(self) -> tuple[str, ...]:
        return ("ok", "error")


class SendEmailNode(NodeBase):
    """Sends an e-mail through the email port; ``error`` if sending fails."""

    kind: Literal["send_email"] = "send_email"
    to: str = Field(min_length=1)
    subject: str = ""
    body: str = ""
    cc: list[str] = Field(default_factory=list)

    def handles(self) -> tuple[str, ...]:
        return ("next", "error")


class SearchNode(NodeBase):
    """Searches a site or the knowledge base; ``found`` or ``not_found``."""

    kind: Literal["search"] = "search"
    source: Literal["knowledge", "site"] = "knowledge"
    site: str | None = None
    query: str = "${last_message}"
    max_results: int = Field(default=3, ge=1, le=10)
    save_as: str | None = None
    reply: bool = True

    def handles(self) -> tuple[str, ...]:
        return ("found", "not_found")


class AssignTarget(StrictModel):
    """Exactly one of a queue, an agent or another bot."""

    queue: str | None = None
    agent: str | None = None
    bot: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> AssignTarget:
        if sum(v is not None for v in (self.queue, self.agent, self.bot)) != 1:
            raise ValueError("assign 'to' needs exactly one of queue, agent or bot")
        return self


class AssignNode(NodeBase):
    """Hands the conversation to a queue, an agent or another bot; the walk stops."""

    kind: Literal["assign"] = "assign"
    to: AssignTarget

    def handles(self) -> tuple[str, ...]:
        return ()


class MuteBotNode(NodeBase):
    """Silences the bot for ``minutes`` (or until unmuted when ``None``)."""

    kind: Literal["mute_bot"] = "mute_bot"
    minutes: int | None = Field(default=None, ge=1)


class ArchiveNode(NodeBase):
    """Archives the conversation and ends the walk."""

    kind: Literal["archive"] = "archive"

    def handles(self) -> tuple[str, ...]:
        return ()


class EndNode(NodeBase):
    """Ends the current path explicitly."""

    kind: Literal["end"] = "end"

    def handles(self) -> tuple[str, ...]:
        return ()
