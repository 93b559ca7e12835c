"""Call the pages' Reflex event handlers in-process, as a logged-in member connecting from an address.

    ui = Ui(workspace_id=ws.id, user_id=user.id, ip="203.0.113.9")
    result = ui.fire(BotsState, "create", {"name": "X"})
    ui.state(BotsState).bots

Handlers run exactly as Reflex runs them (the decorated function of the state's event handler), on a state
tree with the session state filled in the way `SessionState.require_login` fills it.
"""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import reflex as rx
from reflex.istate.data import RouterData

import flowstudio.flowstudio  # noqa: F401 - registers every page's state
from flowstudio.state.session import SessionState


class Ui:
    """One browser tab's state tree."""

    def __init__(
        self,
        *,
        workspace_id: int | None,
        user_id: int | None,
        ip: str = "198.51.100.10",
        forwarded_for: str = "",
        path: str = "/",
        lang: str = "en",
    ) -> None:
        self.root = rx.State(_reflex_internal_init=True)
        session_state = self.state(SessionState)
        session_state._workspace_id, session_state._user_id = workspace_id, user_id
        session_state.user_email, session_state.lang = "tester@example.com", lang
        self.connect(ip=ip, forwarded_for=forwarded_for, path=path)

    def connect(self, *, ip: str, forwarded_for: str = "", path: str = "/") -> None:
        """What Reflex records of the websocket connection: the peer, the headers, the page."""
        headers = {"asgi-scope-client": ip, "host": "testserver", "origin": "http://testserver"}
        if forwarded_for:
            headers["x-forwarded-for"] = forwarded_for
        self.root.router = RouterData.from_router_data(
            {
                "sid": "test-sid",
                "headers": headers,
                "ip": ip,
                "token": "test-token",
                "pathname": path,
                "asPath": path,
                "query": {},
            }
        )

    def state(self, cls: type[rx.State]) -> Any:
        """The instance of a state class in this tree."""
        return self.root.get_substate(cls.get_full_name().split(".")[1:])

    def fire(self, cls: type[rx.State], handler: str, *args: Any) -> Any:
        """Run one event handler to its end; the value it returned (or the list it yielded)."""
        fn = cls.event_handlers[handler].fn
        target = self.state(cls)

        async def run() -> Any:
            produced = fn(target, *args)
            if inspect.isasyncgen(produced):
                return [item async for item in produced]
            if inspect.isgenerator(produced):
                return list(produced)
            return await produced if inspect.isawaitable(produced) else produced

        return _run(run())


def _run(coroutine: Any) -> Any:
    """`asyncio.run`, also when this thread already runs an event loop (Playwright's sync API leaves one
    running after the browser tests): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def is_refusal(result: Any) -> bool:
    """Whether a handler's result is the "not allowed" toast of `@requires`."""
    items = result if isinstance(result, list) else [result]
    return any("access-denied" in str(getattr(item, "args", item)) for item in items if item is not None)
