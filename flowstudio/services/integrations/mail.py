"""Outgoing e-mail: sign-in codes and notices, through the configured SMTP server.

`FLOWSTUDIO_SMTP_HOST` (+ `_PORT`, `_USER`, `_PASSWORD`, `_STARTTLS`, `_FROM`) names the server. Without
it (development: `make run` needs no mail server) each mail is written to the log and appended to
`<data dir>/mail/outbox.log`, where the code can be read. Texts come from the i18n catalogs in the
recipient's language.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import cache

from flowstudio.i18n import translate
from flowstudio.settings import get_settings

log = logging.getLogger("flowstudio.mail")


@cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process for STARTTLS: building one loads the CA bundle, milliseconds of CPU each."""
    return ssl.create_default_context()


class MailError(RuntimeError):
    """The SMTP server refused the message or could not be reached."""


@dataclass(frozen=True)
class Mail:
    """One plain-text message."""

    to: str
    subject: str
    body: str
    cc: tuple[str, ...] = ()


def outbox_path():
    """Where mails go when no SMTP server is configured."""
    return get_settings().data_dir / "mail" / "outbox.log"


def send(mail: Mail, *, timeout: float = 15.0) -> None:
    """Deliver `mail` through SMTP, or to the development outbox when no server is configured.

    Args:
        mail: The message.
        timeout: Seconds each step of the SMTP conversation (connect, each command) may take.

    Raises:
        MailError: the server could not be reached or refused the message.
    """
    settings = get_settings()
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = mail.to
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="flowstudio")
    message.set_content(mail.body)
    if not settings.smtp_host:
        path = outbox_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            cc = f"Cc: {message['Cc']}\n" if mail.cc else ""
            out.write(
                f"Date: {message['Date']}\nTo: {mail.to}\n{cc}Subject: {mail.subject}\n\n{mail.body}\n{'=' * 72}\n"
            )
        log.info("mail.outbox to=%s subject=%s file=%s", mail.to, mail.subject, path)
        return
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=_tls_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("mail.failed to=%s error=%s", mail.to, error)
        raise MailError(str(error)) from error
    log.info("mail.sent to=%s subject=%s", mail.to, mail.subject)


def sign_in_code(*, to: str, name: str, code: str, minutes: int, lang: str) -> Mail:
    """The e-mail that carries a sign-in code, in `lang`."""
    return Mail(
        to=to,
        subject=translate("mail.code_subject", lang, code=code),
        body=translate("mail.code_body", lang, name=name or to, code=code, minutes=minutes),
    )
