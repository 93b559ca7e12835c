"""The channels page's services: create and update with write-only secrets, audited; the webchat's script
tag; "Test connection" against local fakes of the providers' documented answers (`tests/support/provider_fakes.py`)."""

from __future__ import annotations

import json
import socket

import pytest
from sqlmodel import Session, select

from flowstudio.i18n import LANGUAGES, catalog
from flowstudio.models import AuditEntry, ChannelKind
from flowstudio.services.integrations import channels
from flowstudio.services.integrations.channel_checks import test_connection as probe
from flowstudio.services.integrations.signing import signature_ok
from tests.support.factories import make_bot, make_user, make_workspace
from tests.support.provider_fakes import TG_TOKEN, WA_PHONE_ID, WA_TOKEN, provider_fakes

WA_SECRETS = {"access_token": WA_TOKEN, "app_secret": "app-secret-1", "verify_token": "verify-1"}


def _whatsapp(session: Session, workspace_id: int, base: str, **secrets: str):
    return channels.create_channel(
        session=session,
        workspace_id=workspace_id,
        kind="whatsapp",
        name="WA",
        config={"phone_number_id": WA_PHONE_ID, "graph_base_url": f"{base}/graph"},
        secrets={**WA_SECRETS, **secrets},
    )


def test_secrets_are_write_only_and_replaced_only_when_typed(session: Session) -> None:
    workspace = make_workspace(session)
    user = make_user(session, workspace=workspace)
    channel = _whatsapp(session, workspace.id, "https://graph.example.com")
    view = channels.public_view(channel)
    assert view["secrets_set"] == ["access_token", "app_secret", "verify_token"]
    assert not {WA_TOKEN, "app-secret-1", "verify-1"} & set(json.dumps(view).split('"'))
    channels.update_channel(
        session=session,
        channel=channel,
        name="WhatsApp vendas",
        config={"phone_number_id": "999", "api_version": ""},
        secrets={"access_token": "new-token"},
        actor=user,
    )
    assert channel.secrets == {**WA_SECRETS, "access_token": "new-token"}  # the others kept
    assert channel.config["phone_number_id"] == "999" and channel.name == "WhatsApp vendas"
    with pytest.raises(channels.ChannelError) as refused:
        channels.update_channel(session=session, channel=channel, secrets={"app_secret": ""})
    assert refused.value.key == "chanpage.error.missing" and "secrets.app_secret" in str(refused.value)
    entries = session.exec(
        select(AuditEntry).where(AuditEntry.action.startswith("channel.")).order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["channel.created", "channel.changed"]
    assert entries[1].details["secrets_replaced"] == ["access_token"] and entries[1].actor_email == user.email
    assert "new-token" not in json.dumps([e.details for e in entries]) and WA_TOKEN not in json.dumps(
        [e.details for e in entries]
    )


def test_each_kind_needs_its_settings_and_the_errors_are_translated(session: Session) -> None:
    workspace = make_workspace(session)
    with pytest.raises(channels.ChannelError) as missing:
        channels.create_channel(
            session=session,
            workspace_id=workspace.id,
            kind="rest",
            name="App",
            config={"webhook_url": ""},
            secrets={"webhook_secret": "x"},
        )
    assert "config.webhook_url" in missing.value.text("pt-BR") and missing.value.text("pt-BR").startswith("um canal")
    with pytest.raises(channels.ChannelError, match="colour"):
        channels.create_channel(
            session=session,
            workspace_id=workspace.id,
            kind="webchat",
            name="Site",
            config={"color": "red;background:url(x)"},
        )
    other = make_bot(session, workspace=make_workspace(session))
    with pytest.raises(channels.ChannelNotFound):
        channels.create_channel(
            session=session, workspace_id=workspace.id, kind="webchat", name="Site", bot_id=other.id
        )
    for kind, settings in channels.SETTINGS.items():
        for setting in settings:
            assert all(f"chanpage.field.{setting.name}" in catalog(lang) for lang in LANGUAGES), setting.name
        assert {s.name for s in settings if s.secret and s.required} == set(channels.REQUIRED_SECRETS.get(kind, ()))


def test_webchat_script_tag_carries_the_key_and_look_escaped(session: Session) -> None:
    workspace = make_workspace(session)
    site = channels.create_channel(
        session=session,
        workspace_id=workspace.id,
        kind="webchat",
        name="Site",
        config={"color": "#9a3412", "title": 'Bella "Pizza"', "position": "left"},
    )
    tag = channels.script_tag(site, "https://chat.example.com/")
    assert tag == (
        f'<script src="https://chat.example.com/webchat/widget.js" data-key="{site.key}" '
        'data-color="#9a3412" data-title="Bella &quot;Pizza&quot;" data-position="left" async></script>'
    )
    assert channels.webhook_path(site) == ""
    channels.update_channel(session=session, channel=site, is_active=False)
    assert site.is_active is False
    channels.delete_channel(session=session, channel=site)
    assert channels.list_channels(session=session, workspace_id=workspace.id) == []


def test_whatsapp_connection_reads_the_phone_number_object(session: Session) -> None:
    workspace = make_workspace(session)
    with provider_fakes() as fake:
        channel = _whatsapp(session, workspace.id, fake.url)
        result = probe(channel)
        assert result.ok and result.key == "chanpage.test.whatsapp_ok"
        assert result.text("pt-BR") == "Conectado ao WhatsApp: Pizzaria Bella (+55 11 4000-1234)."
        method, path, headers, _ = fake.received[-1]
        assert method == "GET" and path.startswith(f"/graph/v21.0/{WA_PHONE_ID}?fields=")
        channels.update_channel(session=session, channel=channel, secrets={"access_token": "expired"})
        refused = probe(channel)
        assert not refused.ok and refused.key == "chanpage.test.bad_token"
        channels.update_channel(
            session=session, channel=channel, secrets={"access_token": WA_TOKEN}, config={"phone_number_id": "000"}
        )
        wrong = probe(channel)
        assert not wrong.ok and wrong.params["status"] == 400 and "does not exist" in wrong.params["reason"]


def test_telegram_connection_says_who_the_bot_is_and_where_its_webhook_points(session: Session) -> None:
    workspace = make_workspace(session)
    with provider_fakes() as fake:
        channel = channels.create_channel(
            session=session,
            workspace_id=workspace.id,
            kind="telegram",
            name="TG",
            config={"api_base_url": f"{fake.url}/tg"},
            secrets={"bot_token": TG_TOKEN, "webhook_secret": "s3cr3t"},
        )
        assert probe(channel).key == "chanpage.test.telegram_no_webhook"
        fake.webhook_url = f"https://chat.example.com/webhooks/telegram/{channel.key}"
        ok = probe(channel)
        assert ok.ok and ok.key == "chanpage.test.telegram_ok" and ok.params == {"username": "bella_pizza_bot"}
        fake.webhook_error = "Wrong response from the webhook: 502 Bad Gateway"
        assert "502" in probe(channel).text("es")
        fake.webhook_url = "https://elsewhere.example.com/hook"
        assert probe(channel).key == "chanpage.test.telegram_other_webhook"
        channels.update_channel(session=session, channel=channel, secrets={"bot_token": "999:WRONG"})
        bad = probe(channel)
        assert not bad.ok and bad.key == "chanpage.test.bad_token" and "WRONG" not in json.dumps(bad.params)


def test_rest_connection_posts_a_signed_ping(session: Session) -> None:
    workspace = make_workspace(session)
    with provider_fakes() as fake:
        channel = channels.create_channel(
            session=session,
            workspace_id=workspace.id,
            kind="rest",
            name="App",
            config={"webhook_url": f"{fake.url}/hook"},
            secrets={"webhook_secret": "whsec-1"},
        )
        assert probe(channel).key == "chanpage.test.rest_ok"
        _, path, headers, raw = fake.received[-1]
        assert path == "/hook" and json.loads(raw)["event"] == "ping"
        assert signature_ok("whsec-1", headers["x-flowstudio-timestamp"], raw, headers["x-flowstudio-signature"])
        fake.rest_status = 403
        refused = probe(channel)
        assert not refused.ok and refused.params["status"] == 403


def test_an_unreachable_provider_is_said_without_the_secret(session: Session) -> None:
    workspace = make_workspace(session)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    channel = channels.create_channel(
        session=session,
        workspace_id=workspace.id,
        kind="telegram",
        name="TG",
        config={"api_base_url": f"http://127.0.0.1:{port}"},
        secrets={"bot_token": TG_TOKEN, "webhook_secret": "s"},
    )
    result = probe(channel)
    assert not result.ok and result.key == "chanpage.test.unreachable" and TG_TOKEN not in result.params["reason"]
    webchat = channels.create_channel(session=session, workspace_id=workspace.id, kind="webchat", name="Site")
    assert probe(webchat).ok and webchat.kind == ChannelKind.WEBCHAT


def test_a_url_setting_must_be_http(session: Session) -> None:
    workspace = make_workspace(session)
    with pytest.raises(channels.ChannelError) as refused:
        channels.create_channel(
            session=session,
            workspace_id=workspace.id,
            kind="rest",
            name="App",
            config={"webhook_url": "ftp://x.example/h"},
            secrets={"webhook_secret": "s"},
        )
    assert str(refused.value) == "config.webhook_url must be an http:// or https:// URL, not 'ftp://x.example/h'"
    assert refused.value.text("es").startswith("config.webhook_url debe ser")
