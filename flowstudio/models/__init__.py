"""FlowStudio's tables. Importing this package registers all of them on `SQLModel.metadata`."""

from flowstudio.models.base import as_utc, utcnow
from flowstudio.models.channel import ApiToken, Channel, ChannelKind, ContactIdentity
from flowstudio.models.bot import BOT_LANGUAGES, Bot, ConversationTest, FlowVersion, FlowVersionStatus
from flowstudio.models.conversation import (
    Contact,
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    Event,
    Message,
    OwnerType,
    SenderType,
)
from flowstudio.models.queue import AgentQueue, ConversationTag, Queue, Tag
from flowstudio.models.workspace import Membership, Role, User, Workspace

__all__ = [
    "ApiToken",
    "Channel",
    "ChannelKind",
    "ContactIdentity",
    "BOT_LANGUAGES",
    "AgentQueue",
    "Bot",
    "Contact",
    "ConversationTest",
    "Conversation",
    "ConversationStatus",
    "ConversationTag",
    "DeliveryStatus",
    "Direction",
    "Event",
    "FlowVersion",
    "FlowVersionStatus",
    "Membership",
    "Message",
    "OwnerType",
    "Queue",
    "Role",
    "SenderType",
    "Tag",
    "User",
    "Workspace",
    "as_utc",
    "utcnow",
]
