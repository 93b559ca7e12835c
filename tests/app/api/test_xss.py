"""Stored XSS payloads stay data: the inbox gets plain strings and no script URLs, the API answers JSON, the
webchat widget writes text with textContent and only follows http(s) links, the demo page escapes its key.
(tests/browser/test_security.py shows the same payloads inert in a real browser.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from flowstudio.api import create_api
from flowstudio.models import Message, Role
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.inbox import rendering
from tests.conftest import PROJECT_ROOT
from tests.support.factories import make_bot, make_conversation, make_user, make_workspace

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}",
]
WIDGET = (PROJECT_ROOT / "assets" / "webchat.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_inbox_messages_are_plain_strings_and_never_script_urls(payload: str) -> None:
    now = datetime(2026, 1, 2, tzinfo=UTC)
    text = rendering.render_message(
        Message(
            id=1,
            conversation_id=1,
            direction="inbound",
            sender_type="contact",
            kind="text",
            text=payload,
            payload={"type": "text", "text": payload},
            created_at=now,
        ),
        ZoneInfo("UTC"),
        now,
    )
    assert text["text"] == payload and text["image_url"] == text["file_url"] == ""
    for media_type in ("image", "document"):
        media = rendering.render_message(
            Message(
                id=2,
                conversation_id=1,
                direction="inbound",
                sender_type="contact",
                kind="media",
                text="",
                created_at=now,
                payload={"type": "media", "media_type": media_type, "url": "javascript:alert(1)", "filename": payload},
            ),
            ZoneInfo("UTC"),
            now,
        )
        assert not media["image_url"].startswith("javascript") and not media["file_url"].startswith("javascript")


def test_the_api_returns_stored_payloads_as_json_data(session: Session) -> None:
    workspace = make_workspace(session)
    make_user(session, workspace=workspace, role=Role.ADMIN)
    conversation = make_conversation(session, workspace=workspace, bot=make_bot(session, workspace=workspace))
    token = create_token(session=session, workspace_id=workspace.id, name="t")
    session.commit()
    client = TestClient(create_api())
    headers = {"Authorization": f"Bearer {token}"}
    patched = client.patch(
        f"/api/v1/contacts/{conversation.contact_id}",
        headers=headers,
        json={"name": PAYLOADS[0], "variables": {"bio": PAYLOADS[3]}, "add_tags": [PAYLOADS[1]]},
    )
    assert patched.status_code == 200 and patched.headers["content-type"] == "application/json"
    assert patched.json()["name"] == PAYLOADS[0] and patched.json()["variables"]["bio"] == PAYLOADS[3]
    assert patched.headers["x-content-type-options"] == "nosniff"


def test_the_widget_writes_text_never_html() -> None:
    # one innerHTML: the widget's own static template; everything from messages goes through textContent
    assert WIDGET.count("innerHTML") == 1
    template = WIDGET[WIDGET.index("root.innerHTML") : WIDGET.index("var $ = function")]
    assert "opts.title" not in template and "m.text" not in template
    assert "node.textContent = text" in WIDGET and '.head").textContent = opts.title' in WIDGET
    # links and images from messages pass safeUrl (http/https only); the colour must be a plain CSS colour
    assert re.search(r"link\.href = url", WIDGET) and "img.src = safeUrl(c.image)" in WIDGET
    assert 'parsed.protocol === "https:" || parsed.protocol === "http:"' in WIDGET
    assert "/^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/.test(colour)" in WIDGET


def test_the_webchat_demo_page_escapes_its_key() -> None:
    page = TestClient(create_api()).get("/webchat/demo", params={"key": '"><script>alert(1)</script>'})
    assert page.status_code == 200 and "<script>alert" not in page.text and "scriptalert1script" in page.text
