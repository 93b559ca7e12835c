"""FlowStudio's flow engine: the flow document, the compiler and the interpreter.

Pure Python: it imports nothing from ``flowstudio`` or Reflex, and every side effect
goes through the ports in ``flow_runtime.ports``.

Typical use::

    from flow_runtime import compile, load_document, new_session, step, Event

    flow = compile(load_document(path))
    result = step(flow, new_session(), Event.message("oi"))
"""

import logging

from flow_runtime.engine import StepResult, step
from flow_runtime.graph import CompiledFlow, compile
from flow_runtime.ports import Ports
from flow_runtime.problems import Problem
from flow_runtime.schema import CURRENT_SCHEMA_VERSION, FlowDocument, load_document
from flow_runtime.session import Event, Session, new_session
from flow_runtime.validate import validate_flow

logging.getLogger("flow_runtime").addHandler(logging.NullHandler())

__all__ = [
    "CURRENT_SCHEMA_VERSION",
    "CompiledFlow",
    "Event",
    "FlowDocument",
    "Ports",
    "Problem",
    "Session",
    "StepResult",
    "compile",
    "load_document",
    "new_session",
    "step",
    "validate_flow",
]
