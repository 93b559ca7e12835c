"""The single dispatcher from node kind to its ``run`` / ``resume`` functions.

A built-in kind's executor is ``flow_runtime/nodes/<kind>.py``; a kind in a folder of its own has it in
``flow_runtime/nodes/<kind>/run.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from flow_runtime.schema.kinds import NODE_KINDS, folder_kinds

RUNNERS: dict[str, Callable[[Any, Any], Any]] = {}
RESUMERS: dict[str, Callable[[Any, Any], Any]] = {}

_FOLDERS = set(folder_kinds())

for _kind in NODE_KINDS:
    _module = import_module(f"flow_runtime.nodes.{_kind}" + (".run" if _kind in _FOLDERS else ""))
    RUNNERS[_kind] = _module.run
    if hasattr(_module, "resume"):
        RESUMERS[_kind] = _module.resume
