"""The engine as the channels use it: the published flow of a bot, compiled once, and production ports."""

from __future__ import annotations

from flow_runtime.ports import ActionCatalog, EmailSender, Ports, Secrets
from flowstudio.services.conversations.mail_port import MailPort
from flowstudio.services.conversations.published import (  # noqa: F401 - the published flows, re-exported
    PUBLISHED_CHECK_S,
    PublishedFlow,
    _flows,
    _published,
    published_flow,
)
from flowstudio.services.integrations.secrets import WorkspaceSecrets
from flowstudio.services.studio import nlu
from flowstudio.services.studio.action_catalog import WorkspaceActions
from flowstudio.services.studio.code_policy import network_policy


def production_ports(
    published: PublishedFlow,
    *,
    bot_id: int,
    secrets: Secrets | None = None,
    actions: ActionCatalog | None = None,
    email: EmailSender | None = None,
) -> Ports:
    """Real side effects: sandboxed code, HTTP, e-mail, the version's trained NLU model (or one trained now).

    The search port stays unset (the *Search* block takes its error exit and is not offered in the palette
    until it is rebuilt on the knowledge base).

    Args:
        published: The flow being run.
        bot_id: Its bot.
        secrets: The workspace's secrets (``{{secret.NAME}}`` in HTTP headers/URLs); by default the bot's
            workspace's (`flowstudio.services.integrations.secrets`, read when a node asks).
        actions: The workspace's reusable actions (``action`` nodes); by default the bot's workspace's
            (`flowstudio.services.studio.code_actions`, cached per workspace).
        email: Where ``send_email`` nodes send; by default the configured SMTP server or, without one, the
            development outbox (`flowstudio.services.conversations.mail_port.MailPort`).
    """
    from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
    from flow_runtime.adapters.http_urllib import UrllibHttpClient

    extensions = {
        "secrets": secrets or WorkspaceSecrets(bot_id=bot_id),
        "actions": actions or WorkspaceActions(bot_id=bot_id),
    }
    return Ports(
        code=SubprocessCodeRunner(),
        http=UrllibHttpClient(),
        network=network_policy(),
        email=email or MailPort(bot_id=bot_id),
        matcher=nlu.matcher_for_version(bot_id=bot_id, number=published.number, document=published.document),
        **extensions,
    )
