"""/settings/security (administrators): the workspace's sign-in policy and its OpenID Connect provider.

Every load and every save reads the user's role from the database (`account_policy.require_admin`),
so a demoted administrator loses the page at once.
"""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.models import Role, Workspace
from flowstudio.services.identity import account_policy, oidc
from flowstudio.state.session import SessionState, scope_of

ROLE_CHOICES = ["", *[role.value for role in Role]]


def _int(text: str | None, default: int) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        return default


class SecuritySettingsState(rx.State):
    """The policy and provider forms."""

    allowed: bool = False
    two_factor_required: bool = False
    max_age_days: str = "0"
    min_length: str = "10"
    lockout_threshold: str = "5"
    oidc_enabled: bool = False
    issuer: str = ""
    client_id: str = ""
    secret_set: bool = False
    button_label: str = ""
    domains: str = ""
    auto_role: str = "none"
    redirect_uri: str = ""
    login_link: str = ""
    message: str = ""
    error: str = ""

    def _check(self, session, workspace_id: int | None, user_id: int | None) -> bool:
        try:
            account_policy.require_admin(session, workspace_id=workspace_id, user_id=user_id)
        except account_policy.NotAllowed:
            self.allowed = False
            return False
        self.allowed = True
        return True

    @rx.event
    async def load(self):
        """Read the policy and the provider (administrators only)."""
        workspace_id, user_id, _ = await scope_of(self)
        self.message = self.error = ""
        with session_scope() as session:
            if not self._check(session, workspace_id, user_id):
                return
            policy = account_policy.workspace_policy(session, workspace_id)
            self.two_factor_required = policy.two_factor_required
            self.max_age_days, self.min_length = str(policy.password_max_age_days), str(policy.password_min_length)
            self.lockout_threshold = str(policy.lockout_threshold)
            provider = oidc.provider_of(session, workspace_id)
            slug = session.get(Workspace, workspace_id).slug
        self.oidc_enabled = bool(provider and provider.enabled)
        self.issuer, self.client_id = (provider.issuer, provider.client_id) if provider else ("", "")
        self.secret_set = bool(provider and provider.client_secret)
        self.button_label = provider.button_label if provider else ""
        self.domains = "\n".join(provider.allowed_domains) if provider else ""
        self.auto_role = (provider.auto_create_role if provider else "") or "none"
        origin = self.router.url.origin.rstrip("/")
        self.redirect_uri = f"{origin}/api/auth/oidc/callback"
        self.login_link = f"{origin}/login?workspace={slug}"

    @rx.event
    def set_two_factor_required(self, value: bool):
        """The switch."""
        self.two_factor_required = value

    @rx.event
    def set_oidc_enabled(self, value: bool):
        """The switch."""
        self.oidc_enabled = value

    @rx.event
    def set_auto_role(self, value: str):
        """The select."""
        self.auto_role = value

    @rx.event
    async def save_policy(self, form: dict[str, str]):
        """Store the sign-in policy."""
        workspace_id, user_id, lang = await scope_of(self)
        session_state = await self.get_state(SessionState)
        policy = account_policy.Policy(
            two_factor_required=self.two_factor_required,
            password_max_age_days=_int(form.get("max_age_days"), -1),
            password_min_length=_int(form.get("min_length"), -1),
            lockout_threshold=_int(form.get("lockout_threshold"), -1),
        )
        with session_scope() as session:
            if not self._check(session, workspace_id, user_id):
                return
            try:
                account_policy.save_policy(
                    session, workspace_id=workspace_id, user_id=user_id, policy=policy, ip=session_state._client_ip()
                )
            except account_policy.PolicyError as error:
                self.message, self.error = "", translate(error.key, lang)
                return
        self.max_age_days, self.min_length = str(policy.password_max_age_days), str(policy.password_min_length)
        self.lockout_threshold = str(policy.lockout_threshold)
        self.message, self.error = translate("signpol.saved", lang), ""

    @rx.event
    async def save_oidc(self, form: dict[str, str]):
        """Store the provider (an empty secret keeps the stored one)."""
        workspace_id, user_id, lang = await scope_of(self)
        session_state = await self.get_state(SessionState)
        config = oidc.ProviderConfig(
            enabled=self.oidc_enabled,
            issuer=form.get("issuer") or "",
            client_id=form.get("client_id") or "",
            client_secret=form.get("client_secret") or "",
            button_label=form.get("button_label") or "",
            allowed_domains=(form.get("domains") or "").replace(",", "\n").splitlines(),
            auto_create_role="" if self.auto_role == "none" else self.auto_role,
        )
        with session_scope() as session:
            if not self._check(session, workspace_id, user_id):
                return
            try:
                oidc.save_config(
                    session, workspace_id=workspace_id, user_id=user_id, config=config, ip=session_state._client_ip()
                )
            except oidc.OidcError as error:
                self.message, self.error = "", translate(error.key, lang)
                return
        self.issuer, self.client_id = config.issuer.strip().rstrip("/"), config.client_id.strip()
        self.button_label, self.domains = config.button_label, form.get("domains") or ""
        self.secret_set = self.secret_set or bool(config.client_secret)
        self.message, self.error = translate("signpol.oidc_saved", lang), ""


def _labelled(label: str, control: rx.Component, hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(t(label), size="2", weight="medium"),
        control,
        rx.text(t(hint), size="1", color_scheme="gray") if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )


def _policy_card() -> rx.Component:
    state = SecuritySettingsState
    return rx.card(
        rx.heading(t("signpol.title"), size="3", margin_bottom="8px"),
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.switch(
                        checked=state.two_factor_required,
                        on_change=state.set_two_factor_required,
                        data_testid="policy-2fa",
                    ),
                    rx.text(t("signpol.two_factor"), size="2"),
                    align="center",
                ),
                rx.text(t("signpol.two_factor_hint"), size="1", color_scheme="gray"),
                _labelled(
                    "signpol.max_age",
                    rx.input(
                        name="max_age_days",
                        type="number",
                        min="0",
                        default_value=state.max_age_days,
                        key=state.max_age_days,
                        width="120px",
                        data_testid="policy-max-age",
                    ),
                    "signpol.max_age_hint",
                ),
                _labelled(
                    "signpol.min_length",
                    rx.input(
                        name="min_length",
                        type="number",
                        min="8",
                        default_value=state.min_length,
                        key=state.min_length,
                        width="120px",
                        data_testid="policy-min-length",
                    ),
                ),
                _labelled(
                    "signpol.lockout",
                    rx.input(
                        name="lockout_threshold",
                        type="number",
                        min="3",
                        default_value=state.lockout_threshold,
                        key=state.lockout_threshold,
                        width="120px",
                        data_testid="policy-lockout",
                    ),
                    "signpol.lockout_hint",
                ),
                rx.button(t("signpol.save"), type="submit", data_testid="policy-save"),
                spacing="3",
                width="100%",
            ),
            on_submit=state.save_policy,
        ),
        width="100%",
    )


def _oidc_card() -> rx.Component:
    state = SecuritySettingsState
    return rx.card(
        rx.heading(t("signpol.oidc_title"), size="3", margin_bottom="4px"),
        rx.text(t("signpol.oidc_help"), size="2", color_scheme="gray"),
        rx.form(
            rx.vstack(
                rx.hstack(
                    rx.switch(checked=state.oidc_enabled, on_change=state.set_oidc_enabled, data_testid="oidc-enabled"),
                    rx.text(t("signpol.oidc_enabled"), size="2"),
                    align="center",
                ),
                _labelled(
                    "signpol.issuer",
                    rx.input(
                        name="issuer",
                        default_value=state.issuer,
                        key=state.issuer,
                        placeholder="https://accounts.example.com",
                        width="100%",
                        data_testid="oidc-issuer",
                    ),
                ),
                _labelled(
                    "signpol.client_id",
                    rx.input(name="client_id", default_value=state.client_id, key=state.client_id, width="100%"),
                ),
                _labelled(
                    "signpol.client_secret",
                    rx.input(
                        name="client_secret",
                        type="password",
                        auto_complete="off",
                        width="100%",
                        placeholder=rx.cond(state.secret_set, "••••••••", ""),
                    ),
                    "signpol.client_secret_hint",
                ),
                _labelled(
                    "signpol.button_label",
                    rx.input(
                        name="button_label", default_value=state.button_label, key=state.button_label, width="100%"
                    ),
                ),
                _labelled(
                    "signpol.domains",
                    rx.text_area(
                        name="domains", default_value=state.domains, key=state.domains, rows="3", width="100%"
                    ),
                    "signpol.domains_hint",
                ),
                _labelled(
                    "signpol.auto_role",
                    rx.select.root(
                        rx.select.trigger(),
                        rx.select.content(
                            rx.select.item(t("signpol.members_only"), value="none"),
                            *[rx.select.item(t(f"role.{r.value}"), value=r.value) for r in Role],
                        ),
                        value=state.auto_role,
                        on_change=state.set_auto_role,
                    ),
                ),
                rx.text(t("signpol.redirect_uri"), " ", rx.code(state.redirect_uri), size="1"),
                rx.text(t("signpol.login_link"), " ", rx.code(state.login_link), size="1"),
                rx.button(t("signpol.save"), type="submit", data_testid="oidc-save"),
                spacing="3",
                width="100%",
            ),
            on_submit=state.save_oidc,
        ),
        width="100%",
    )


def security_settings_page() -> rx.Component:
    """The page (administrators only)."""
    state = SecuritySettingsState
    return shell(
        t("signpol.page_title"),
        rx.cond(
            state.allowed,
            rx.vstack(
                rx.cond(
                    state.message != "",
                    rx.callout(
                        state.message, icon="check", color_scheme="green", width="100%", data_testid="policy-message"
                    ),
                ),
                rx.cond(
                    state.error != "",
                    rx.callout(
                        state.error, icon="triangle-alert", color_scheme="red", width="100%", data_testid="policy-error"
                    ),
                ),
                _policy_card(),
                _oidc_card(),
                spacing="4",
                max_width="720px",
            ),
            rx.callout(t("signpol.admins_only"), icon="lock", color_scheme="gray"),
        ),
    )
