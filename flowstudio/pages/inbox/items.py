"""Plain data the inbox's state holds (a chat message, a select's option, a variable, a quick reply), and
the check that a tab's websocket is still connected, shared by the inbox and the queue monitor."""

from __future__ import annotations

import dataclasses
import sys


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


def connected(token: str, app_module: str = "flowstudio.flowstudio") -> bool:
    """Whether the browser tab of this state still has its websocket on this server.

    The app is read from the loaded modules rather than imported: it imports every page, this one included,
    and when it is not loaded there is no server to ask (the page's own path check still applies).
    """
    module = sys.modules.get(app_module)
    try:
        namespace = module.app.event_namespace if module is not None else None
        return namespace is None or token in namespace.token_to_sid
    except Exception:
        return True
