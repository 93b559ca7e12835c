"""The channels page's state: the list, the create/configure form, "Test connection" and confirmations.

Secrets never reach the browser: the form only knows which ones are set; a secret typed in the form is sent
once with the submitted form and stored by `services.channels.update_channel` (blank keeps the stored value).
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.errors import DomainError, error_text
from flowstudio.i18n import translate
from flowstudio.models import ChannelKind
from flowstudio.services.identity.permissions import CHANNELS_MANAGE
from flowstudio.services.integrations import channels
from flowstudio.services.integrations.channel_checks import test_connection
from flowstudio.services.privacy import audit
from flowstudio.services.studio.bots import list_bots
from flowstudio.state.guard import authorize, requires
from flowstudio.state.session import SessionState

DEFAULT_BOT = "default"


@dataclasses.dataclass
class ChannelRow:
    """One channel as the page lists it (never a secret)."""

    id: int
    kind: str
    name: str
    bot: str
    is_active: bool
    address: str
    address_hint: str
    script: str


async def _scope(state: rx.State) -> tuple[int, audit.Actor, str]:
    access = await authorize(state)
    session_state = await state.get_state(SessionState)
    return access.workspace_id, audit.Actor(user_id=access.user_id, email=session_state.user_email), access.lang


def _address(channel: Any, base: str) -> tuple[str, str]:
    """What to paste at the provider (a URL), and the hint's i18n key."""
    if channel.kind == ChannelKind.WHATSAPP:
        return base + channels.webhook_path(channel), "chanpage.webhook_whatsapp"
    if channel.kind == ChannelKind.TELEGRAM:
        return base + channels.webhook_path(channel), "chanpage.webhook_telegram"
    if channel.kind == ChannelKind.REST:
        return f"{base}/api/v1/channels/{channel.id}/messages", "chanpage.rest_hint"
    return "", "chanpage.script_hint"


class ChannelsState(rx.State):
    """The workspace's channels and the one being created or configured."""

    rows: list[ChannelRow] = []
    bots: list[dict[str, str]] = []
    loaded: bool = False
    form_open: bool = False
    form_id: int = 0
    form_kind: str = ChannelKind.WEBCHAT.value
    form_name: str = ""
    form_bot: str = DEFAULT_BOT
    form_config: dict[str, str] = {}
    form_secrets_set: list[str] = []
    form_revision: int = 0
    form_error: str = ""
    testing_id: int = 0
    test_id: int = 0
    test_ok: bool = False
    test_text: str = ""
    confirm_id: int = 0
    confirm_action: str = ""
    confirm_name: str = ""

    @rx.var
    def fields(self) -> list[dict[str, Any]]:
        """The settings of the form's kind: name, label key, secret or not, required, placeholder, set or not."""
        kind = ChannelKind(self.form_kind) if self.form_kind in ChannelKind.__members__.values() else None
        return (
            [
                {
                    "name": s.name,
                    "label": f"chanpage.field.{s.name}",
                    "secret": s.secret,
                    "required": s.required,
                    "placeholder": s.placeholder,
                    "is_set": s.name in self.form_secrets_set,
                    "value": self.form_config.get(s.name, ""),
                }
                for s in channels.SETTINGS.get(kind, ())
            ]
            if kind
            else []
        )

    @rx.var
    def form_script(self) -> str:
        """The webchat's script tag in the form (edited channel only)."""
        return next((row.script for row in self.rows if row.id == self.form_id), "")

    def _base(self) -> str:
        return (self.router.page.host or "").rstrip("/")

    def _read(self, workspace_id: int) -> None:
        base = self._base()
        with session_scope() as session:
            bots = {bot.id: bot.name for bot in list_bots(session=session, workspace_id=workspace_id)}
            rows = []
            for channel in channels.list_channels(session=session, workspace_id=workspace_id):
                address, hint = _address(channel, base)
                rows.append(
                    ChannelRow(
                        id=channel.id,
                        kind=channel.kind.value,
                        name=channel.name,
                        bot=bots.get(channel.bot_id, ""),
                        is_active=channel.is_active,
                        address=address,
                        address_hint=hint,
                        script=channels.script_tag(channel, base),
                    )
                )
        self.rows = rows
        self.bots = [{"id": str(bot_id), "name": name} for bot_id, name in bots.items()]

    @rx.event
    @requires(CHANNELS_MANAGE)
    async def load(self):
        """Read the channels and the workspace's bots."""
        workspace_id, _, _ = await _scope(self)
        self._read(workspace_id)
        self.form_open, self.test_id, self.confirm_id, self.loaded = False, 0, 0, True

    @rx.event
    def new(self):
        """Open an empty form (webchat first)."""
        self.form_id, self.form_kind, self.form_name, self.form_bot = 0, ChannelKind.WEBCHAT.value, "", DEFAULT_BOT
        self.form_config, self.form_secrets_set, self.form_error = {}, [], ""
        self.form_revision += 1
        self.form_open = True

    @rx.event
    @requires(CHANNELS_MANAGE)
    async def edit(self, channel_id: int):
        """Open the form on a stored channel: its settings, and only the names of the secrets that are set."""
        workspace_id, _, lang = await _scope(self)
        try:
            with session_scope() as session:
                channel = channels.get_channel(session=session, workspace_id=workspace_id, channel_id=channel_id)
                view = channels.public_view(channel)
        except DomainError as error:
            return rx.toast.error(error_text(error, lang))
        self.form_id, self.form_kind, self.form_name = view["id"], view["kind"], view["name"]
        self.form_bot = str(view["bot_id"]) if view["bot_id"] else DEFAULT_BOT
        self.form_config = {k: str(v) for k, v in view["config"].items()}
        self.form_secrets_set, self.form_error = view["secrets_set"], ""
        self.form_revision += 1
        self.form_open = True
        return None

    @rx.event
    def set_form_open(self, value: bool):
        """Close (or reopen) the form."""
        self.form_open = value

    @rx.event
    def set_form_kind(self, value: str):
        """Another kind for a new channel."""
        if self.form_id == 0 and value in ChannelKind.__members__.values():
            self.form_kind, self.form_config, self.form_error = value, {}, ""

    @rx.event
    @requires(CHANNELS_MANAGE)
    async def save(self, form: dict[str, Any]):
        """Create or change the channel from the submitted form; typed secrets replace, blank ones keep."""
        workspace_id, actor, lang = await _scope(self)
        kind = channels.SETTINGS.get(ChannelKind(self.form_kind), ())
        config = {s.name: str(form.get(f"config.{s.name}", "")).strip() for s in kind if not s.secret}
        typed = {s.name: str(form.get(f"secret.{s.name}", "")) for s in kind if s.secret}
        typed = {name: value.strip() for name, value in typed.items() if value.strip()}
        bot = str(form.get("bot", DEFAULT_BOT))
        bot_id = int(bot) if bot.isdigit() else None
        name = str(form.get("name", "")).strip() or translate(f"channel_kind.{self.form_kind}", lang)
        try:
            with session_scope() as session:
                if self.form_id:
                    channel = channels.get_channel(session=session, workspace_id=workspace_id, channel_id=self.form_id)
                    channels.update_channel(
                        session=session,
                        channel=channel,
                        name=name,
                        bot_id=bot_id,
                        config=config,
                        secrets=typed,
                        actor=actor,
                    )
                else:
                    channels.create_channel(
                        session=session,
                        workspace_id=workspace_id,
                        kind=self.form_kind,
                        name=name,
                        bot_id=bot_id,
                        config=config,
                        secrets=typed,
                        actor=actor,
                    )
        except DomainError as error:
            self.form_error = error_text(error, lang)
            return None
        self.form_open, self.form_error = False, ""
        self._read(workspace_id)
        return rx.toast.success(translate("chanpage.saved", lang))

    @rx.event
    @requires(CHANNELS_MANAGE)
    async def test(self, channel_id: int):
        """Call the channel's provider once and show what it said."""
        workspace_id, _, lang = await _scope(self)
        self.testing_id = channel_id
        yield

        def probe() -> tuple[bool, str]:
            with session_scope() as session:
                channel = channels.get_channel(session=session, workspace_id=workspace_id, channel_id=channel_id)
                result = test_connection(channel)
            return result.ok, result.text(lang)

        try:
            self.test_ok, self.test_text = await asyncio.to_thread(probe)
        except DomainError as error:
            self.test_ok, self.test_text = False, error_text(error, lang)
        self.test_id, self.testing_id = channel_id, 0

    @rx.event
    def ask(self, channel_id: int, action: str, name: str):
        """Ask before deleting or disabling a channel."""
        self.confirm_id, self.confirm_action, self.confirm_name = channel_id, action, name

    @rx.event
    def set_confirm_open(self, value: bool):
        """Close the confirmation."""
        if not value:
            self.confirm_id = 0

    @rx.event
    @requires(CHANNELS_MANAGE)
    async def confirm(self):
        """Delete or disable the channel the confirmation names."""
        workspace_id, actor, lang = await _scope(self)
        channel_id, action, self.confirm_id = self.confirm_id, self.confirm_action, 0
        try:
            with session_scope() as session:
                channel = channels.get_channel(session=session, workspace_id=workspace_id, channel_id=channel_id)
                if action == "delete":
                    channels.delete_channel(session=session, channel=channel, actor=actor)
                else:
                    channels.update_channel(session=session, channel=channel, is_active=False, actor=actor)
        except DomainError as error:
            return rx.toast.error(error_text(error, lang))
        self._read(workspace_id)
        return rx.toast.success(
            translate("chanpage.deleted" if action == "delete" else "chanpage.disabled_toast", lang)
        )

    @rx.event
    @requires(CHANNELS_MANAGE)
    async def enable(self, channel_id: int):
        """Turn a disabled channel back on."""
        workspace_id, actor, lang = await _scope(self)
        try:
            with session_scope() as session:
                channel = channels.get_channel(session=session, workspace_id=workspace_id, channel_id=channel_id)
                channels.update_channel(session=session, channel=channel, is_active=True, actor=actor)
        except DomainError as error:
            return rx.toast.error(error_text(error, lang))
        self._read(workspace_id)
        return rx.toast.success(translate("chanpage.enabled_toast", lang))
