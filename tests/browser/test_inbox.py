"""A customer on the webchat asks for a human; the agent (the demo admin, online in the default queue) sees the
conversation arrive live in the inbox, answers, closes, and the bot is back; a supervisor watches the queue
monitor change. Then the same inbox on a phone-sized screen."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, log_in


def _context(browser: Browser, app_url: str, width: int = 1280, height: int = 800):
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=app_url, locale="pt-BR")
    context.set_default_timeout(30_000)
    return context


def _logged_in(browser: Browser, app_url: str, path: str, **size) -> Page:
    page = _context(browser, app_url, **size).new_page()
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/login"))
    log_in(page)
    expect(page).to_have_url(re.compile(re.escape(path) + r"/?$"))
    return page


def _say(page: Page, text: str) -> None:
    page.get_by_test_id("webchat-input").fill(text)
    page.get_by_test_id("webchat-send").click()


def _number(page: Page, testid: str) -> int:
    text = page.get_by_test_id(testid).inner_text().strip()
    assert text.isdigit(), f"{testid} shows {text!r}"
    return int(text)


def test_customer_agent_and_supervisor_live(browser: Browser, app_url: str) -> None:
    marker = uuid.uuid4().hex[:6]
    agent = _logged_in(browser, app_url, "/inbox")
    expect(agent.get_by_test_id("inbox")).to_be_visible()
    expect(agent.get_by_test_id("my-status")).to_contain_text("Online")
    supervisor = _logged_in(browser, app_url, "/inbox/monitor")
    expect(supervisor.get_by_test_id("monitor-queue").filter(has_text="Atendimento")).to_have_count(1)
    in_progress_before = _number(supervisor, "total-in-progress")

    customer = _context(browser, app_url).new_page()
    customer.goto("/webchat/demo")
    customer.get_by_test_id("webchat-launcher").click()
    _say(customer, "oi")
    customer.get_by_test_id("webchat-button").filter(has_text="Falar com atendente").click()
    expect(
        customer.get_by_test_id("webchat-bot").filter(has_text="Vou te passar para um dos nossos atendentes")
    ).to_have_count(1)
    _say(customer, f"Meu pedido {marker} atrasou <b>muito</b>")

    # the agent's inbox shows it without a reload: the demo queue gave it to the admin at once
    row = agent.get_by_test_id("inbox-row").filter(has_text=marker)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("row-unread")).to_be_visible()
    expect(supervisor.get_by_test_id("total-in-progress")).to_have_text(str(in_progress_before + 1))
    row.click()
    messages = agent.get_by_test_id("chat-messages")
    expect(messages.get_by_test_id("chat-contact").filter(has_text=marker)).to_have_count(1)
    expect(messages.get_by_test_id("chat-contact").filter(has_text=marker)).to_contain_text("<b>muito</b>")  # as text
    expect(messages.get_by_test_id("chat-bot").filter(has_text="Como posso ajudar?")).to_contain_text(
        "Falar com atendente"
    )  # the bot's buttons are shown
    expect(agent.get_by_test_id("chat-owner")).to_contain_text("Admin")

    # an empty message is refused with a visible reason
    agent.get_by_test_id("chat-send").click()
    expect(agent.get_by_test_id("inbox-error")).to_be_visible()

    agent.get_by_test_id("chat-input").fill(f"Olá! Vou verificar o pedido {marker} agora.")
    agent.get_by_test_id("chat-send").click()
    expect(agent.get_by_test_id("inbox-error")).to_have_count(0)
    expect(messages.get_by_test_id("chat-agent").filter(has_text="Vou verificar")).to_have_count(1)
    expect(customer.get_by_test_id("webchat-agent").filter(has_text=f"Vou verificar o pedido {marker}")).to_have_count(
        1
    )

    # the agent types again: the customer's widget shows "digitando…" until the message arrives
    typing = customer.get_by_test_id("webchat-typing")
    expect(typing).to_have_count(0)
    agent.get_by_test_id("chat-input").press_sequentially("Encontrei", delay=40)
    expect(typing).to_be_visible()
    customer.screenshot(path=ARTIFACTS / "webchat-agent-typing.png")
    agent.get_by_test_id("chat-input").press_sequentially(": sai em 10 minutos.", delay=20)
    agent.get_by_test_id("chat-send").click()
    expect(customer.get_by_test_id("webchat-agent").filter(has_text="sai em 10 minutos")).to_have_count(1)
    expect(typing).to_have_count(0)

    # the customer writes again: the bot stays silent and the agent sees it live in the open chat
    _say(customer, "obrigada, aguardo")
    expect(messages.get_by_test_id("chat-contact").filter(has_text="obrigada, aguardo")).to_have_count(1)

    agent.get_by_test_id("tag-input").fill("atraso")
    agent.get_by_test_id("tag-add").click()
    expect(agent.get_by_test_id("chat-tag").filter(has_text="atraso")).to_have_count(1)
    agent.screenshot(path=ARTIFACTS / "inbox-chat.png")
    supervisor.screenshot(path=ARTIFACTS / "monitor-in-progress.png", full_page=True)

    agent.get_by_test_id("chat-close").click()
    agent.get_by_test_id("close-confirm").click()
    expect(agent.get_by_test_id("chat-owner")).to_contain_text("Pizzaria Bella")  # back to the bot
    expect(supervisor.get_by_test_id("total-in-progress")).to_have_text(str(in_progress_before))

    _say(customer, "que horas vocês abrem?")  # the bot answers again
    expect(customer.get_by_test_id("webchat-bot").filter(has_text="Abrimos todos os dias")).to_have_count(1)
    expect(messages.get_by_test_id("chat-bot").filter(has_text="Abrimos todos os dias")).to_have_count(1)
    supervisor.screenshot(path=ARTIFACTS / "monitor-after-close.png", full_page=True)

    # search finds it by a message's text; a hostile search finds nothing and breaks nothing
    agent.get_by_test_id("view-all").click()
    search = agent.get_by_test_id("inbox-search")
    search.fill(marker)
    search.press("Enter")
    expect(agent.get_by_test_id("inbox-row")).to_have_count(1)
    expect(agent.get_by_test_id("inbox-row")).to_contain_text("atraso")
    search.fill("' OR '1'='1' --")
    search.press("Enter")
    expect(agent.get_by_test_id("inbox-empty")).to_be_visible()
    agent.get_by_test_id("inbox-filters-toggle").click()
    agent.get_by_test_id("filter-var-name").fill("x') OR 1=1 --")
    agent.get_by_test_id("filter-apply").click()
    expect(agent.get_by_test_id("inbox-empty")).to_be_visible()
    agent.get_by_test_id("filter-clear").click()
    expect(agent.get_by_test_id("inbox-row").filter(has_text="atraso")).to_have_count(1)
    expect(agent.get_by_test_id("filter-var-name")).to_have_value("")
    agent.screenshot(path=ARTIFACTS / "inbox-filters.png")

    # the same inbox on a phone: list first, the chat on its own, and back
    phone = _logged_in(browser, app_url, "/inbox", width=390, height=844)
    phone.get_by_test_id("view-all").click()
    phone_row = phone.get_by_test_id("inbox-row").filter(has_text="atraso")
    expect(phone_row).to_have_count(1)
    phone.screenshot(path=ARTIFACTS / "inbox-phone-list.png")
    phone_row.click()
    expect(phone.get_by_test_id("chat-back")).to_be_visible()
    expect(phone.get_by_test_id("inbox-list")).to_be_hidden()
    expect(phone.get_by_test_id("chat-messages").get_by_test_id("chat-contact").filter(has_text=marker)).to_have_count(
        1
    )
    phone.screenshot(path=ARTIFACTS / "inbox-phone-chat.png")
    phone.get_by_test_id("chat-back").click()
    expect(phone.get_by_test_id("inbox-list")).to_be_visible()
    for page in (agent, supervisor, customer, phone):
        page.context.close()


def _set_status(page: Page, label: str) -> None:
    page.get_by_test_id("my-status").click()
    page.get_by_role("option", name=label).click()
    expect(page.get_by_test_id("my-status")).to_contain_text(label)


def test_pick_from_the_line_and_no_unread_badge_on_the_open_chat(browser: Browser, app_url: str) -> None:
    marker = uuid.uuid4().hex[:6]
    agent = _logged_in(browser, app_url, "/inbox")
    _set_status(agent, "Ausente")  # away: the customer waits in line instead of being given to the agent
    customer = _context(browser, app_url).new_page()
    customer.goto("/webchat/demo")
    customer.get_by_test_id("webchat-launcher").click()
    _say(customer, "oi")
    customer.get_by_test_id("webchat-button").filter(has_text="Falar com atendente").click()
    _say(customer, f"Pedido {marker} veio errado")

    agent.get_by_test_id("view-queue").click()
    row = agent.get_by_test_id("inbox-row").filter(has_text=marker)
    expect(row).to_have_count(1)
    row.click()
    expect(agent.get_by_test_id("chat-readonly")).to_be_visible()
    agent.get_by_test_id("chat-pick").click()

    # picked: the agent is on "Mine", the conversation is listed there, and the chat stays open to answer
    expect(agent.get_by_test_id("chat-input")).to_be_visible()
    expect(agent.get_by_test_id("view-mine")).to_have_class(re.compile("rt-variant-solid"))
    expect(agent.get_by_test_id("inbox-row").filter(has_text=marker)).to_have_count(1)
    expect(agent.get_by_test_id("chat-owner")).to_contain_text("Admin")

    # the customer writes while the chat is open: the message shows, the open row never gets a badge
    _say(customer, f"{marker}: era de calabresa")
    expect(
        agent.get_by_test_id("chat-messages").get_by_test_id("chat-contact").filter(has_text="era de calabresa")
    ).to_have_count(1)
    agent.wait_for_timeout(3_500)  # two polls of the inbox
    expect(agent.get_by_test_id("inbox-row").filter(has_text=marker).get_by_test_id("row-unread")).to_have_count(0)

    agent.get_by_test_id("chat-close").click()
    agent.get_by_test_id("close-confirm").click()
    expect(agent.get_by_test_id("chat-owner")).to_contain_text("Pizzaria Bella")
    _set_status(agent, "Online")
    for page in (agent, customer):
        page.context.close()
