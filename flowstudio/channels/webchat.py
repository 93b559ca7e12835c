"""Webchat adapter: the embeddable widget reads its conversation itself (polling or a server-sent stream, see
`flowstudio.api.channels.webchat`), so nothing is pushed; the widget shows every output as it is.

Channel config: `title`, `greeting`, `color`, `position`; `allowed_origins`, the sites the widget may run on
(origins such as ``https://www.example.com``, separated by spaces or commas; empty: any site).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flowstudio.channels.base import Capabilities, ChannelInfo, Contact, Inbound, Outgoing, Payload, Refused


def allowed_origins(config: Mapping[str, Any]) -> set[str]:
    """The channel's allowed origins, normalised (scheme://host[:port], lower case, no trailing slash)."""
    return {_origin(o) for o in re.split(r"[\s,]+", str(config.get("allowed_origins") or "")) if o.strip()}


def _origin(value: str) -> str:
    parts = urlsplit(value.strip().lower())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else value.strip().lower().rstrip("/")


def check_origin(channel: ChannelInfo, origin: str | None, own_host: str = "") -> None:
    """Refused (403) when the channel lists its sites and the request comes from another one.

    A request without `Origin` (not sent by a browser's cross-site call) and one from this app's own pages
    (`own_host`: the demo page) pass.
    """
    allowed = allowed_origins(channel.config)
    if not allowed or not origin:
        return
    normalised = _origin(origin)
    if normalised in allowed or (own_host and urlsplit(normalised).netloc == own_host.lower()):
        return
    raise Refused(403, f"origin {origin} is not allowed for this webchat (channel setting allowed_origins)")


class Webchat:
    """The webchat adapter (see the module's docstring)."""

    kind = "webchat"
    capabilities = Capabilities(push=False, webhook=False, max_buttons=100, carousels=True, typing=True, max_text=4000)

    def verify(self, channel: ChannelInfo, headers: Mapping[str, str], body: bytes) -> None:
        """The widget's requests are unsigned; only its site is checked (see `check_origin`)."""
        check_origin(channel, headers.get("origin"), headers.get("host", ""))

    def parse(self, channel: ChannelInfo, payload: Any) -> Inbound:
        """Nothing: the widget's messages come in through its own endpoint."""
        return Inbound()

    def render(self, channel: ChannelInfo, message: Outgoing) -> list[Payload]:
        """Nothing to push."""
        return []

    def send(self, channel: ChannelInfo, payload: Payload) -> str:
        """Nothing to push."""
        return ""

    def send_typing(self, channel: ChannelInfo, contact: Contact) -> None:
        """Nothing: the widget's feed reads the signal (`services.conversations.typing_indicator`)."""


ADAPTER = Webchat()
