"""Outgoing mail: a real SMTP server when configured, the development outbox otherwise."""

import pytest

from flowstudio.services.integrations import mail
from tests.conftest import use_env
from tests.support.mail import smtp_sink


def test_mail_goes_through_the_configured_smtp_server(monkeypatch: pytest.MonkeyPatch) -> None:
    with smtp_sink() as (sink, port):
        use_env(
            monkeypatch,
            FLOWSTUDIO_SMTP_HOST="127.0.0.1",
            FLOWSTUDIO_SMTP_PORT=str(port),
            FLOWSTUDIO_SMTP_STARTTLS="false",
            FLOWSTUDIO_SMTP_FROM="Loja <noreply@loja.example>",
        )
        mail.send(mail.sign_in_code(to="ana@example.com", name="Ana", code="123456", minutes=10, lang="es"))
        received = sink.wait_for("ana@example.com")
    assert received["From"] == "Loja <noreply@loja.example>"
    assert "123456" in received["Subject"]
    body = received.get_payload(decode=True).decode()
    assert "Ana" in body and "10 minutos" in body  # Spanish text


def test_texts_follow_the_recipients_language() -> None:
    texts = {
        lang: mail.sign_in_code(to="a@b.c", name="A", code="1", minutes=10, lang=lang).body
        for lang in ("pt-BR", "es", "en")
    }
    assert len(set(texts.values())) == 3


def test_without_smtp_mails_land_in_the_outbox_file(isolated_settings) -> None:
    mail.send(mail.Mail(to="dev@example.com", subject="Olá", body="código 654321"))
    outbox = mail.outbox_path()
    assert outbox.parent.parent == isolated_settings
    assert "654321" in outbox.read_text() and "dev@example.com" in outbox.read_text()


def test_an_unreachable_server_raises_a_mail_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.browser.server import free_port

    use_env(
        monkeypatch,
        FLOWSTUDIO_SMTP_HOST="127.0.0.1",
        FLOWSTUDIO_SMTP_PORT=str(free_port()),
        FLOWSTUDIO_SMTP_STARTTLS="false",
    )
    with pytest.raises(mail.MailError):
        mail.send(mail.Mail(to="x@example.com", subject="s", body="b"))
