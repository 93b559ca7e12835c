"""The ``template`` node's data: an approved WhatsApp message template and its parameters."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase

TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
"""How WhatsApp names message templates: lowercase letters, digits and underscores."""
TEMPLATE_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
"""A template's language code as WhatsApp writes it (``pt_BR``, ``en_US``, ``es``)."""
MAX_TEMPLATE_PARAMETERS = 20


class TemplateNode(NodeBase):
    """Sends an approved WhatsApp message template (the only kind of message WhatsApp lets through
    24 hours or more after the customer's last message).

    ``parameters`` fill the template body's ``{{1}}``, ``{{2}}``... in order, each with ``${var}``
    templating. Channels without templates (webchat, Telegram, REST) send ``fallback_text`` instead
    (or the template name with its parameters when there is none).
    """

    kind: Literal["template"] = "template"
    name: str = ""
    language: str = "pt_BR"
    parameters: list[str] = Field(default_factory=list)
    fallback_text: str | None = None


MODEL = TemplateNode
ORDER = 250
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
