"""Problems the compiler reports, with stable codes the UI translates.

Errors block publishing; warnings do not. Codes:

errors: ``missing_start``, ``multiple_start``, ``missing_fallback``, ``multiple_fallback``,
``duplicate_node_id``, ``dangling_edge``, ``unknown_handle``, ``duplicate_exit``,
``loop_without_wait``, ``no_buttons``, ``too_many_buttons``, ``label_too_long``, ``empty_label``,
``duplicate_button_id``, ``reserved_handle_id``, ``no_cards``, ``too_many_cards``, ``empty_title``,
``empty_message``, ``trigger_too_short``, ``too_many_triggers``, ``duplicate_trigger``,
``duplicate_intent_name``, ``unknown_intent``, ``unknown_entity``, ``no_options``,
``invalid_pattern``, ``invalid_range``, ``empty_code``, ``code_syntax``, and, from the
loader, ``schema``, ``unknown_kind``, ``unknown_field``, ``schema_version``, ``not_json``.

warnings: ``unreachable``, ``dead_end``, ``no_error_path``, ``loop_may_not_wait``,
``unknown_variable``, ``no_triggers``, ``repeated_trigger``, ``unknown_topic``,
``duplicate_label``, ``no_branches``, ``duplicate_event``, ``whatsapp_list``, ``whatsapp_card_links``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of the compiler.

    Attributes:
        severity: ``error`` (blocks publishing) or ``warning``.
        code: Stable machine code, translated by the UI.
        node_id: The node to mark on the canvas (``None`` for flow-wide problems).
        message: An English explanation for the designer.
        edge_id: The edge concerned, when there is one.
    """

    severity: Severity
    code: str
    node_id: str | None
    message: str
    edge_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return asdict(self)

    def __str__(self) -> str:
        where = f"[{self.node_id}] " if self.node_id else ""
        return f"{self.severity}: {where}{self.message} ({self.code})"


def error(code: str, node_id: str | None, message: str, *, edge_id: str | None = None) -> Problem:
    """An error-severity problem."""
    return Problem("error", code, node_id, message, edge_id)


def warning(code: str, node_id: str | None, message: str, *, edge_id: str | None = None) -> Problem:
    """A warning-severity problem."""
    return Problem("warning", code, node_id, message, edge_id)
