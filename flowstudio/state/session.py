"""Who is logged in and in which language the UI speaks. Every page's state reaches it with `get_state`."""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalog
from flowstudio.services.identity import auth, permissions
from flowstudio.settings import Environment, get_settings

LOGIN_ROUTE = "/login"
HOME_ROUTE = "/bots"
AGENT_HOME_ROUTE = "/inbox"


def home_for(role: str | None) -> str:
    """Where a member lands after signing in: agents work the inbox, everyone else starts at the bots."""
    return AGENT_HOME_ROUTE if role == "agent" else HOME_ROUTE


_SECURE_COOKIE = get_settings().env is Environment.PRODUCTION


class SessionState(rx.State):
    """The login (a signed cookie), the principal it stands for, and the UI language."""

    # Reflex keeps state cookies readable by its own JavaScript (it sends them over the websocket), so
    # HttpOnly is not possible here; SameSite=Strict, Secure in production, and the signed, epoch-bound
    # token (services/identity/auth.py) are what protect it.
    token: str = rx.Cookie(
        "",
        name="fs_session",
        same_site="strict",
        secure=_SECURE_COOKIE,
        max_age=get_settings().login_max_age_hours * 3600,
    )
    lang: str = rx.LocalStorage(DEFAULT_LANGUAGE, name="fs_lang", sync=True)
    user_name: str = ""
    user_email: str = ""
    workspace_name: str = ""
    role: str = ""
    _user_id: int | None = None
    _workspace_id: int | None = None

    @rx.var
    def tr(self) -> dict[str, str]:
        """The UI texts in the current language."""
        return catalog(self.lang if self.lang in LANGUAGES else DEFAULT_LANGUAGE)

    @rx.var
    def caps(self) -> list[str]:
        """What the member's role may do (to show only the sections they can open; pages check again)."""
        return sorted(permissions.capabilities_of(self.role or None))

    @rx.var
    def home(self) -> str:
        """The member's landing page."""
        return home_for(self.role)

    @rx.var
    def is_authenticated(self) -> bool:
        """Whether a principal is loaded."""
        return bool(self.user_email)

    def _load_principal(self) -> auth.Principal | None:
        """Resolve the cookie into a principal and keep it on the state; None if it is missing or invalid."""
        with session_scope() as session:
            principal = auth.principal_from_token(session=session, token=self.token)
        if principal is None:
            self._forget()
            return None
        self._user_id, self._workspace_id = principal.user_id, principal.workspace_id
        self.user_name, self.user_email = principal.name, principal.email
        self.workspace_name, self.role = principal.workspace_name, principal.role.value
        return principal

    def _login_as(self, token: str) -> None:
        """Adopt a freshly issued token."""
        self.token = token
        self._load_principal()

    def _client_ip(self) -> str:
        """The address the browser connects from (as the websocket sees it)."""
        return self.router.session.client_ip or ""

    def _forget(self) -> None:
        self.token = ""
        self.user_name = self.user_email = self.workspace_name = self.role = ""
        self._user_id = self._workspace_id = None

    @rx.event
    def require_login(self):
        """On-load guard for private pages: no valid login, go to the login page and come back after."""
        if self._load_principal() is None:
            here = self.router.url.path or HOME_ROUTE
            return rx.redirect(f"{LOGIN_ROUTE}?next={quote(here)}")
        return None

    @rx.event
    def go_home(self):
        """`/`: the member's landing page, or the login page."""
        if self._load_principal() is None:
            return rx.redirect(LOGIN_ROUTE)
        return rx.redirect(home_for(self.role))

    @rx.event
    def set_language(self, lang: str):
        """Switch the UI language (kept in the browser)."""
        if lang in LANGUAGES:
            self.lang = lang

    @rx.event
    def logout(self):
        """Forget the login and go to the login page."""
        self._forget()
        return rx.redirect(LOGIN_ROUTE)


async def scope_of(state: rx.State) -> tuple[int | None, int | None, str]:
    """The logged-in workspace id, user id and UI language, as any page's state sees them."""
    session_state = await state.get_state(SessionState)
    return session_state._workspace_id, session_state._user_id, session_state.lang
