"""Static checks run by ``compile``: structure, content limits, variables, blocks not offered yet and
WhatsApp's message limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flow_runtime.checks.actions import check_actions
from flow_runtime.checks.availability import check_availability
from flow_runtime.checks.content import check_content
from flow_runtime.checks.structure import check_structure
from flow_runtime.checks.variables import check_variables
from flow_runtime.checks.whatsapp import check_whatsapp
from flow_runtime.problems import Problem

if TYPE_CHECKING:
    from flow_runtime.graph import CompiledFlow
    from flow_runtime.ports import ActionCatalog


def run_checks(flow: CompiledFlow, actions: ActionCatalog | None = None) -> list[Problem]:
    """Every problem in the flow, errors first, in a stable order.

    Args:
        flow: The compiled flow.
        actions: The workspace's reusable actions; without it ``action`` nodes are not checked
            against their definitions.
    """
    problems = [
        *check_structure(flow),
        *check_content(flow),
        *check_actions(flow, actions),
        *check_variables(flow),
        *check_availability(flow),
        *check_whatsapp(flow),
    ]
    order = {id(p): i for i, p in enumerate(problems)}
    return sorted(problems, key=lambda p: (p.severity != "error", order[id(p)]))
