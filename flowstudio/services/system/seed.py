"""The demo workspace a fresh install starts with: an admin (an online agent of the default queue), the default
queue and the Pizzaria Bella bot."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from flowstudio.demo import demo_flow, demo_tests
from flowstudio.models import (
    AgentProfile,
    AgentQueue,
    AgentStatus,
    Bot,
    Channel,
    ChannelKind,
    FlowVersion,
    FlowVersionStatus,
    Membership,
    Queue,
    Role,
    User,
    Workspace,
    utcnow,
)
from flowstudio.services.identity.auth import generate_password, hash_password
from flowstudio.services.studio.bots import create_bot_from_document
from flowstudio.services.studio.drafts import PublishBlocked, publish, save_test

DEMO_WORKSPACE_SLUG = "demo"
DEMO_AGENT_CAPACITY = 5
DEMO_POSITION_MESSAGE = "Você é o {position}º da fila. Um atendente já vai te responder."


def _admin_answers(session: Session, membership: Membership, queue: Queue) -> None:
    """The admin is an online agent of the default queue (capacity 5), so a demo hand-off reaches a person."""
    if session.exec(select(AgentProfile).where(AgentProfile.membership_id == membership.id)).first() is None:
        session.add(
            AgentProfile(
                membership_id=membership.id,
                status=AgentStatus.ONLINE,
                capacity=DEMO_AGENT_CAPACITY,
                status_changed_at=utcnow(),
            )
        )
    if session.get(AgentQueue, (queue.id, membership.user_id)) is None:
        session.add(AgentQueue(queue_id=queue.id, user_id=membership.user_id))


@dataclass(frozen=True)
class SeedResult:
    """What seeding created. `admin_password` is set only when the admin was created just now."""

    workspace_id: int
    admin_email: str
    admin_password: str | None
    created_bot: bool
    not_published: str = ""
    """Why the demo bot stayed a draft (its conversation tests fail here, e.g. code actions without their
    sandbox); empty when it was published."""
    published: tuple[int, int] | None = None
    """(bot id, version number) of the demo bot's newest published version, now or earlier; None while it is a
    draft. `flowstudio seed` trains its intent model when it is not on disk yet."""


def seed_demo(*, session: Session, admin_email: str, admin_password: str = "") -> SeedResult:
    """Create whatever of the demo is missing; running it again changes nothing.

    Args:
        session: the unit of work (committed by the caller).
        admin_email: the administrator's login.
        admin_password: their password; empty means generate one (returned once, never stored in clear).
    """
    workspace = session.exec(select(Workspace).where(Workspace.slug == DEMO_WORKSPACE_SLUG)).first()
    if workspace is None:
        workspace = Workspace(name="Pizzaria Bella", slug=DEMO_WORKSPACE_SLUG, default_language="pt-BR")
        session.add(workspace)
        session.flush()

    email = admin_email.strip().lower()
    new_password: str | None = None
    admin = session.exec(select(User).where(User.email == email)).first()
    if admin is None:
        new_password = admin_password or generate_password()
        admin = User(email=email, name="Admin", password_hash=hash_password(new_password))
        session.add(admin)
        session.flush()
    membership = session.exec(
        select(Membership).where(Membership.workspace_id == workspace.id, Membership.user_id == admin.id)
    ).first()
    if membership is None:
        membership = Membership(workspace_id=workspace.id, user_id=admin.id, role=Role.ADMIN)
        session.add(membership)
        session.flush()

    queue = session.exec(
        select(Queue).where(Queue.workspace_id == workspace.id).order_by(Queue.is_default.desc(), Queue.id)
    ).first()
    if queue is None:
        queue = Queue(
            workspace_id=workspace.id,
            key="atendimento",
            name="Atendimento",
            is_default=True,
            position_message=DEMO_POSITION_MESSAGE,
        )
        session.add(queue)
    session.flush()
    _admin_answers(session, membership, queue)

    if (
        session.exec(
            select(Channel).where(Channel.workspace_id == workspace.id, Channel.kind == ChannelKind.WEBCHAT)
        ).first()
        is None
    ):
        session.add(
            Channel(
                workspace_id=workspace.id,
                kind=ChannelKind.WEBCHAT,
                name="Site",
                key="pizzaria-bella",
                config={"title": "Pizzaria Bella", "color": "#9a3412"},
            )
        )

    document = demo_flow()
    bot_name = document["bot"]["name"]
    created_bot, not_published = False, ""
    bot = session.exec(select(Bot).where(Bot.workspace_id == workspace.id, Bot.name == bot_name)).first()
    if bot is None:
        bot = create_bot_from_document(
            session=session, workspace_id=workspace.id, document=document, author_id=admin.id
        )
        for name, content in demo_tests().items():
            save_test(session=session, bot_id=bot.id, name=name, content=content)
        try:
            publish(session=session, bot_id=bot.id, author_id=admin.id, changelog="Demo bot")
        except PublishBlocked as blocked:  # the app must still start: the designer sees why in the studio
            not_published = str(blocked)
        created_bot = True
    session.flush()
    number = session.exec(
        select(func.max(FlowVersion.number)).where(
            FlowVersion.bot_id == bot.id, FlowVersion.status == FlowVersionStatus.PUBLISHED
        )
    ).one()
    return SeedResult(
        workspace_id=workspace.id,
        admin_email=email,
        admin_password=new_password,
        created_bot=created_bot,
        not_published=not_published,
        published=(bot.id, number) if bot.id is not None and number is not None else None,
    )
