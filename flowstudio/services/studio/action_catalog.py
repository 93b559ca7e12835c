"""The workspace's code actions as the runtime reads them: the list, each one's `ActionDefinition`, and
`WorkspaceActions` (the runtime's `ActionCatalog`), cached per workspace and process (dropped on every change, and
after `CACHE_TTL_S` for changes made by another process).
"""

from __future__ import annotations

import threading
import time

from sqlmodel import Session, select

from flow_runtime.ports import ActionDefinition, ActionParameter
from flowstudio.db import session_scope
from flowstudio.models import Bot, CodeAction

CACHE_TTL_S = 15.0

_catalogs: dict[int, tuple[float, dict[str, ActionDefinition]]] = {}
_bot_workspaces: dict[int, int] = {}
_cache_lock = threading.Lock()


def list_actions(*, session: Session, workspace_id: int) -> list[CodeAction]:
    """The workspace's actions by name."""
    return list(
        session.exec(
            select(CodeAction).where(CodeAction.workspace_id == workspace_id).order_by(CodeAction.name, CodeAction.key)
        ).all()
    )


def definition(row: CodeAction) -> ActionDefinition:
    """A stored action as the runtime's `ActionDefinition`."""
    return ActionDefinition(
        key=row.key,
        name=row.name,
        flavour=getattr(row.flavour, "value", row.flavour),
        code=row.code,
        server_url=row.server_url,
        rasa_action=row.rasa_action,
        description=row.description,
        parameters=tuple(
            ActionParameter(
                name=p["name"],
                type=p.get("type", "text"),
                required=bool(p.get("required")),
                default=p.get("default"),
                label=p.get("label", ""),
            )
            for p in row.parameters or []
        ),
        outcomes=tuple(row.outcomes or ()),
        allowed_hosts=tuple(row.allowed_hosts or ()),
        timeout=float(row.timeout),
    )


def catalog(*, session: Session, workspace_id: int) -> dict[str, ActionDefinition]:
    """The workspace's definitions by key (cached per process; one query per miss)."""
    now = time.monotonic()
    with _cache_lock:
        cached = _catalogs.get(workspace_id)
    if cached is not None and now - cached[0] < CACHE_TTL_S:
        return cached[1]
    definitions = {row.key: definition(row) for row in list_actions(session=session, workspace_id=workspace_id)}
    with _cache_lock:
        _catalogs[workspace_id] = (now, definitions)
    return definitions


def invalidate(workspace_id: int | None = None) -> None:
    """Forget the cached catalog of one workspace (or all)."""
    with _cache_lock:
        if workspace_id is None:
            _catalogs.clear()
            _bot_workspaces.clear()
        else:
            _catalogs.pop(workspace_id, None)


class WorkspaceActions:
    """The runtime's `ActionCatalog` for one workspace (or for a bot's, found on first use)."""

    def __init__(self, workspace_id: int | None = None, *, bot_id: int | None = None) -> None:
        self._workspace_id, self._bot_id = workspace_id, bot_id

    def _workspace(self, session: Session) -> int | None:
        if self._workspace_id is None and self._bot_id is not None:
            with _cache_lock:
                known = _bot_workspaces.get(self._bot_id)
            if known is None:
                known = session.exec(select(Bot.workspace_id).where(Bot.id == self._bot_id)).first()
                if known is not None:
                    with _cache_lock:
                        _bot_workspaces[self._bot_id] = known
            self._workspace_id = known
        return self._workspace_id

    def get(self, key: str) -> ActionDefinition | None:
        """The definition with this key, or None."""
        with session_scope() as session:
            workspace_id = self._workspace(session)
            return None if workspace_id is None else catalog(session=session, workspace_id=workspace_id).get(key)

    def all(self) -> list[ActionDefinition]:
        """Every definition of the workspace (for the editor's palette)."""
        with session_scope() as session:
            workspace_id = self._workspace(session)
            return [] if workspace_id is None else list(catalog(session=session, workspace_id=workspace_id).values())
