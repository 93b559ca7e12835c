"""Security in the real app: stored XSS payloads from a webchat customer stay text in the widget and the
inbox (no dialog ever fires), the Content-Security-Policy breaks nothing (no violation in the console), the
IP rules page validates and refuses to lock its administrator out, and a member without the role lands on the
translated "not allowed" screen."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, expect

from tests.browser.conftest import ARTIFACTS, log_in

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    '"><svg onload=alert(3)>',
    "javascript:alert(4)",
]


class Watch:
    """Dialogs and CSP complaints of every page it is attached to."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.csp: list[str] = []

    def attach(self, page: Page) -> Page:
        def on_dialog(dialog: Dialog) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        def on_console(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
                self.csp.append(message.text)

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        return page


def _page(browser: Browser, app_url: str, watch: Watch) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=app_url, locale="pt-BR")
    context.set_default_timeout(30_000)
    return watch.attach(context.new_page())


def _logged_in(browser: Browser, app_url: str, path: str, watch: Watch, email: str = "", password: str = "") -> Page:
    page = _page(browser, app_url, watch)
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/login"))
    if email:
        page.get_by_test_id("login-email").fill(email)
        page.get_by_test_id("login-password").fill(password)
        page.get_by_test_id("login-submit").click()
    else:
        log_in(page)
    expect(page).not_to_have_url(re.compile(r"/login"))
    return page


def _say(page: Page, text: str) -> None:
    page.get_by_test_id("webchat-input").fill(text)
    page.get_by_test_id("webchat-send").click()


def _take_over(agent: Page) -> None:
    """Make the conversation the admin's: picked from the queue, or transferred from whoever got it (earlier
    tests leave other agents online)."""
    expect(agent.get_by_test_id("chat-owner")).to_be_visible()
    if agent.get_by_test_id("chat-input").count():
        return
    if agent.get_by_test_id("chat-pick").count():
        agent.get_by_test_id("chat-pick").click()
    else:
        agent.get_by_test_id("chat-transfer").click()
        agent.get_by_test_id("transfer-target").click()
        agent.get_by_role("option", name=re.compile(r"^Admin ·")).click()
        agent.get_by_test_id("transfer-confirm").click()
    expect(agent.get_by_test_id("chat-input")).to_be_visible()


def test_stored_xss_is_inert_in_the_widget_and_the_inbox(browser: Browser, app_url: str) -> None:
    watch, marker = Watch(), uuid.uuid4().hex[:6]
    agent = _logged_in(browser, app_url, "/inbox", watch)
    expect(agent.get_by_test_id("inbox")).to_be_visible()

    customer = _page(browser, app_url, watch)
    customer.goto("/webchat/demo")
    customer.get_by_test_id("webchat-launcher").click()
    _say(customer, "oi")
    customer.get_by_test_id("webchat-button").filter(has_text="Falar com atendente").click()
    expect(customer.get_by_test_id("webchat-bot").filter(has_text="Vou te passar")).to_have_count(1)
    for payload in PAYLOADS:
        _say(customer, f"{marker} {payload}")
    visitor = customer.get_by_test_id("webchat-visitor")
    for payload in PAYLOADS:
        expect(visitor.filter(has_text=payload)).to_have_count(1)  # shown literally

    agent.get_by_test_id("view-all").click()  # whoever it was assigned to (other tests leave agents online)
    row = agent.get_by_test_id("inbox-row").filter(has_text=marker)
    expect(row).to_have_count(1)
    row.click()
    messages = agent.get_by_test_id("chat-messages")
    for payload in PAYLOADS:
        expect(messages.get_by_test_id("chat-contact").filter(has_text=f"{marker} {payload}")).to_have_count(1)
    expect(messages.locator("img[src='x'], svg[onload], script")).to_have_count(0)
    _take_over(agent)
    agent.get_by_test_id("chat-input").fill(f"{marker} <img src=y onerror=alert(5)>")
    agent.get_by_test_id("chat-send").click()
    expect(customer.get_by_test_id("webchat-agent").filter(has_text="<img src=y onerror=alert(5)>")).to_have_count(1)
    agent.screenshot(path=ARTIFACTS / "security-inbox-xss.png")
    customer.screenshot(path=ARTIFACTS / "security-widget-xss.png")

    assert watch.dialogs == []
    assert watch.csp == []


def test_ip_rules_page_and_the_not_allowed_screen(browser: Browser, app_url: str) -> None:
    watch = Watch()
    admin = _logged_in(browser, app_url, "/settings/ip-rules", watch)
    expect(admin.get_by_test_id("ip-mine")).to_contain_text("127.0.0.1")
    admin.get_by_test_id("ip-block-network").fill("10.0.0.5/8")
    admin.get_by_test_id("ip-block-add").click()
    expect(admin.get_by_test_id("ip-block-error")).to_contain_text("10.0.0.5/8")
    admin.get_by_test_id("ip-block-network").fill("127.0.0.0/8")
    admin.get_by_test_id("ip-block-add").click()
    expect(admin.get_by_test_id("ip-block-error")).to_contain_text("127.0.0.1")  # would lock the admin out
    admin.get_by_test_id("ip-block-network").fill("192.0.2.0/24")
    admin.get_by_test_id("ip-block-note").fill("<script>alert(6)</script> bots")
    admin.get_by_test_id("ip-block-add").click()
    expect(admin.get_by_test_id("ip-rule-block")).to_contain_text("192.0.2.0/24")
    expect(admin.get_by_test_id("ip-rule-block")).to_contain_text("<script>alert(6)</script> bots")
    admin.get_by_test_id("ip-allow-network").fill("2001:db8::/32")
    admin.get_by_test_id("ip-allow-note").fill("VPN")
    admin.get_by_test_id("ip-allow-add").click()
    expect(admin.get_by_test_id("ip-rule-allow")).to_contain_text("2001:db8::/32")
    admin.screenshot(path=ARTIFACTS / "security-ip-rules.png", full_page=True)
    # the allow list would keep local agents out of the next step: empty it again, and the block list
    for kind in ("allow", "block"):
        admin.get_by_test_id(f"ip-rule-{kind}").get_by_test_id("ip-rule-remove").click()
        expect(admin.get_by_test_id(f"ip-rule-{kind}")).to_have_count(0)

    # a designer may build bots but not see the agents' page
    admin.goto("/agents")
    admin.get_by_test_id("agent-add").click()
    dialog = admin.get_by_role("dialog")
    email = f"designer-{uuid.uuid4().hex[:6]}@example.com"
    dialog.get_by_test_id("agent-form-name").fill("Dora Designer")
    dialog.get_by_test_id("agent-form-email").fill(email)
    dialog.get_by_test_id("agent-form-role").click()
    admin.get_by_role("option", name="Designer").click()
    dialog.get_by_test_id("agent-form-save").click()
    password = admin.get_by_test_id("new-password").inner_text()
    designer = _logged_in(browser, app_url, "/bots", watch, email=email, password=password)
    expect(designer.get_by_test_id("open-editor").first).to_be_visible()
    expect(designer.get_by_test_id("nav-agents")).to_have_count(0)  # the sidebar offers what the role opens
    designer.goto("/agents")
    expect(designer).to_have_url(re.compile(r"/not-allowed/?$"))
    expect(designer.get_by_test_id("not-allowed")).to_contain_text("Seu perfil não dá acesso")
    expect(designer.get_by_test_id("not-allowed")).to_contain_text("designer")
    designer.screenshot(path=ARTIFACTS / "security-not-allowed.png")
    assert watch.dialogs == [] and watch.csp == []
