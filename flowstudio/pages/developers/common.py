"""What the developers' tabs share: the scope of an event, the actor, translated errors."""

from __future__ import annotations

from typing import Any

import reflex as rx

from flowstudio.errors import error_text as error_text  # the tabs' translated errors: the one page helper
from flowstudio.services.privacy import audit
from flowstudio.state.guard import authorize
from flowstudio.state.session import SessionState


async def scope(state: rx.State) -> tuple[int, audit.Actor, str]:
    """The workspace id, the acting member (for the audit log) and the UI language of this event."""
    access = await authorize(state)
    session_state = await state.get_state(SessionState)
    return access.workspace_id, audit.Actor(user_id=access.user_id, email=session_state.user_email), access.lang


def when(moment: Any) -> str:
    """A stored time as `YYYY-MM-DD HH:MM` UTC (empty for None)."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""
