"""The login page: credentials -> code (e-mail, app or recovery) -> new password when it expired."""

from flowstudio.pages.login.page import login_page
from flowstudio.pages.login.state import LoginState

__all__ = ["LoginState", "login_page"]
