"""The single dispatcher from node kind to its ``run`` / ``resume`` functions.

A kind's executor is ``flow_runtime/nodes/<kind>/run.py``; kinds registered at run time add theirs through
``flow_runtime.kinds.register``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from flow_runtime.schema.kinds import NODE_KINDS

RUNNERS: dict[str, Callable[[Any, Any], Any]] = {}
RESUMERS: dict[str, Callable[[Any, Any], Any]] = {}

for _kind in NODE_KINDS:
    _module = import_module(f"flow_runtime.nodes.{_kind}.run")
    RUNNERS[_kind] = _module.run
    if hasattr(_module, "resume"):
        RESUMERS[_kind] = _module.resume
