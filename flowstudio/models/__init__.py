"""FlowStudio's tables. Importing this package registers all of them on `SQLModel.metadata`."""

from flowstudio.models import (
    channel_secrets,  # noqa: F401  (seals channels' secrets at rest: registers ORM listeners)
    sealing,  # noqa: F401  (seals messages and contacts at rest: registers ORM listeners)
)
from flowstudio.models.audit import AuditEntry
from flowstudio.models.base import as_utc, utcnow
from flowstudio.models.bot import BOT_LANGUAGES, Bot, ConversationTest, FlowVersion, FlowVersionStatus
from flowstudio.models.channel import ApiToken, Channel, ChannelKind, ContactIdentity
from flowstudio.models.conversation import (
    Contact,
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    Erased,
    Event,
    Message,
    OwnerType,
    Priority,
    SenderType,
)
from flowstudio.models.developer import (
    ActionFlavour,
    CodeAction,
    WebhookDelivery,
    WebhookStatus,
    WebhookSubscription,
    WorkspaceSecret,
)
from flowstudio.models.identity import (
    AccountSecurity,
    LoginThrottle,
    OidcProvider,
    RecoveryCode,
    SignInChallenge,
    SignInPolicy,
)
from flowstudio.models.privacy import RetentionRun, WorkspaceSettings
from flowstudio.models.queue import AgentQueue, AssignmentStrategy, ConversationTag, Queue, RoutingRule, RuleTarget, Tag
from flowstudio.models.security import IpRule, IpRuleKind
from flowstudio.models.workspace import AgentProfile, AgentStatus, Membership, Role, User, Workspace

__all__ = [
    "AccountSecurity",
    "LoginThrottle",
    "OidcProvider",
    "RecoveryCode",
    "SignInChallenge",
    "SignInPolicy",
    "ActionFlavour",
    "CodeAction",
    "WebhookDelivery",
    "WebhookStatus",
    "WebhookSubscription",
    "WorkspaceSecret",
    "AuditEntry",
    "AgentProfile",
    "AgentStatus",
    "AssignmentStrategy",
    "Priority",
    "RoutingRule",
    "RuleTarget",
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
    "Erased",
    "Event",
    "FlowVersion",
    "FlowVersionStatus",
    "IpRule",
    "IpRuleKind",
    "Membership",
    "Message",
    "OwnerType",
    "Queue",
    "RetentionRun",
    "Role",
    "SenderType",
    "Tag",
    "User",
    "Workspace",
    "WorkspaceSettings",
    "as_utc",
    "utcnow",
]
