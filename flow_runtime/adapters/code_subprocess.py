"""The default ``CodeRunner``: designer Python in a locked-down child interpreter.

Isolation, layered:

* a separate process of the same interpreter in isolated mode (``-I -S``), an empty
  environment and ``/`` as working directory;
* rlimits the child sets on itself before running the code: CPU seconds, address space,
  no file writes (``RLIMIT_FSIZE`` 0), no core dumps, few file descriptors, no new processes;
* an audit hook (``sys.addaudithook``) in the child refusing sockets, process creation,
  file writes/removals, ``ctypes`` and risky imports;
* a wall-clock timeout enforced by the parent, which kills the child's process group.

Variables travel in and out as JSON. It is a sandbox against mistakes and casual abuse,
not a security boundary against a determined attacker; a later issue moves code actions
to Rasa SDK action servers.
"""

from __future__ import annotations

import json
import logging
import math
import os
import signal
import subprocess
import sys
from importlib import resources
from typing import Any

from flow_runtime.ports import CodeContext, CodeResult, HttpRelay

log = logging.getLogger("flow_runtime.adapters.code")

MARKER = "@@RESULT@@"
STARTUP_ALLOWANCE = 1.0
"""Seconds added to the node's timeout for starting the interpreter."""


def _child_source() -> str:
    return resources.files("flow_runtime.adapters").joinpath("_sandbox_child.py").read_text(encoding="utf-8")


class SubprocessCodeRunner:
    """Runs code in a sandboxed subprocess.

    Args:
        memory_mb: Address-space limit for the child.
        python: Interpreter to run (defaults to the current one).
    """

    def __init__(self, *, memory_mb: int = 512, python: str | None = None) -> None:
        self.memory_mb = memory_mb
        self.python = python or sys.executable
        self._source = _child_source()

    def run(self, *, code: str, variables: dict[str, Any], timeout: float,
            context: CodeContext | None = None, http: HttpRelay | None = None) -> CodeResult:
        """Run ``code`` with ``variables``; never raises.

        Args:
            code: Python source reading/writing the ``variables`` dict.
            variables: Current session variables (JSON values).
            timeout: Wall-clock seconds for the code itself.

        Returns:
            ``CodeResult(ok=True, variables=...)`` or an error: ``timeout``, ``cpu_limit``,
            ``memory_limit``, ``sandbox_violation``, ``exception``, ``not_json``, ``crashed``.
        """
        cpu = max(1, math.ceil(timeout))
        payload = json.dumps(
            {"code": code, "variables": variables, "cpu_seconds": cpu, "memory_mb": self.memory_mb}, default=str
        )
        try:
            proc = subprocess.Popen(
                [self.python, "-I", "-S", "-c", self._source],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env={"PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8"}, cwd="/",
                start_new_session=True, text=True,
            )
        except OSError as exc:
            return CodeResult(False, error="crashed", message=f"could not start the sandbox: {exc}")
        try:
            stdout, stderr = proc.communicate(payload, timeout=timeout + STARTUP_ALLOWANCE)
        except subprocess.TimeoutExpired:
            self._kill(proc)
            return CodeResult(False, error="timeout", message=f"the code ran longer than {timeout:g} s")
        return self._result(proc.returncode, stdout, stderr)

    @staticmethod
    def _kill(proc: subprocess.Popen[str]) -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
        proc.communicate()

    @staticmethod
    def _result(returncode: int, stdout: str, stderr: str) -> CodeResult:
        line = next((ln for ln in reversed(stdout.splitlines()) if ln.startswith(MARKER)), None)
        if line is None:
            if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
                return CodeResult(False, error="cpu_limit", message="the code used too much CPU time")
            if "MemoryError" in stderr:
                return CodeResult(False, error="memory_limit", message="the code used too much memory")
            log.info("flow.code.crashed", extra={"returncode": returncode})
            return CodeResult(False, error="crashed", message=f"the sandbox stopped unexpectedly (exit {returncode})")
        data = json.loads(line[len(MARKER):])
        if not data.get("ok"):
            return CodeResult(False, error=data.get("error"), message=data.get("message", ""), stdout=data.get("stdout", ""))
        return CodeResult(True, variables=data["variables"], stdout=data.get("stdout", ""))
