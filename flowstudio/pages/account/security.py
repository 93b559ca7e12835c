"""/account/security: change password, authenticator app and recovery codes, log out everywhere."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.models import User
from flowstudio.services.identity import account, auth, two_factor
from flowstudio.state.session import SessionState


class AccountSecurityState(rx.State):
    """The signed-in user's own security settings (always their own: the user id is the session's)."""

    totp_enabled: bool = False
    recovery_left: int = 0
    password_changed: str = ""
    two_factor_required: bool = False
    max_age_days: int = 0
    enrol_secret: str = ""
    enrol_uri: str = ""
    recovery_codes: list[str] = []
    message: str = ""
    error: str = ""

    async def _me(self) -> tuple[SessionState, int | None]:
        session_state = await self.get_state(SessionState)
        if session_state._load_principal() is None:  # token revoked meanwhile: no action
            return session_state, None
        return session_state, session_state._user_id

    def _say(self, key: str, lang: str, ok: bool = True, **params: object) -> None:
        text = translate(key, lang, **params)
        self.message, self.error = (text, "") if ok else ("", text)

    def _refresh(self, session, user_id: int) -> None:
        view = account.overview(session, user_id)
        self.totp_enabled, self.recovery_left = view.totp_enabled, view.recovery_left
        self.password_changed = view.password_changed_at.strftime("%Y-%m-%d") if view.password_changed_at else ""
        self.two_factor_required, self.max_age_days = view.two_factor_required, view.password_max_age_days

    @rx.event
    async def load(self):
        """Read the user's state; forget any secret or code shown before."""
        self.enrol_secret = self.enrol_uri = self.message = self.error = ""
        self.recovery_codes = []
        _, user_id = await self._me()
        if user_id is None:
            return
        with session_scope() as session:
            self._refresh(session, user_id)

    @rx.event
    async def change_password(self, form: dict[str, str]):
        """New password (ends every other session; this tab gets a fresh login)."""
        session_state, user_id = await self._me()
        if user_id is None:
            return None
        with session_scope() as session:
            try:
                account.change_password(
                    session,
                    user_id=user_id,
                    current=form.get("current") or "",
                    new=form.get("password") or "",
                    confirm=form.get("confirm") or "",
                    ip=session_state._client_ip(),
                )
            except account.AccountError as error:
                self._say(error.key, session_state.lang, ok=False, **error.params)
                return None
            token = auth.issue_token(session.get(User, user_id), session)
            self._refresh(session, user_id)
        session_state._login_as(token)
        self._say("acct.password_changed", session_state.lang)
        return None

    @rx.event
    async def start_totp(self):
        """Show a new secret to add to an authenticator app."""
        session_state, user_id = await self._me()
        if user_id is None:
            return
        with session_scope() as session:
            try:
                enrolment = two_factor.begin_enrolment(session, session.get(User, user_id))
            except two_factor.TwoFactorError as error:
                self._say(error.key, session_state.lang, ok=False)
                return
        self.enrol_secret, self.enrol_uri, self.message, self.error = enrolment.secret, enrolment.uri, "", ""

    @rx.event
    async def confirm_totp(self, form: dict[str, str]):
        """Turn the app on with its first code; show the recovery codes once."""
        session_state, user_id = await self._me()
        if user_id is None:
            return
        with session_scope() as session:
            try:
                codes = two_factor.confirm_enrolment(
                    session, session.get(User, user_id), form.get("code") or "", ip=session_state._client_ip()
                )
            except two_factor.TwoFactorError as error:
                self._say(error.key, session_state.lang, ok=False)
                return
            self._refresh(session, user_id)
        self.enrol_secret = self.enrol_uri = ""
        self.recovery_codes = codes
        self._say("acct.totp_on", session_state.lang)

    @rx.event
    async def disable_totp(self, form: dict[str, str]):
        """Turn the app off (needs an app code or a recovery code)."""
        session_state, user_id = await self._me()
        if user_id is None:
            return
        with session_scope() as session:
            try:
                two_factor.disable(
                    session, session.get(User, user_id), form.get("code") or "", ip=session_state._client_ip()
                )
            except two_factor.TwoFactorError as error:
                self._say(error.key, session_state.lang, ok=False)
                return
            self._refresh(session, user_id)
        self.recovery_codes = []
        self._say("acct.totp_off", session_state.lang)

    @rx.event
    async def new_recovery_codes(self):
        """Replace the recovery codes (the old ones stop working)."""
        session_state, user_id = await self._me()
        if user_id is None:
            return
        with session_scope() as session:
            try:
                self.recovery_codes = two_factor.regenerate_recovery_codes(
                    session, session.get(User, user_id), ip=session_state._client_ip()
                )
            except two_factor.TwoFactorError as error:
                self._say(error.key, session_state.lang, ok=False)
                return
            self._refresh(session, user_id)
        self._say("acct.codes_renewed", session_state.lang)

    @rx.event
    def hide_codes(self):
        """The user noted the codes."""
        self.recovery_codes = []

    @rx.event
    async def log_out_everywhere(self):
        """End every session of the user; this tab continues with a fresh login."""
        session_state, user_id = await self._me()
        if user_id is None:
            return
        with session_scope() as session:
            user = session.get(User, user_id)
            auth.log_out_everywhere(session=session, user_id=user_id, actor=user, ip=session_state._client_ip())
            token = auth.issue_token(user, session)
        session_state._login_as(token)
        self._say("acct.logged_out_everywhere", session_state.lang)


def _pw_input(label: str, id_: str, name: str, auto: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label), as_="label", size="2", weight="medium", html_for=id_),
        rx.input(id=id_, name=name, type="password", auto_complete=auto, width="100%", data_testid=f"acct-{id_}"),
        spacing="1",
        width="100%",
    )


def _password_card() -> rx.Component:
    return rx.card(
        rx.heading(t("acct.password"), size="3"),
        rx.text(
            rx.cond(
                AccountSecurityState.password_changed != "",
                t("acct.password_changed_on") + " " + AccountSecurityState.password_changed,
                "",
            ),
            rx.cond(
                AccountSecurityState.max_age_days > 0,
                " · " + t("acct.password_max_age") + " " + AccountSecurityState.max_age_days.to_string(),
                "",
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.vstack(
                _pw_input("acct.current_password", "current-password", "current", "current-password"),
                _pw_input("acct.new_password", "new-password", "password", "new-password"),
                _pw_input("acct.confirm_password", "confirm-password", "confirm", "new-password"),
                rx.text(t("pwd.rules_hint"), size="1", color_scheme="gray"),
                rx.button(t("acct.change_password"), type="submit", data_testid="acct-change-password"),
                spacing="2",
                width="100%",
                max_width="360px",
            ),
            on_submit=AccountSecurityState.change_password,
            reset_on_submit=True,
            margin_top="8px",
        ),
        width="100%",
    )


def _codes() -> rx.Component:
    return rx.cond(
        AccountSecurityState.recovery_codes.length() > 0,
        rx.callout.root(
            rx.callout.text(t("acct.codes_once")),
            rx.grid(
                rx.foreach(AccountSecurityState.recovery_codes, lambda c: rx.code(c, size="3")),
                columns="2",
                spacing="2",
                data_testid="acct-recovery-codes",
            ),
            rx.button(t("acct.codes_noted"), size="1", variant="soft", on_click=AccountSecurityState.hide_codes),
            color_scheme="amber",
            width="100%",
        ),
    )


def _totp_card() -> rx.Component:
    code_form = lambda handler, label, testid: rx.form(  # noqa: E731 - two tiny forms
        rx.hstack(
            rx.input(
                name="code",
                placeholder="123456",
                auto_complete="one-time-code",
                width="180px",
                data_testid=f"{testid}-code",
            ),
            rx.button(t(label), type="submit", data_testid=testid),
            spacing="2",
        ),
        on_submit=handler,
        reset_on_submit=True,
    )
    return rx.card(
        rx.hstack(
            rx.heading(t("acct.totp"), size="3"),
            rx.badge(
                rx.cond(AccountSecurityState.totp_enabled, t("acct.on"), t("acct.off")),
                color_scheme=rx.cond(AccountSecurityState.totp_enabled, "green", "gray"),
            ),
            align="center",
        ),
        rx.text(
            rx.cond(AccountSecurityState.two_factor_required, t("acct.2fa_required_email"), t("acct.totp_help")),
            size="2",
            color_scheme="gray",
        ),
        _codes(),
        rx.cond(
            AccountSecurityState.totp_enabled,
            rx.vstack(
                rx.text(t("acct.recovery_left") + " " + AccountSecurityState.recovery_left.to_string(), size="2"),
                rx.button(
                    t("acct.new_codes"),
                    variant="soft",
                    on_click=AccountSecurityState.new_recovery_codes,
                    data_testid="acct-new-codes",
                ),
                rx.text(t("acct.disable_help"), size="2"),
                code_form(AccountSecurityState.disable_totp, "acct.disable", "acct-totp-disable"),
                spacing="2",
            ),
            rx.cond(
                AccountSecurityState.enrol_secret != "",
                rx.vstack(
                    rx.text(t("acct.enrol_step1"), size="2"),
                    rx.code(AccountSecurityState.enrol_secret, size="4", data_testid="acct-totp-secret"),
                    rx.text(t("acct.enrol_uri"), size="1", color_scheme="gray"),
                    rx.code(AccountSecurityState.enrol_uri, size="1", style={"word_break": "break-all"}),
                    rx.text(t("acct.enrol_step2"), size="2"),
                    code_form(AccountSecurityState.confirm_totp, "acct.confirm", "acct-totp-confirm"),
                    spacing="2",
                    width="100%",
                ),
                rx.button(t("acct.enable"), on_click=AccountSecurityState.start_totp, data_testid="acct-totp-start"),
            ),
        ),
        width="100%",
    )


def _sessions_card() -> rx.Component:
    return rx.card(
        rx.heading(t("acct.sessions"), size="3"),
        rx.text(t("acct.sessions_help"), size="2", color_scheme="gray"),
        rx.button(
            rx.icon("log-out", size=14),
            t("acct.log_out_everywhere"),
            color_scheme="red",
            variant="soft",
            on_click=AccountSecurityState.log_out_everywhere,
            margin_top="8px",
            data_testid="acct-logout-everywhere",
        ),
        width="100%",
    )


def account_security_page() -> rx.Component:
    """The page."""
    return shell(
        t("acct.title"),
        rx.vstack(
            rx.cond(
                AccountSecurityState.message != "",
                rx.callout(
                    AccountSecurityState.message,
                    icon="check",
                    color_scheme="green",
                    width="100%",
                    data_testid="acct-message",
                ),
            ),
            rx.cond(
                AccountSecurityState.error != "",
                rx.callout(
                    AccountSecurityState.error,
                    icon="triangle-alert",
                    color_scheme="red",
                    width="100%",
                    data_testid="acct-error",
                ),
            ),
            _password_card(),
            _totp_card(),
            _sessions_card(),
            spacing="4",
            max_width="720px",
        ),
    )
