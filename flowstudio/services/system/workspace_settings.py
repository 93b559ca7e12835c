"""A workspace's general configuration (Botmaker's "general configuration"): time zone, default language,
inactivity markers, conversation types, and the privacy policy (retention, encryption at rest).

Only administrators change it; every change is validated as a whole (nothing is stored when one value is
wrong) and audited as `settings.changed` with the values before and after.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from sqlmodel import Session, select

from flowstudio.errors import Invalid
from flowstudio.i18n import LANGUAGES
from flowstudio.models import Membership, Role, Workspace, WorkspaceSettings, sealing, utcnow
from flowstudio.services.privacy import audit

MAX_MINUTES = 60 * 24 * 365
MAX_DAYS = 3650
MAX_TYPES = 30
MAX_TYPE_LENGTH = 40
MAX_SENSITIVE = 50
CHANGED_ACTION = ".".join(("settings", "changed"))  # the audit action (a literal would read as an i18n key)
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


class SettingsError(Invalid):
    """A value that cannot be stored; `key` is the i18n key of the reason, `detail` the offending text."""


@dataclass
class GeneralSettings:
    """Everything the settings page edits, as plain values."""

    timezone: str = ""
    default_language: str = "pt-BR"
    inactive_after_minutes: int | None = None
    close_after_minutes: int | None = None
    conversation_types: list[str] = field(default_factory=list)
    retention_days: int | None = None
    file_retention_days: int | None = None
    encrypt_messages: bool = False
    sensitive_variables: list[str] = field(default_factory=list)


@cache
def timezones() -> tuple[str, ...]:
    """Every IANA zone name, sorted (the page's list)."""
    return tuple(sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC"))


def may_manage(session: Session, workspace_id: int, user_id: int | None) -> bool:
    """Whether the member may change the workspace's settings (administrators; read now)."""
    role = session.exec(
        select(Membership.role).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
    ).first()
    return role is not None and Role(role) == Role.ADMIN


def get(*, session: Session, workspace_id: int) -> GeneralSettings:
    """The workspace's settings (the defaults where nothing was saved)."""
    workspace = session.get(Workspace, workspace_id)
    row = session.get(WorkspaceSettings, workspace_id)
    values = GeneralSettings(default_language=workspace.default_language if workspace else "pt-BR")
    if row is not None:
        values.timezone = row.timezone
        values.inactive_after_minutes, values.close_after_minutes = row.inactive_after_minutes, row.close_after_minutes
        values.conversation_types = list(row.conversation_types or [])
        values.retention_days, values.file_retention_days = row.retention_days, row.file_retention_days
        values.encrypt_messages = row.encrypt_messages
        values.sensitive_variables = list(row.sensitive_variables or [])
    return values


def zone_of(session: Session, workspace_id: int) -> ZoneInfo | None:
    """The workspace's configured time zone, None when it has none."""
    row = session.get(WorkspaceSettings, workspace_id)
    if row is None or not row.timezone:
        return None
    try:
        return ZoneInfo(row.timezone)
    except (KeyError, ValueError):
        return None


def _number(value: Any, low: int, high: int, key: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise SettingsError(key, detail=str(value)[:40]) from None
    if not low <= number <= high:
        raise SettingsError(key, detail=str(number))
    return number


def _names(
    values: list[str], *, limit: int, key: str, pattern: re.Pattern[str] | None = None, length: int = MAX_TYPE_LENGTH
) -> list[str]:
    clean: list[str] = []
    for value in values:
        name = " ".join(str(value).split())
        if not name or name.lower() in (c.lower() for c in clean):
            continue
        if len(name) > length or (pattern is not None and not pattern.match(name)):
            raise SettingsError(key, detail=name[:60])
        clean.append(name)
    if len(clean) > limit:
        raise SettingsError(key, detail=str(len(clean)))
    return clean


def validate(values: GeneralSettings) -> GeneralSettings:
    """The values cleaned, or the first wrong one.

    Raises:
        SettingsError: an unknown time zone or language, minutes or days out of range, closing before
            becoming inactive, too many or too long names, a variable name that is not one.
    """
    zone = (values.timezone or "").strip()
    if zone and zone not in timezones():
        raise SettingsError("config.bad_timezone", detail=zone[:60])
    if values.default_language not in LANGUAGES:
        raise SettingsError("config.bad_language", detail=str(values.default_language)[:20])
    inactive = _number(values.inactive_after_minutes, 1, MAX_MINUTES, "config.bad_minutes")
    close = _number(values.close_after_minutes, 1, MAX_MINUTES, "config.bad_minutes")
    if inactive is not None and close is not None and close < inactive:
        raise SettingsError("config.close_before_inactive")
    return GeneralSettings(
        timezone=zone,
        default_language=values.default_language,
        inactive_after_minutes=inactive,
        close_after_minutes=close,
        conversation_types=_names(values.conversation_types, limit=MAX_TYPES, key="config.bad_type"),
        retention_days=_number(values.retention_days, 1, MAX_DAYS, "privacy.bad_days"),
        file_retention_days=_number(values.file_retention_days, 1, MAX_DAYS, "privacy.bad_days"),
        encrypt_messages=bool(values.encrypt_messages),
        sensitive_variables=_names(
            values.sensitive_variables, limit=MAX_SENSITIVE, key="privacy.bad_variable", pattern=_VARIABLE, length=64
        ),
    )


def update(
    *, session: Session, workspace_id: int, user_id: int, values: GeneralSettings, actor: Any = None, ip: str = ""
) -> tuple[GeneralSettings, dict[str, dict[str, Any]]]:
    """Store the settings (an administrator only), audited; returns the stored values and what changed
    (``{field: {"from": ..., "to": ...}}``, empty when nothing did).

    Raises:
        SettingsError: not an administrator (`config.not_allowed`), or a wrong value (see `validate`).
    """
    if not may_manage(session, workspace_id, user_id):
        raise SettingsError("config.not_allowed")
    clean = validate(values)
    before = get(session=session, workspace_id=workspace_id)
    changed = {
        name: {"from": old, "to": new}
        for (name, old), new in zip(asdict(before).items(), asdict(clean).values())
        if old != new
    }
    if not changed:
        return clean, {}
    workspace = session.get(Workspace, workspace_id)
    workspace.default_language = clean.default_language
    session.add(workspace)
    row = session.get(WorkspaceSettings, workspace_id) or WorkspaceSettings(workspace_id=workspace_id)
    for name, value in asdict(clean).items():
        if name != "default_language":
            setattr(row, name, value)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(
        session,
        CHANGED_ACTION,
        workspace_id=workspace_id,
        actor=actor or audit.Actor(user_id=user_id),
        target=("workspace", workspace_id),
        details={"changed": changed},
        ip=ip,
    )
    sealing.forget_policies()  # this process seals by the new policy at once; others within POLICY_TTL
    return clean, changed


def conversation_types(*, session: Session, workspace_id: int) -> list[str]:
    """The workspace's named conversation types."""
    row = session.get(WorkspaceSettings, workspace_id)
    return list(row.conversation_types or []) if row else []
