"""The network rules of code actions, from the environment (the runner, the emulator and action tests share them)."""

from __future__ import annotations

import os

from flow_runtime.ports import NetworkPolicy


def network_policy() -> NetworkPolicy:
    """Code actions' runner-wide HTTP rules from the environment.

    ``FLOWSTUDIO_CODE_ALLOWED_HOSTS`` (comma-separated hosts every code action may call) and
    ``FLOWSTUDIO_CODE_ALLOW_PRIVATE`` (``1`` lets code call private/loopback addresses).
    """
    hosts = tuple(h.strip() for h in os.environ.get("FLOWSTUDIO_CODE_ALLOWED_HOSTS", "").split(",") if h.strip())
    private = os.environ.get("FLOWSTUDIO_CODE_ALLOW_PRIVATE", "").strip().lower() in ("1", "true", "yes")
    return NetworkPolicy(allowed_hosts=hosts, allow_private=private)
