"""The engine's e-mail port in the app: a flow's *Send e-mail* block goes out through `flowstudio.services.integrations.mail`.

Production sends through the configured SMTP server (`FLOWSTUDIO_SMTP_HOST`), or appends to the development
outbox without one, synchronously and inside the turn: the block's `error` exit depends on the outcome, so
the mail cannot be handed to a queue and reported as sent. The SMTP conversation gets a short timeout
(`FLOW_MAIL_TIMEOUT_S` per step) so a slow server delays one turn by seconds, never by minutes. The studio's
emulator uses `PreviewMail`: the same checks, and the mail is shown to the designer instead of sent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from flowstudio.errors import Invalid
from flowstudio.services.integrations import mail

log = logging.getLogger("flowstudio.flow.email")

FLOW_MAIL_TIMEOUT_S = 5.0
"""Seconds each step of the SMTP conversation may take while a turn waits for it."""
MAX_RECIPIENTS = 10
"""Addresses one block may send to (`to` and `cc` together), so a bot cannot be used to mail a crowd."""
MAX_SUBJECT = 200
_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+\.[^@\s<>()\[\],;:\"\\.]+")


class InvalidRecipient(Invalid):
    """An address the block renders is not an e-mail address (the message is for the designer)."""


@dataclass(frozen=True)
class FlowMail:
    """One mail a flow asks for, checked: addresses split and validated, the subject on one line."""

    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    body: str


def addresses(text: str) -> list[str]:
    """The addresses in `text`, separated by commas or semicolons (blank parts ignored).

    Raises:
        InvalidRecipient: a part is not an e-mail address.
    """
    found = [part.strip() for part in re.split(r"[,;]", text or "") if part.strip()]
    for address in found:
        if not _ADDRESS.fullmatch(address):
            raise InvalidRecipient("errors.mail.bad_address", address=address)
    return found


def prepare(*, to: str, subject: str, body: str, cc: Sequence[str] = ()) -> FlowMail:
    """The mail the block asked for, as it will be sent.

    Raises:
        InvalidRecipient: no recipient, a bad address, or more than `MAX_RECIPIENTS`.
    """
    recipients = addresses(to)
    copies = [address for item in cc for address in addresses(item)]
    if not recipients:
        raise InvalidRecipient("errors.mail.no_recipient")
    if len(recipients) + len(copies) > MAX_RECIPIENTS:
        raise InvalidRecipient("errors.mail.too_many", max=MAX_RECIPIENTS)
    line = " ".join((subject or "").split())[:MAX_SUBJECT]  # a variable's line break must not end the header
    return FlowMail(to=tuple(recipients), cc=tuple(copies), subject=line, body=body or "")


class MailPort:
    """The production `EmailSender`: SMTP when configured, else the development outbox.

    Args:
        bot_id: The bot whose flow sends (logged with each mail).
        timeout: Seconds each SMTP step may take.
    """

    def __init__(self, *, bot_id: int | None = None, timeout: float = FLOW_MAIL_TIMEOUT_S) -> None:
        self._bot_id, self._timeout = bot_id, timeout

    def send(self, *, to: str, subject: str, body: str, cc: Sequence[str] = ()) -> None:
        """Send one mail now.

        Raises:
            InvalidRecipient: a bad address (nothing is sent).
            mail.MailError: the server could not be reached in time or refused the mail.
        """
        checked = prepare(to=to, subject=subject, body=body, cc=cc)
        mail.send(
            mail.Mail(to=", ".join(checked.to), subject=checked.subject, body=checked.body, cc=checked.cc),
            timeout=self._timeout,
        )
        log.info("flow.email.sent bot_id=%s recipients=%d", self._bot_id, len(checked.to) + len(checked.cc))


@dataclass
class PreviewMail:
    """The emulator's `EmailSender`: checks like `MailPort` and keeps each mail in `sent`; sends nothing."""

    sent: list[FlowMail] = field(default_factory=list)

    def send(self, *, to: str, subject: str, body: str, cc: Sequence[str] = ()) -> None:
        """Record the mail the flow would send.

        Raises:
            InvalidRecipient: a bad address, as in production.
        """
        self.sent.append(prepare(to=to, subject=subject, body=body, cc=cc))
