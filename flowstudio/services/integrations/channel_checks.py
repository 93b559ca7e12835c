""" "Test connection": one harmless call to the channel's provider, through the base URL the channel is
configured with, answered as an i18n key and its parameters.

- WhatsApp Cloud API: `GET {graph_base_url}/{api_version}/{phone_number_id}` with the access token, which
  answers the phone number object (`verified_name`, `display_phone_number`...), or an `error` object
  (`code` 190 for a bad or expired token). Meta's reference: Graph API, "WhatsApp Business Phone Number".
- Telegram Bot API: `getMe` (the bot's `username`), then `getWebhookInfo` (whether Telegram posts to this
  channel's webhook, and its `last_error_message`). Answers are `{"ok": true, "result": ...}` or
  `{"ok": false, "error_code": 401, "description": "Unauthorized"}` (core.telegram.org/bots/api#making-requests).
- REST: a signed `{"event": "ping"}` POSTed to the channel's `webhook_url`, signed like every message
  (`X-FlowStudio-Signature`); any 2xx is a success.

Webchat has nothing to reach: it is always "ready". Secrets never appear in a result (a Telegram URL holds
the bot token, so error texts are scrubbed of it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from flowstudio import http_pool
from flowstudio.i18n import translate
from flowstudio.models import Channel, ChannelKind
from flowstudio.services.integrations.channels import webhook_path
from flowstudio.services.integrations.signing import signed_headers

TIMEOUT_S = 10.0
GRAPH_BASE_URL = "https://graph.facebook.com"
GRAPH_VERSION = "v21.0"
TELEGRAM_BASE_URL = "https://api.telegram.org"


@dataclass(frozen=True)
class ConnectionResult:
    """The outcome of a test: `ok`, and what to tell the person (`key` with `params`)."""

    ok: bool
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The outcome in `lang`."""
        return translate(self.key, lang, **self.params)


def test_connection(channel: Channel, *, client: httpx.Client | None = None) -> ConnectionResult:
    """Call the channel's provider once and say whether the channel can work.

    Args:
        channel: The channel with its stored config and secrets.
        client: An HTTP client to use (tests); this process's pooled client of the provider otherwise.
    """
    probe = {ChannelKind.WHATSAPP: _whatsapp, ChannelKind.TELEGRAM: _telegram, ChannelKind.REST: _rest}.get(
        channel.kind
    )
    if probe is None:
        return ConnectionResult(True, "chanpage.test.webchat_ok")
    http = client or http_pool.client_for(_base_url(channel))
    try:
        return probe(channel, http)
    except httpx.TimeoutException:
        return ConnectionResult(False, "chanpage.test.timeout", {"seconds": int(TIMEOUT_S)})
    except httpx.HTTPError as error:
        return ConnectionResult(False, "chanpage.test.unreachable", {"reason": _scrub(str(error), channel)})


def _base_url(channel: Channel) -> str:
    """Where the channel's provider is (the origin of every call its probe makes)."""
    if channel.kind == ChannelKind.WHATSAPP:
        return str(channel.config.get("graph_base_url") or GRAPH_BASE_URL)
    if channel.kind == ChannelKind.TELEGRAM:
        return str(channel.config.get("api_base_url") or TELEGRAM_BASE_URL)
    return str(channel.config.get("webhook_url") or "")


test_connection.__test__ = False  # not a pytest test, despite its name


def _scrub(text: str, channel: Channel) -> str:
    for value in channel.secrets.values():
        if value:
            text = text.replace(str(value), "***")
    return text[:300]


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (json.JSONDecodeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def _whatsapp(channel: Channel, http: httpx.Client) -> ConnectionResult:
    config = channel.config
    base = str(config.get("graph_base_url") or GRAPH_BASE_URL).rstrip("/")
    url = f"{base}/{config.get('api_version') or GRAPH_VERSION}/{config.get('phone_number_id')}"
    response = http.get(
        url,
        params={"fields": "verified_name,display_phone_number,quality_rating"},
        headers={"Authorization": f"Bearer {channel.secrets.get('access_token', '')}"},
        timeout=TIMEOUT_S,
    )
    body = _json(response)
    if response.is_success and body.get("id"):
        return ConnectionResult(
            True,
            "chanpage.test.whatsapp_ok",
            {"name": body.get("verified_name") or "?", "number": body.get("display_phone_number") or "?"},
        )
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    if response.status_code == 401 or error.get("code") == 190:
        return ConnectionResult(False, "chanpage.test.bad_token")
    reason = error.get("message") or response.text[:200] or response.reason_phrase
    return ConnectionResult(
        False, "chanpage.test.refused", {"status": response.status_code, "reason": _scrub(str(reason), channel)}
    )


def _telegram(channel: Channel, http: httpx.Client) -> ConnectionResult:
    base = str(channel.config.get("api_base_url") or TELEGRAM_BASE_URL).rstrip("/")
    api = f"{base}/bot{channel.secrets.get('bot_token', '')}"
    response = http.get(f"{api}/getMe", timeout=TIMEOUT_S)
    body = _json(response)
    if not (response.is_success and body.get("ok")):
        if response.status_code in (401, 404) or body.get("error_code") in (401, 404):
            return ConnectionResult(False, "chanpage.test.bad_token")
        reason = body.get("description") or response.reason_phrase
        return ConnectionResult(
            False, "chanpage.test.refused", {"status": response.status_code, "reason": _scrub(str(reason), channel)}
        )
    username = (body.get("result") or {}).get("username") or "?"
    info = _json(http.get(f"{api}/getWebhookInfo", timeout=TIMEOUT_S)).get("result") or {}
    hook = str(info.get("url") or "")
    if not hook:
        return ConnectionResult(True, "chanpage.test.telegram_no_webhook", {"username": username})
    if not hook.split("?")[0].endswith(webhook_path(channel)):
        return ConnectionResult(True, "chanpage.test.telegram_other_webhook", {"username": username, "url": hook})
    if info.get("last_error_message"):
        return ConnectionResult(
            True,
            "chanpage.test.telegram_webhook_error",
            {"username": username, "reason": str(info["last_error_message"])[:200]},
        )
    return ConnectionResult(True, "chanpage.test.telegram_ok", {"username": username})


def _rest(channel: Channel, http: httpx.Client) -> ConnectionResult:
    body = json.dumps(
        {"event": "ping", "channel_id": channel.id, "sent_at": datetime.now(UTC).isoformat(timespec="seconds")}
    ).encode()
    headers = {
        "Content-Type": "application/json",
        **signed_headers(str(channel.secrets.get("webhook_secret", "")), body),
    }
    response = http.post(str(channel.config.get("webhook_url")), content=body, headers=headers, timeout=TIMEOUT_S)
    if response.is_success:
        return ConnectionResult(True, "chanpage.test.rest_ok", {"status": response.status_code})
    return ConnectionResult(
        False,
        "chanpage.test.refused",
        {"status": response.status_code, "reason": _scrub(response.text[:200] or response.reason_phrase, channel)},
    )
