"""The *Send e-mail* block in the running app: a published bot mails through the configured SMTP server (or the
development outbox), and takes its error exit when the mail cannot go."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from flow_runtime.testing.builders import make_doc
from flowstudio.models import FlowVersion, FlowVersionStatus, Message
from flowstudio.services.conversations.inbound import InboundEvent, handle_inbound
from flowstudio.services.conversations.mail_port import InvalidRecipient, PreviewMail, prepare
from flowstudio.services.integrations import mail
from flowstudio.services.integrations.channels import create_channel
from tests.browser.server import free_port
from tests.conftest import use_env
from tests.support.factories import make_bot, make_workspace
from tests.support.mail import smtp_sink


def _mailing_bot(session: Session, *, to: str = "loja@example.com", cc: list[str] | None = None) -> int:
    """A published bot that mails what the customer wrote, then says whether it went; returns a channel id."""
    workspace = make_workspace(session)
    bot = make_bot(session, workspace=workspace, is_default=True)
    document = make_doc(
        [
            {"id": "start", "kind": "start"},
            {
                "id": "mail",
                "kind": "send_email",
                "to": to,
                "cc": cc or [],
                "subject": "Novo pedido:\n${last_message}",
                "body": "O cliente escreveu: ${last_message}",
            },
            {"id": "sent", "kind": "message", "text": "Pedido enviado por e-mail."},
            {"id": "failed", "kind": "message", "text": "Não consegui enviar o e-mail."},
        ],
        [("start", "mail"), ("mail", "next", "sent"), ("mail", "error", "failed")],
    )
    session.add(FlowVersion(bot_id=bot.id, status=FlowVersionStatus.PUBLISHED, number=1, document=document))
    channel = create_channel(session=session, workspace_id=workspace.id, kind="webchat", name="Site", bot_id=bot.id)
    session.commit()
    return channel.id


def _say(session: Session, channel_id: int, text: str) -> list[str]:
    """The customer writes `text` (through the whole inbound path); every text of the conversation after it."""
    result = handle_inbound(
        InboundEvent(channel_id=channel_id, external_user_id="v1", external_message_id=text, kind="text", text=text)
    )
    session.expire_all()
    return [
        m.text
        for m in session.exec(
            select(Message).where(Message.conversation_id == result.conversation_id).order_by(Message.id)
        )
    ]


def test_a_published_bot_mails_through_the_configured_smtp_server(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_sink() as (sink, port):
        use_env(
            monkeypatch,
            FLOWSTUDIO_SMTP_HOST="127.0.0.1",
            FLOWSTUDIO_SMTP_PORT=str(port),
            FLOWSTUDIO_SMTP_STARTTLS="false",
            FLOWSTUDIO_SMTP_FROM="Loja <noreply@loja.example>",
        )
        channel_id = _mailing_bot(session, cc=["gerente@example.com"])
        texts = _say(session, channel_id, "2 pizzas grandes")
        received = sink.wait_for("loja@example.com")
    assert texts == ["2 pizzas grandes", "Pedido enviado por e-mail."]
    assert received["From"] == "Loja <noreply@loja.example>"
    assert received["Cc"] == "gerente@example.com"
    assert received["Subject"] == "Novo pedido: 2 pizzas grandes"  # the variable's line break stays out of headers
    assert received.get_payload(decode=True).decode().strip() == "O cliente escreveu: 2 pizzas grandes"


def test_without_smtp_the_mail_lands_in_the_development_outbox(session: Session) -> None:
    channel_id = _mailing_bot(session)
    texts = _say(session, channel_id, "quero um orçamento")
    assert texts[-1] == "Pedido enviado por e-mail."
    outbox = mail.outbox_path().read_text()
    assert "To: loja@example.com" in outbox and "O cliente escreveu: quero um orçamento" in outbox


def test_an_unreachable_server_takes_the_error_exit_quickly(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    use_env(
        monkeypatch,
        FLOWSTUDIO_SMTP_HOST="127.0.0.1",
        FLOWSTUDIO_SMTP_PORT=str(free_port()),
        FLOWSTUDIO_SMTP_STARTTLS="false",
    )
    channel_id = _mailing_bot(session)
    started = time.monotonic()
    texts = _say(session, channel_id, "oi")
    assert texts[-1] == "Não consegui enviar o e-mail."
    assert time.monotonic() - started < 10


def test_a_bad_address_takes_the_error_exit_and_sends_nothing(session: Session) -> None:
    channel_id = _mailing_bot(session, to="loja@example.com\nBcc: todos@example.com")
    assert _say(session, channel_id, "oi")[-1] == "Não consegui enviar o e-mail."
    assert not mail.outbox_path().exists()


@pytest.mark.parametrize(
    ("to", "cc"),
    [
        ("", []),
        ("não é e-mail", []),
        ("a@b.co, <x>@y.z", []),
        ("a@example.com", [f"c{n}@example.com" for n in range(10)]),
    ],
)
def test_bad_recipients_are_refused_before_sending(to: str, cc: list[str]) -> None:
    with pytest.raises(InvalidRecipient):
        prepare(to=to, subject="s", body="b", cc=cc)


def test_the_emulator_previews_the_mail_without_sending(isolated_settings) -> None:
    preview = PreviewMail()
    preview.send(to="ana@example.com; bia@example.com", subject="Olá", body="corpo")
    assert preview.sent[0].to == ("ana@example.com", "bia@example.com")
    assert not mail.outbox_path().exists()


def test_the_emulator_runs_the_block_with_a_preview_and_sends_nothing(isolated_settings) -> None:
    from flow_runtime.engine import step
    from flow_runtime.session import Event, new_session
    from flow_runtime.testing.builders import make_flow
    from flowstudio.pages.editor.emulator import _ports

    nodes = [
        {"id": "start", "kind": "start"},
        {"id": "mail", "kind": "send_email", "to": "loja@example.com", "subject": "Pedido", "body": "oi"},
        {"id": "sent", "kind": "message", "text": "ok"},
        {"id": "failed", "kind": "message", "text": "falhou"},
    ]
    document = make_doc(nodes, [("start", "mail"), ("mail", "next", "sent"), ("mail", "error", "failed")])
    mails = PreviewMail()
    result = step(
        make_flow(nodes, [("start", "mail"), ("mail", "next", "sent"), ("mail", "error", "failed")]),
        new_session(id="emulator", language="pt", channel="emulator"),
        Event.message("oi"),
        _ports(document, None, mails),
    )
    assert [o.get("text") for o in result.outputs if o.get("type") == "text"] == ["ok"]
    assert mails.sent[0].to == ("loja@example.com",) and not mail.outbox_path().exists()
