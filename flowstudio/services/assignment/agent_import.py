"""Adding agents from a CSV file: every row checked first, nothing stored unless all are good."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from flowstudio.models import (
    Membership,
    Role,
    User,
)
from flowstudio.services.assignment.agents import (
    EMAIL_PATTERN,
    AgentConflict,
    AgentError,
    add_agent,
    find_queues,
    parse_role,
)

CSV_COLUMNS = ("name", "email", "role", "queues")


@dataclass
class ImportReport:
    """What an agents CSV import did: nothing is stored unless every row is good.

    Attributes:
        added: e-mails added (empty when there were errors).
        problems: ``(line number, what is wrong)`` of each bad row (line 1 is the header).
        passwords: e-mail -> generated password of each new user account (shown once).
    """

    added: list[str] = field(default_factory=list)
    problems: list[tuple[int, tuple[AgentError, ...]]] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the file was imported."""
        return not self.problems

    def lines(self, lang: str) -> list[tuple[int, str]]:
        """``(line number, message)`` of each bad row, in `lang`."""
        return [(line, "; ".join(e.text(lang) for e in found)) for line, found in self.problems]

    @property
    def errors(self) -> list[tuple[int, str]]:
        """``(line number, message)`` of each bad row, in English (API, CLI, logs)."""
        return self.lines("en")


def import_csv(*, session: Session, workspace_id: int, content: str | bytes) -> ImportReport:
    """Add the agents of a CSV file with the columns ``name,email,role,queues`` (queues separated by ``;``
    or ``|``; role empty = agent).

    Every row is checked first; if any is bad the report lists each bad row and nothing is stored (the
    session is left as it was). Otherwise all are added in the caller's transaction.
    """
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return ImportReport(problems=[(0, (AgentError("errors.csv.not_utf8"),))])
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        return ImportReport(problems=[(1, (AgentError("errors.csv.empty"),))])
    missing = [c for c in ("name", "email") if c not in header]
    if missing:
        return ImportReport(
            problems=[
                (
                    1,
                    (
                        AgentError(
                            "errors.csv.missing_column", columns=", ".join(missing), expected=",".join(CSV_COLUMNS)
                        ),
                    ),
                )
            ]
        )
    reader.fieldnames = header
    rows = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        email = values.get("email", "").lower()
        problems: list[AgentError] = []
        if not values.get("name"):
            problems.append(AgentError("errors.csv.no_name"))
        if not EMAIL_PATTERN.match(email):
            problems.append(AgentError("errors.agent.bad_email", email=email))
        elif email in seen:
            problems.append(AgentError("errors.csv.duplicate", email=email, line=seen[email]))
        else:
            seen[email] = line
        try:
            parse_role(values.get("role") or Role.AGENT)
        except AgentError as error:
            problems.append(error)
        queues = [q for q in re.split(r"[;|]", values.get("queues", "")) if q.strip()]
        try:
            find_queues(session, workspace_id, queues)
        except AgentError as error:
            problems.append(error)
        user = session.exec(select(User.id).where(User.email == email)).first() if email else None
        if (
            user is not None
            and session.exec(
                select(Membership.id).where(Membership.workspace_id == workspace_id, Membership.user_id == user)
            ).first()
        ):
            problems.append(AgentConflict("errors.agent.already_member", email=email))
        if problems:
            report.problems.append((line, tuple(problems)))
        rows.append((values, queues))
    if report.problems:
        return report
    if not rows:
        return ImportReport(problems=[(2, (AgentError("errors.csv.no_agents"),))])
    with session.begin_nested():  # all or nothing, whatever else the caller's transaction holds
        for values, queues in rows:
            added = add_agent(
                session=session,
                workspace_id=workspace_id,
                name=values["name"],
                email=values["email"],
                role=values.get("role") or Role.AGENT,
                queues=queues,
            )
            report.added.append(values["email"].lower())
            if added.password:
                report.passwords[values["email"].lower()] = added.password
    return report
