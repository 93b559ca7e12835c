"""Permission checks for Reflex pages and event handlers (the matrix itself: `flowstudio.services.identity.permissions`).

- `GuardState.require(capability)` in a page's `on_load` (after `SessionState.require_login`) sends a member
  without the capability, or from a refused address, to the translated "not allowed" screen.
- `@requires(capability)` on an event handler re-reads the member's role and the workspace's IP rules from
  the database at each event (a demotion or a new block takes effect at the next click); a refusal shows a
  translated toast and the handler does not run.
- `authorize(state, capability)` is the same check for code that needs the scope (background tasks).

The client address is the websocket's peer (Reflex puts it in the `asgi-scope-client` header) or, with
`FLOWSTUDIO_TRUSTED_PROXY_HOPS`, the trusted entry of `X-Forwarded-For` (`services.ip_rules.client_ip`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.models import Role
from flowstudio.services.identity import ip_rules, permissions
from flowstudio.state.session import SessionState

NOT_ALLOWED_ROUTE = "/not-allowed"
DENIED = "access.denied"


@dataclass(frozen=True)
class Access:
    """The outcome of a check: the scope when allowed, else the reason (an i18n key; "" = not logged in)."""

    workspace_id: int | None = None
    user_id: int | None = None
    lang: str = "pt-BR"
    role: Role | None = None
    ip: str = ""
    reason: str = ""

    @property
    def ok(self) -> bool:
        """Whether the action may go on."""
        return self.workspace_id is not None and not self.reason


def request_ip(state: rx.State) -> str:
    """The client address of the event's connection (see module docstring)."""
    router = state.router
    headers = getattr(router.headers, "raw_headers", None) or {}
    peer = headers.get("asgi-scope-client") or router.session.client_ip or ""
    return ip_rules.client_ip(peer, headers.get("x-forwarded-for"))


def check(
    *, workspace_id: int | None, user_id: int | None, ip: str, capability: str | None, lang: str = "pt-BR"
) -> Access:
    """Member of the workspace now, not refused by its IP rules, and (if given) with the capability."""
    if workspace_id is None or user_id is None:
        return Access(lang=lang)
    with session_scope() as session:
        member = permissions.membership(session=session, workspace_id=workspace_id, user_id=user_id)
        role = Role(member.role) if member is not None else None
        reason = (
            DENIED
            if member is None
            else (ip_rules.refusal(session=session, workspace_id=workspace_id, ip=ip, role=role) or "")
        )
        if not reason and capability is not None:
            allowed = permissions.member_can(
                session=session, workspace_id=workspace_id, user_id=user_id, capability=capability
            )
            reason = "" if allowed else DENIED
    return Access(workspace_id=workspace_id, user_id=user_id, lang=lang, role=role, ip=ip, reason=reason)


async def authorize(state: rx.State, capability: str | None = None) -> Access:
    """`check` for the logged-in member of this state's session."""
    session_state = await state.get_state(SessionState)
    return check(
        workspace_id=session_state._workspace_id,
        user_id=session_state._user_id,
        ip=request_ip(state),
        capability=capability,
        lang=session_state.lang,
    )


def refusal_toast(access: Access) -> Any:
    """The toast a refused event shows (nothing when simply not logged in)."""
    if not access.reason:
        return None
    return rx.toast.error(translate(access.reason, access.lang), id="access-denied")


def requires(capability: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate an event handler (under `@rx.event`) so it runs only for a member with the capability now."""
    permissions.allows(None, capability)  # an unknown capability fails at import, not at the first click

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.isasyncgenfunction(handler) or inspect.isgeneratorfunction(handler):

            @functools.wraps(handler)
            async def stream(self: rx.State, *args: Any, **kwargs: Any):
                access = await authorize(self, capability)
                if not access.ok:
                    yield refusal_toast(access)
                    return
                produced = handler(self, *args, **kwargs)
                if inspect.isasyncgen(produced):
                    async for item in produced:
                        yield item
                else:
                    for item in produced:
                        yield item

            return stream

        @functools.wraps(handler)
        async def run(self: rx.State, *args: Any, **kwargs: Any) -> Any:
            access = await authorize(self, capability)
            if not access.ok:
                return refusal_toast(access)
            result = handler(self, *args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        return run

    return decorate


class GuardState(rx.State):
    """The on-load page guard and what the "not allowed" screen says."""

    reason: str = ""
    needed: str = ""

    @rx.event
    async def require(self, capability: str):
        """On-load guard: without the capability (or from a refused address), go to the "not allowed" screen."""
        access = await authorize(self, capability)
        if access.workspace_id is None or access.ok:
            return None  # not logged in: `SessionState.require_login` already sends them to sign in
        self.reason, self.needed = access.reason, capability
        return rx.redirect(NOT_ALLOWED_ROUTE)
