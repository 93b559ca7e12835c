"""Plain data the inbox's state holds: a chat message, a select's option, a variable, a quick reply."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class ChatMessage:
    """One message of the chat pane (see `inbox.render_message`)."""

    id: int = 0
    side: str = "in"
    sender: str = "contact"
    kind: str = "text"
    text: str = ""
    buttons: list[str] = dataclasses.field(default_factory=list)
    image_url: str = ""
    file_url: str = ""
    file_name: str = ""
    time: str = ""
    status: str = ""
    purpose: str = ""
    author: str = ""
    edited: bool = False  # a customer message changed after it was sent (its old text: previous_text)
    previous_text: str = ""


@dataclasses.dataclass
class Option:
    """A select list's item."""

    value: str = ""
    label: str = ""


@dataclasses.dataclass
class Variable:
    """A contact variable, as text."""

    name: str = ""
    value: str = ""


@dataclasses.dataclass
class QuickReply:
    """A canned answer."""

    title: str = ""
    text: str = ""
