"""What a node sees while it runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flow_runtime.rules import RuleContext
from flow_runtime.templating import Scope, render, render_value

if TYPE_CHECKING:
    from flow_runtime.graph import CompiledFlow
    from flow_runtime.ports import Ports
    from flow_runtime.session import Event, Session


@lru_cache(maxsize=64)
def _zone(name: str) -> Any:
    try:
        return ZoneInfo(name)
    except Exception:  # unknown or missing tz data: fall back to UTC rather than fail a turn
        return UTC


@dataclass(slots=True)
class NodeContext:
    """The flow, the working session, the event being answered, the ports and the time.

    Nodes read from it and return a ``Step``; they never change it. ``session`` is the
    engine's working copy, so values set by earlier nodes in the same turn are visible.
    """

    flow: CompiledFlow
    session: Session
    ports: Ports
    now: datetime
    event: Event | None = None
    _scope: Scope | None = field(default=None, repr=False)

    @property
    def local_now(self) -> datetime:
        """The current time in the bot's timezone."""
        return self.now.astimezone(_zone(self.flow.document.bot.timezone))

    @property
    def scope(self) -> Scope:
        """Template scope over the working session (live: later updates are seen)."""
        if self._scope is None:
            s = self.session
            system = {
                "last_message": s.last_text or "",
                "channel": s.channel,
                "language": s.language,
                "bot_name": self.flow.document.bot.name,
                "today": self.local_now.date().isoformat(),
                "now": self.local_now.strftime("%H:%M"),
            }
            self._scope = Scope(s.variables, self.flow.constants, s.contact, system)
        return self._scope

    def render(self, template: str) -> str:
        """Render ``${...}`` placeholders."""
        return render(template, self.scope)

    def render_value(self, value: Any) -> Any:
        """Render placeholders inside any JSON value."""
        return render_value(value, self.scope)

    def rules(self) -> RuleContext:
        """What condition rules can read."""
        s = self.session
        return RuleContext(self.scope, frozenset(s.tags), s.channel, s.language, self.local_now)

    def has_exit(self, handle: str, node_id: str) -> bool:
        """Whether an edge leaves ``node_id`` from ``handle``."""
        return (node_id, handle) in self.flow.transitions
