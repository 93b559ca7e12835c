"""The CSV import button, its report (bad lines) and the passwords shown once."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.agents.rules import NewPassword
from flowstudio.pages.agents.state import IMPORT_ID, S


def _password_row(item: NewPassword) -> rx.Component:
    return rx.hstack(
        rx.text(item.email, size="2"),
        rx.code(item.password, data_testid="new-password"),
        spacing="3",
        align="center",
        wrap="wrap",
    )


def new_passwords() -> rx.Component:
    single = S.new_password != ""
    return rx.cond(
        single | (S.import_passwords.length() > 0),
        rx.callout(
            rx.vstack(
                rx.text(t("agents.passwords_once"), weight="bold"),
                rx.cond(single, _password_row(NewPassword(email=S.new_password_email, password=S.new_password))),
                rx.foreach(S.import_passwords, _password_row),
                rx.button(
                    t("agents.passwords_noted"),
                    size="1",
                    variant="soft",
                    on_click=[S.dismiss_password, S.dismiss_import],
                    data_testid="passwords-noted",
                ),
                spacing="2",
                align="start",
            ),
            icon="key-round",
            color_scheme="amber",
            width="100%",
            data_testid="agent-passwords",
        ),
    )


def import_report() -> rx.Component:
    return rx.fragment(
        rx.cond(
            S.import_errors.length() > 0,
            rx.callout(
                rx.vstack(
                    rx.text(t("agents.import_failed"), weight="bold"),
                    rx.foreach(
                        S.import_errors,
                        lambda e: rx.text(
                            t("agents.line"), " ", e.line, ": ", e.message, size="2", data_testid="import-error"
                        ),
                    ),
                    rx.button(t("agents.dismiss"), size="1", variant="soft", on_click=S.dismiss_import),
                    spacing="1",
                    align="start",
                ),
                icon="triangle-alert",
                color_scheme="red",
                width="100%",
                data_testid="agent-import-errors",
            ),
        ),
        rx.cond(
            S.import_added > 0,
            rx.callout(
                rx.text(t("agents.imported"), " ", S.import_added),
                icon="circle-check",
                color_scheme="green",
                width="100%",
                data_testid="agent-import-ok",
            ),
        ),
    )


def import_button() -> rx.Component:
    return rx.upload.root(
        rx.button(rx.icon("upload", size=14), t("agents.import"), variant="soft", data_testid="agent-import"),
        id=IMPORT_ID,
        accept={"text/csv": [".csv"], "text/plain": [".txt"]},
        multiple=False,
        no_drag=True,
        on_drop=S.import_file(rx.upload_files(upload_id=IMPORT_ID)),
        padding="0",
        border="none",
    )
