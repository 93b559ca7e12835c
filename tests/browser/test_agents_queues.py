"""The agents and queues pages: adding an agent (password shown once), a bad CSV refused line by line with nothing
imported, and a queue's strategy and business hours edited."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, open_logged_in


def _open(page: Page, route: str) -> None:
    open_logged_in(page, route)


def _row(page: Page, email: str):
    return page.locator(f'[data-testid="agent-row"][data-email="{email}"]')


def test_adding_an_agent_and_a_bad_csv_shows_its_line_errors(page: Page, tmp_path, browser, app_url) -> None:
    _open(page, "/agents")
    expect(_row(page, "admin@flowstudio.local")).to_contain_text("Administrador")

    page.get_by_test_id("agent-add").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("agent-form-name").fill("Carla Souza")
    dialog.get_by_test_id("agent-form-email").fill("carla.souza")
    dialog.get_by_test_id("agent-form-save").click()
    expect(dialog.get_by_test_id("agent-form-error")).to_contain_text("não é um endereço de e-mail")
    dialog.get_by_test_id("agent-form-email").fill("Carla.Souza@Example.com")
    dialog.get_by_test_id("agent-form-role").click()
    page.get_by_role("option", name="Supervisor").click()
    dialog.get_by_test_id("agent-form-capacity").fill("4")
    dialog.get_by_role("checkbox", name="Atendimento").click()  # no queue is ticked for the admin any more
    dialog.get_by_test_id("agent-form-save").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    row = _row(page, "carla.souza@example.com")
    expect(row).to_contain_text("Carla Souza")
    expect(row).to_contain_text("Supervisor")
    expect(row).to_contain_text("0 / 4")
    expect(row).to_contain_text("Atendimento")
    expect(page.get_by_test_id("new-password")).to_have_count(1)
    expect(page.get_by_test_id("agent-passwords")).to_contain_text("carla.souza@example.com")

    # status and capacity inline
    row.get_by_test_id("agent-status").click()
    page.get_by_role("option", name="Online").click()
    row.get_by_test_id("agent-capacity").fill("6")
    row.get_by_test_id("agent-capacity").press("Tab")
    expect(row).to_contain_text("0 / 6")
    page.screenshot(path=ARTIFACTS / "agents-added.png", full_page=True)
    page.get_by_test_id("passwords-noted").click()
    expect(page.get_by_test_id("new-password")).to_have_count(0)
    page.reload()
    expect(_row(page, "carla.souza@example.com").get_by_test_id("agent-status")).to_have_text("Online")
    # back offline: an online Carla in Atendimento would take the hand-offs later browser tests expect in line
    _row(page, "carla.souza@example.com").get_by_test_id("agent-status").click()
    page.get_by_role("option", name="Offline").click()
    expect(_row(page, "carla.souza@example.com").get_by_test_id("agent-status")).to_have_text("Offline")

    bad = tmp_path / "agents.csv"
    bad.write_text(
        "name,email,role,queues\n"
        "Diego Lima,diego@example.com,agent,Atendimento\n"
        "Eva,eva-at-example.com,agent,\n"
        "Fábio,fabio@example.com,chef,Cozinha\n",
        encoding="utf-8",
    )
    page.locator("#agents-import input[type=file]").set_input_files(str(bad))
    errors = page.get_by_test_id("import-error")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("Linha 3")
    expect(errors.nth(0)).to_contain_text("“eva-at-example.com” não é um endereço de e-mail")
    expect(errors.nth(1)).to_contain_text("Linha 4")
    expect(errors.nth(1)).to_contain_text("o papel deve ser um destes")
    expect(errors.nth(1)).to_contain_text("fila desconhecida: Cozinha")
    expect(_row(page, "diego@example.com")).to_have_count(0)  # the good line was not imported either
    page.screenshot(path=ARTIFACTS / "agents-csv-errors.png", full_page=True)

    good = tmp_path / "good.csv"
    good.write_text("name,email,role,queues\nDiego Lima,diego@example.com,agent,Atendimento\n", encoding="utf-8")
    page.locator("#agents-import input[type=file]").set_input_files(str(good))
    expect(page.get_by_test_id("agent-import-ok")).to_contain_text("1")
    expect(_row(page, "diego@example.com")).to_contain_text("Diego Lima")
    expect(page.get_by_test_id("agent-passwords")).to_contain_text("diego@example.com")
    diego_password = page.get_by_test_id("new-password").inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=ARTIFACTS / "agents-phone.png", full_page=True)

    # Diego is an agent: he may log in with the password shown once, but not manage routing, agents or queues
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=app_url, locale="pt-BR")
    agent_page = context.new_page()
    agent_page.goto("/login?next=/queues")
    agent_page.get_by_test_id("login-email").fill("diego@example.com")
    agent_page.get_by_test_id("login-password").fill(diego_password)
    agent_page.get_by_test_id("login-submit").click()
    expect(agent_page).to_have_url(re.compile(r"/not-allowed/?$"))  # the page guard sends agents away
    expect(agent_page.get_by_test_id("not-allowed")).to_contain_text("Seu perfil não dá acesso")
    expect(agent_page.get_by_test_id("queue-card")).to_have_count(0)
    # the sidebar offers an agent only what an agent opens; typed addresses are refused all the same
    expect(agent_page.get_by_test_id("nav-inbox").first).to_be_visible()
    for hidden in ("bots", "agents", "flow-manager", "queues", "developers"):
        expect(agent_page.get_by_test_id(f"nav-{hidden}")).to_have_count(0)
    for route in ("/agents", "/flow-manager"):
        agent_page.goto(route)
        expect(agent_page).to_have_url(re.compile(r"/not-allowed/?$"))
        expect(agent_page.get_by_test_id("not-allowed")).to_contain_text("Seu perfil não dá acesso")
    agent_page.goto("/")  # an agent's home is the inbox
    expect(agent_page).to_have_url(re.compile(r"/inbox/?$"))
    expect(agent_page.get_by_test_id("fm-bot-card")).to_have_count(0)
    agent_page.screenshot(path=ARTIFACTS / "flow-manager-not-allowed.png")
    context.close()

    # edit keeps what is not changed (her queue), remove asks first
    page.set_viewport_size({"width": 1280, "height": 800})
    _row(page, "carla.souza@example.com").get_by_test_id("agent-edit").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("checkbox", name="Atendimento")).to_have_attribute("data-state", "checked")
    dialog.get_by_test_id("agent-form-name").fill("Carla S. Souza")
    dialog.get_by_test_id("agent-form-save").click()
    expect(_row(page, "carla.souza@example.com")).to_contain_text("Carla S. Souza")
    expect(_row(page, "carla.souza@example.com")).to_contain_text("Atendimento")
    _row(page, "diego@example.com").get_by_test_id("agent-remove").click()
    page.get_by_test_id("agent-confirm-remove").click()
    expect(_row(page, "diego@example.com")).to_have_count(0)
    expect(_row(page, "admin@flowstudio.local").get_by_test_id("agent-remove")).to_be_disabled()


def _queue(page: Page, name: str):
    return page.locator(f'[data-testid="queue-card"][data-queue="{name}"]')


def _day(page: Page, day: str):
    return page.get_by_role("dialog").locator(f'[data-day="{day}"]')


def test_editing_a_queue_s_strategy_and_hours(page: Page) -> None:
    _open(page, "/queues")
    expect(_queue(page, "Atendimento").get_by_test_id("queue-default")).to_be_visible()
    # a queue of its own: the demo's default queue stays always open for the other browser tests
    page.get_by_test_id("queue-new").click()
    page.get_by_role("dialog").get_by_test_id("queue-form-name").fill("Vendas")
    page.get_by_role("dialog").get_by_test_id("queue-form-save").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    card = _queue(page, "Vendas")
    expect(card).to_contain_text("Sempre aberta")

    card.get_by_test_id("queue-edit").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Menos ocupado", exact=True).click()
    dialog.get_by_role("checkbox", name="Sempre aberta").click()
    for day in ("mon", "tue", "wed", "thu", "fri"):
        _day(page, day).get_by_role("checkbox").click()
    _day(page, "mon").get_by_test_id("queue-day-spans").fill("09:00-12:00, 13:00-18:00")
    _day(page, "sat").get_by_role("checkbox").click()
    _day(page, "sat").get_by_test_id("queue-day-spans").fill("9h às 13h")
    dialog.get_by_test_id("queue-form-save").click()
    expect(dialog.get_by_test_id("queue-form-error")).to_contain_text("HH:MM-HH:MM")
    expect(dialog.get_by_test_id("queue-form-error")).to_contain_text("9h às 13h")
    page.screenshot(path=ARTIFACTS / "queue-edit-error.png")

    _day(page, "sat").get_by_test_id("queue-day-spans").fill("09:00-13:00")
    dialog.get_by_test_id("queue-max-wait").fill("10")
    dialog.get_by_test_id("queue-csat").click()
    dialog.get_by_test_id("queue-form-save").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    expect(card.get_by_test_id("queue-strategy")).to_have_text("Menos ocupado")
    hours = card.get_by_test_id("queue-hours")
    expect(hours).to_contain_text("Segunda 09:00-12:00, 13:00-18:00")
    expect(hours).to_contain_text("Sábado 09:00-13:00")
    expect(hours).not_to_contain_text("Domingo")
    expect(card).to_contain_text("10 min")
    page.reload()
    expect(_queue(page, "Vendas").get_by_test_id("queue-strategy")).to_have_text("Menos ocupado")
    expect(_queue(page, "Vendas").get_by_test_id("queue-hours")).to_contain_text("Sexta 09:00-18:00")
    page.screenshot(path=ARTIFACTS / "queues.png", full_page=True)

    _queue(page, "Vendas").get_by_test_id("queue-edit").click()
    expect(page.get_by_role("dialog").get_by_test_id("queue-strategy-least_busy")).to_have_attribute(
        "data-state", "checked"
    )
    page.screenshot(path=ARTIFACTS / "queue-edit.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=ARTIFACTS / "queue-edit-phone.png")
    page.keyboard.press("Escape")
    page.screenshot(path=ARTIFACTS / "queues-phone.png", full_page=True)
