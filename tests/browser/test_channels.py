"""An administrator creates a webchat channel on /channels and copies its script tag; configures a REST channel
whose secret stays write-only and tests its connection against a local receiver; creates an API token on
/settings/tokens, sees it once, and revokes it. Screenshots in pt-BR at desktop and phone sizes."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, open_logged_in
from tests.support.provider_fakes import provider_fakes


def _choose(page: Page, trigger: str, option: str) -> None:
    page.get_by_test_id(trigger).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_a_webchat_channel_is_created_and_its_script_tag_copied(page: Page, app_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    open_logged_in(page, "/channels")
    page.get_by_test_id("channel-new").click()
    page.get_by_test_id("channel-form-name").fill("Loja online")
    page.get_by_test_id("field-color").fill("#0f766e")
    page.get_by_test_id("field-title").fill("Loja")
    page.get_by_test_id("channel-save").click()
    card = page.get_by_test_id("channel-card").filter(has_text="Loja online")
    expect(card).to_be_visible()
    script = card.get_by_test_id("channel-script")
    expect(script).to_contain_text('data-color="#0f766e"')
    card.get_by_test_id("channel-script-copy").click()
    expect(page.get_by_text("Copiado para a área de transferência")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(
        rf'<script src="{re.escape(app_url)}/webchat/widget\.js" data-key="[\w-]+" '
        r'data-color="#0f766e" data-title="Loja" async></script>',
        copied,
    ), copied
    page.screenshot(path=ARTIFACTS / "channels-webchat.png", full_page=True)

    key = re.search(r'data-key="([\w-]+)"', copied).group(1)  # the widget's page works with the copied key
    assert httpx.get(f"{app_url}/webchat/demo?key={key}").status_code == 200


def test_a_rest_channel_keeps_its_secret_write_only_and_tests_its_webhook(page: Page) -> None:
    with provider_fakes() as fake:
        open_logged_in(page, "/channels")
        page.get_by_test_id("channel-new").click()
        _choose(page, "channel-kind", "API REST")
        page.get_by_test_id("channel-form-name").fill("App do cliente")
        page.get_by_test_id("field-webhook_url").fill(f"{fake.url}/hook")
        page.get_by_test_id("field-webhook_secret").fill("whsec-browser-1")
        page.get_by_test_id("channel-save").click()
        card = page.get_by_test_id("channel-card").filter(has_text="App do cliente")
        expect(card).to_be_visible()
        card.get_by_test_id("channel-test").click()
        expect(card.get_by_test_id("channel-test-result")).to_contain_text("respondeu ao ping assinado")
        assert fake.received and fake.received[-1][1] == "/hook"

        card.get_by_test_id("channel-edit").click()
        expect(page.get_by_test_id("secret-state")).to_have_text("definido")
        secret = page.get_by_test_id("field-webhook_secret")
        expect(secret).to_have_value("")  # never sent back to the browser
        assert "whsec-browser-1" not in page.content()
        page.get_by_test_id("channel-save").click()  # blank keeps the stored secret
        expect(page.get_by_role("dialog")).to_have_count(0)
        card.get_by_test_id("channel-disable").click()
        page.get_by_test_id("channel-confirm").click()
        expect(card.get_by_test_id("channel-status")).to_have_text("Desativado")


def test_an_api_token_is_shown_once_and_revoked(page: Page, app_url: str) -> None:
    open_logged_in(page, "/settings/tokens")
    page.get_by_test_id("token-name").fill("ERP")
    _choose(page, "token-role", "Supervisor")
    page.get_by_test_id("token-create").click()
    token = page.get_by_test_id("token-value").inner_text().strip()
    assert token.startswith("fst_")
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{app_url}/api/v1/bots", headers=headers).status_code == 200
    page.get_by_test_id("token-done").click()
    expect(page.get_by_test_id("token-value")).to_have_count(0)
    row = page.get_by_test_id("token-row").filter(has_text="ERP")
    expect(row).to_contain_text(token[:12])
    page.reload()
    expect(row.get_by_test_id("token-status")).to_have_text("Ativo")
    expect(row).not_to_contain_text("nunca")  # the call above is its last use
    page.screenshot(path=ARTIFACTS / "api-tokens.png", full_page=True)
    row.get_by_test_id("token-revoke").click()
    page.get_by_test_id("token-revoke-confirm").click()
    expect(row.get_by_test_id("token-status")).to_contain_text("Revogado")
    assert httpx.get(f"{app_url}/api/v1/bots", headers=headers).status_code == 401
