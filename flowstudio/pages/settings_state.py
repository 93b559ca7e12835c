"""The settings page's state: the workspace's general configuration and privacy policy (administrators
change them, everyone else reads them), retention runs, and the system status."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC
from typing import Any

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.models import as_utc
from flowstudio.pages.admin_forms import parse_list
from flowstudio.services.identity import permissions
from flowstudio.services.privacy import audit, retention
from flowstudio.services.system import health
from flowstudio.services.system import workspace_settings as config
from flowstudio.state.guard import request_ip, requires
from flowstudio.state.session import scope_of
from flowstudio.tasks.retention import reencrypt

log = logging.getLogger("flowstudio.settings")


@dataclasses.dataclass
class RunRow:
    """One retention run as the list shows it."""

    when: str = ""
    trigger: str = ""
    contacts: int = 0
    messages: int = 0
    files: int = 0


def form_to_settings(form: dict[str, Any]) -> config.GeneralSettings:
    """The page's form (all strings) as settings to validate; empty numbers mean "never" / "forever"."""

    def text(name: str) -> str:
        return str(form.get(name) or "").strip()

    return config.GeneralSettings(
        timezone=text("timezone"),
        default_language=text("default_language") or "pt-BR",
        inactive_after_minutes=text("inactive_after_minutes") or None,
        close_after_minutes=text("close_after_minutes") or None,
        conversation_types=parse_list(text("conversation_types")),
        retention_days=text("retention_days") or None,
        file_retention_days=text("file_retention_days") or None,
        encrypt_messages=text("encrypt_messages").lower() in ("on", "true", "1", "yes"),
        sensitive_variables=parse_list(text("sensitive_variables")),
    )


def save_settings(*, workspace_id: int, user_id: int, form: dict[str, Any], ip: str = "") -> dict[str, Any]:
    """Validate and store the form (an administrator only); returns what changed.

    Raises:
        config.SettingsError: not an administrator, or a wrong value.
    """
    with session_scope() as session:
        _, changed = config.update(
            session=session, workspace_id=workspace_id, user_id=user_id, values=form_to_settings(form), ip=ip
        )
    if changed.get("encrypt_messages", {}).get("to") or "sensitive_variables" in changed:
        _seal_existing(workspace_id)
    return changed


def _seal_existing(workspace_id: int) -> None:
    """Encryption just turned on (or more variables are sensitive): seal older rows in the background."""
    try:
        reencrypt.delay(workspace_id)
    except Exception:
        log.exception("reencrypt.not_queued", extra={"workspace_id": workspace_id})


def _message(error: config.SettingsError, lang: str) -> str:
    return translate(error.key, lang) + (f": {error.detail}" if error.detail else "")


class SettingsState(rx.State):
    """The general configuration form, the retention runs and the system status."""

    loaded: bool = False
    can_edit: bool = False
    revision: int = 0
    error: str = ""

    timezone: str = ""
    default_language: str = "pt-BR"
    inactive_after_minutes: str = ""
    close_after_minutes: str = ""
    conversation_types: str = ""
    retention_days: str = ""
    file_retention_days: str = ""
    encrypt_messages: bool = False
    sensitive_variables: str = ""
    runs: list[RunRow] = []

    version: str = ""
    database_kind: str = ""
    database_ok: bool = False
    broker_kind: str = ""
    broker_ok: bool = False

    def _refresh(self, workspace_id: int, user_id: int | None) -> None:
        with session_scope() as session:
            values = config.get(session=session, workspace_id=workspace_id)
            self.can_edit = permissions.member_can(
                session=session, workspace_id=workspace_id, user_id=user_id, capability=permissions.SETTINGS_MANAGE
            )
            zone = config.zone_of(session, workspace_id)
            runs = retention.recent_runs(session=session, workspace_id=workspace_id)
        number = lambda value: "" if value is None else str(value)  # noqa: E731
        self.timezone, self.default_language = values.timezone, values.default_language
        self.inactive_after_minutes = number(values.inactive_after_minutes)
        self.close_after_minutes = number(values.close_after_minutes)
        self.conversation_types = ", ".join(values.conversation_types)
        self.retention_days, self.file_retention_days = (
            number(values.retention_days),
            number(values.file_retention_days),
        )
        self.encrypt_messages = values.encrypt_messages
        self.sensitive_variables = ", ".join(values.sensitive_variables)
        self.runs = [
            RunRow(
                when=as_utc(run.started_at).astimezone(zone or UTC).strftime("%d/%m/%Y %H:%M"),
                trigger=run.trigger,
                contacts=int(run.counts.get("contacts", 0)),
                messages=int(run.counts.get("message_bodies", 0)),
                files=int(run.counts.get("file_messages", 0)),
            )
            for run in runs
        ]
        self.revision += 1  # the form's inputs are drawn again with the stored values

    @rx.event
    async def load(self):
        """Read the workspace's settings (everyone may read them), then check the system's components."""
        workspace_id, user_id, _ = await scope_of(self)
        if workspace_id is None:
            return None
        self.error = ""
        self._refresh(workspace_id, user_id)
        self.loaded = True
        return SettingsState.check_health

    @rx.event(background=True)
    async def check_health(self):
        """Check the components off the event loop's critical path."""
        result = await rx.run_in_thread(health.check)
        async with self:
            self.version = result.version
            self.database_kind, self.database_ok = result.database.kind, result.database.ok
            self.broker_kind, self.broker_ok = result.broker.kind, result.broker.ok

    @rx.event
    @requires(permissions.SETTINGS_MANAGE)
    async def save(self, form: dict[str, Any]):
        """Store the form; a wrong value is shown and nothing is stored."""
        workspace_id, user_id, lang = await scope_of(self)
        try:
            changed = await rx.run_in_thread(
                lambda: save_settings(workspace_id=workspace_id, user_id=user_id, form=form, ip=request_ip(self))
            )
        except config.SettingsError as error:
            self.error = _message(error, lang)
            return None
        self.error = ""
        self._refresh(workspace_id, user_id)
        return rx.toast.success(translate("config.saved" if changed else "config.unchanged", lang))

    @rx.event
    @requires(permissions.SETTINGS_MANAGE)
    async def run_retention(self):
        """Erase what is due now (the daily task does the same)."""
        workspace_id, user_id, lang = await scope_of(self)
        run = await rx.run_in_thread(
            lambda: retention.run(
                workspace_id=workspace_id, trigger="manual", actor=audit.Actor(user_id=user_id), ip=request_ip(self)
            )
        )
        self._refresh(workspace_id, user_id)
        return rx.toast.success(
            translate(
                "privacy.ran",
                lang,
                contacts=run.counts.get("contacts", 0),
                messages=run.counts.get("message_bodies", 0),
                files=run.counts.get("file_messages", 0),
            )
        )
