"""The contract every channel adapter keeps, and the pieces they share (errors, the channel they are handed,
HTTP to the providers).

An adapter converts to and from its provider's wire format, apart from the routes that receive webhooks:

- ``verify(channel, headers, body)`` raises `Refused` unless the request is the provider's (signature, token);
- ``parse(channel, payload)`` turns a webhook body into what happened: `Inbound` (messages as channel-neutral
  `InboundEvent` s, edits, delivery statuses, an acknowledgement to send back);
- ``render(output, recipient, language=)`` turns one engine output into the provider payloads that carry it,
  in order (one output may need several messages: a carousel on WhatsApp);
- ``send(channel, payload)`` sends one of those payloads and returns the provider's message id;
- ``send_typing(channel, contact)`` shows the agent's typing indicator;
- ``capabilities`` says what the channel can show (the renderer degrades the rest).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx

from flowstudio import http_pool
from flowstudio.services.conversations.edits import MessageEdit
from flowstudio.services.conversations.inbound import InboundEvent

Payload = dict[str, Any]


class DeliveryError(RuntimeError):
    """Sending failed. `retryable` says whether trying again later can help (timeouts, 5xx, 429)."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


class Refused(Exception):
    """A webhook request the channel does not accept: `status` (401, 403) and the reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class ChannelInfo:
    """What an adapter needs of its channel (read once, outside the conversation's transaction)."""

    id: int
    kind: str
    config: dict
    secrets: dict


@dataclass(frozen=True)
class Capabilities:
    """What a channel can show and when it may write first.

    Attributes:
        push: whether replies are pushed to the provider (False: the client reads them, as the webchat does).
        webhook: whether messages come in through ``POST /webhooks/<kind>/<key>`` (False: their own endpoints).
        max_buttons: reply buttons in one message (more become lists, or several messages).
        lists: whether it has list messages.
        carousels: whether it shows cards side by side (else one message per card, or a text).
        templates: whether it has provider-approved templates (else their fallback text goes out).
        typing: whether it shows the agent's typing indicator.
        media: whether it carries images and documents.
        window: how long after the customer's last message free-form replies may go out (None: always).
        max_text: the longest text of one message.
    """

    push: bool = True
    webhook: bool = True
    max_buttons: int = 10
    lists: bool = False
    carousels: bool = False
    templates: bool = False
    typing: bool = False
    media: bool = True
    window: timedelta | None = None
    max_text: int = 4096


@dataclass(frozen=True)
class Status:
    """A delivery status a provider reports for a message it was sent (`new`: a `DeliveryStatus` value)."""

    external_id: str
    new: str
    error: str = ""


@dataclass
class Inbound:
    """What one webhook request carried."""

    events: list[InboundEvent] = field(default_factory=list)
    edits: list[MessageEdit] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    acknowledge: Callable[[], None] | None = None
    """Provider work to do once the request is accepted (say, stop a Telegram button's spinner)."""


@dataclass(frozen=True)
class Outgoing:
    """One outbound message as delivery hands it to an adapter's `render`."""

    recipient: str
    output: Payload
    last_inbound_at: datetime | None = None
    message_id: int | None = None
    conversation_id: int | None = None
    sender_type: str = "bot"
    language: str | None = None
    """The conversation's language (else its bot's), when delivery read it already (None: the adapter reads it)."""


@dataclass(frozen=True)
class Contact:
    """Whom the typing indicator is for: their id on the channel, the message it refers to, the conversation."""

    recipient: str
    reference: str = ""
    conversation_id: int | None = None


class ChannelAdapter(Protocol):
    """One channel kind: its wire format in and out (see the module's docstring)."""

    kind: str
    capabilities: Capabilities

    def verify(self, channel: ChannelInfo, headers: Mapping[str, str], body: bytes) -> None:
        """Raise `Refused` unless the request comes from the provider."""
        ...

    def parse(self, channel: ChannelInfo, payload: Any) -> Inbound:
        """What a webhook body carried."""
        ...

    def render(self, channel: ChannelInfo, message: Outgoing) -> list[Payload]:
        """The provider payloads that carry one outbound message, in order.

        Raises:
            DeliveryError: the message cannot go out on this channel (not retryable).
        """
        ...

    def send(self, channel: ChannelInfo, payload: Payload) -> str:
        """Send one rendered payload; the provider's message id.

        Raises:
            DeliveryError: the provider refused it or did not answer.
        """
        ...

    def send_typing(self, channel: ChannelInfo, contact: Contact) -> None:
        """Show the agent's typing indicator to the contact.

        Raises:
            DeliveryError: the provider refused it or did not answer in time.
        """
        ...


def http_failure(status: int, body: str) -> DeliveryError:
    """A provider's HTTP error as a DeliveryError (retry on 429 and 5xx only)."""
    return DeliveryError(f"HTTP {status}: {body[:300]}", retryable=status == 429 or status >= 500)


def post_json(
    url: str, body: dict[str, Any], *, headers: dict[str, str] | None = None, timeout: float = 10
) -> dict[str, Any]:
    """POST to a provider through this process's pooled client for its origin (`flowstudio.http_pool`); its JSON
    answer, or a DeliveryError (retryable on network errors, 429 and 5xx)."""
    try:
        response = http_pool.post(url, json=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as error:
        raise DeliveryError(f"{type(error).__name__}: {error}", retryable=True) from error
    if response.status_code >= 300:
        raise http_failure(response.status_code, response.text)
    return response.json()
