"""What every admin page does around a change: check, run in one DB session, show a refusal translated, toast.

- `PageActions._perform(action, ...)` runs `action(session, workspace_id, user_id)` for the logged-in member
  in one database session. `permit` (same arguments) may refuse first with an i18n key. A `DomainError` (or,
  until every service raises one, a `ValueError`) becomes the page's error text in the reader's language;
  success clears it and, with `success_key`, returns a translated toast. `_after_action` refreshes the page.
- `ConfirmDialog` is the "Delete <name>?" trio: `ask_confirm(id, name)` opens it, `close_confirm` cancels,
  and the page's confirm handler takes the target with `_take_confirmed()`.

The capability itself is checked by `@requires` on the handler (`flowstudio.state.guard`); `permit` is for what
depends on the rows involved (a supervisor may not demote an administrator...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from flowstudio.db import session_scope
from flowstudio.errors import DomainError, Forbidden, error_text
from flowstudio.i18n import translate
from flowstudio.state.session import scope_of

Action = Callable[[Session, int, int | None], Any]
Permit = Callable[[Session, int, int | None], str | None]


class PageActions(rx.State, mixin=True):
    """The page's refusal message and the one wrapper its change handlers run through."""

    error: str = ""

    def _error_text(self, error: Exception, lang: str) -> str:
        """How this page words a refusal (a page may add its own details)."""
        return error_text(error, lang)

    async def _after_action(self, workspace_id: int, user_id: int | None, lang: str) -> None:
        """Re-read what the page shows after a change, refused or not (nothing by default)."""

    async def _perform(
        self,
        action: Action,
        *,
        permit: Permit | None = None,
        success_key: str = "",
        error_field: str = "error",
    ) -> Any:
        """Run `action` for the logged-in member; a refusal goes to `error_field` (cleared on success).

        Args:
            action: `action(session, workspace_id, user_id)`, the service call.
            permit: Called first in the same session; an i18n key it returns refuses the change.
            success_key: The toast shown on success (else the action's result is returned).
            error_field: The state var that shows the refusal (the page's, or a dialog's).

        Returns:
            None when refused or not logged in (the error field tells), else the toast or the action's result.
            An event handler returns it only with `success_key` or an action returning events: Reflex refuses
            any other value.
        """
        workspace_id, user_id, lang = await scope_of(self)
        if workspace_id is None:
            return None
        message, result = "", None
        try:
            with session_scope() as session:
                if permit is not None and (reason := permit(session, workspace_id, user_id)):
                    raise Forbidden(reason)
                result = action(session, workspace_id, user_id)
        except (DomainError, ValueError) as error:
            message = self._error_text(error, lang)
        setattr(self, error_field, message)
        await self._after_action(workspace_id, user_id, lang)
        if message:
            return None
        return rx.toast.success(translate(success_key, lang)) if success_key else result


class ConfirmDialog(rx.State, mixin=True):
    """One confirmation dialog: its target (0 = closed) and the name it shows."""

    confirm_id: int = 0
    confirm_name: str = ""

    @rx.event
    def ask_confirm(self, target_id: int, name: str):
        """Open the confirmation on a target."""
        self.confirm_id, self.confirm_name = target_id, name

    @rx.event
    def close_confirm(self, open_: bool = False):
        """Cancel (the dialog closed)."""
        if not open_:
            self.confirm_id = 0

    def _take_confirmed(self) -> int:
        """The confirmed target, closing the dialog."""
        target, self.confirm_id = self.confirm_id, 0
        return target
