"""What `flowstudio serve` needs around Reflex: the JS toolchain on PATH, and a frontend build of its own.

* Reflex downloads bun when it finds none, which fails offline. `make setup` installs Node 22 and bun into
  `.tools/`; `serve` puts them first on PATH (and tells Reflex to use them) whether or not it was started
  through `make`, and says what to run when they are missing.
* Reflex's production build bakes the backend's port into its `.web` folder. Two apps started from one
  checkout used to share it, so the second start re-pointed the first one's pages at its own websocket.
  Each `serve` holds a lock on the folder it builds into: the first takes `.web`, one started meanwhile
  takes `.web-2` (and `.states-2`), and so on, reused by later runs; so every app keeps working. An app
  asked for a port that is already taken is refused with the reason before anything is built.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
"""The checkout: rxconfig.py, `.tools`, the `.web` folders (as `services.system.migrations.PROJECT_ROOT`, which
`serve` does not import: the process that waits on the app keeps only what it needs)."""
MAX_APPS = 8
"""Apps that may run from one checkout at once (each builds into a folder of its own)."""


class ServeRefused(RuntimeError):
    """`serve` cannot start; the message says why and what to do."""


@dataclass
class WebDir:
    """The frontend folder this app builds into, and the lock proving it is ours while we run."""

    web: str
    states: str
    lock_fd: int

    def release(self) -> None:
        """Let another app use the folder (also happens when the process dies)."""
        os.close(self.lock_fd)


def toolchain_env(env: dict[str, str], root: Path) -> dict[str, str]:
    """`env` with the project's Node and bun first on PATH and Reflex told to use them.

    Raises:
        ServeRefused: No bun anywhere: Reflex would try to download it.
    """
    env = dict(env)
    tools = root / ".tools" / "node_modules" / ".bin"
    if tools.is_dir():
        env["PATH"] = f"{tools}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    if env.get("REFLEX_USE_NPM") not in (None, "", "0", "false"):
        return env
    if shutil.which("bun", path=env.get("PATH")) is None:
        raise ServeRefused(
            "bun is not installed: run `make setup` in the project folder (it puts Node 22 and bun "
            "into .tools/), or put bun on PATH, or set REFLEX_USE_NPM=1 to build with npm"
        )
    env["REFLEX_USE_SYSTEM_BUN"] = "1"
    return env


def _lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def claim_web_dir(root: Path, port: int) -> WebDir:
    """The frontend folder for an app on `port`: `.web` when no other app from this checkout runs, else the
    first free `.web-<n>`.

    Raises:
        ServeRefused: The port is taken, or too many apps run from this checkout.
    """
    if _port_taken(port):
        raise ServeRefused(
            f"port {port} is already in use (another FlowStudio?): stop it first, or pick another port with --port"
        )
    for slot in range(1, MAX_APPS + 1):
        suffix = "" if slot == 1 else f"-{slot}"
        fd = _lock(root / f".web{suffix}.lock")
        if fd is not None:
            return WebDir(f".web{suffix}", f".states{suffix}", fd)
    raise ServeRefused(f"{MAX_APPS} apps already run from this folder: stop one first")
