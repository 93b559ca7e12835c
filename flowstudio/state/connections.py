"""Whether a browser tab's websocket is still on this server, so live pages stop polling for tabs gone.

The app module registers its `rx.App` with `attach(app)` when it creates it; pages ask `connected(token)`.
Until an app is attached (tests, scripts) every tab counts as connected: the page's own route check still
stops a poll that is no longer shown.
"""

from __future__ import annotations

from typing import Any

_app: Any = None


def attach(app: Any) -> None:
    """Remember the running app (called once, by `flowstudio.flowstudio`)."""
    global _app
    _app = app


def connected(token: str) -> bool:
    """Whether the tab with this client token still has its websocket here (True when that cannot be told)."""
    try:
        namespace = _app.event_namespace if _app is not None else None
        return namespace is None or token in namespace.token_to_sid
    except Exception:
        return True
