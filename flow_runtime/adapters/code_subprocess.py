"""The default ``CodeRunner``: designer Python in a locked-down child interpreter.

Isolation, layered:

* the kernel's wall (``sandbox_jail``): bubblewrap namespaces with no network and a read-only view of
  only the interpreter and its standard library, an unprivileged uid with no groups or capabilities,
  a seccomp filter refusing process and socket creation; without it code does not run at all;
* the interpreter in isolated mode (``-I -S``), an empty environment and ``/`` as working directory;
* rlimits the child sets on itself before running the code: CPU seconds, address space,
  no file writes (``RLIMIT_FSIZE`` 0), no core dumps, few file descriptors, no new processes;
* an audit hook (``sys.addaudithook``) in the child refusing sockets, process creation,
  file writes, reading files outside the standard library, ``ctypes`` and risky imports;
  every refusal is also reported to the parent, so code catching the exception still fails;
* no network in the child: ``flow.http`` requests travel over the pipes to the parent, which
  hands them to the ``HttpRelay`` (allow list, caps, secrets; see ``flow_runtime.sandbox_http``);
* a wall-clock timeout enforced by the parent (time spent on HTTP requests is not counted),
  which kills the child's process group.

Values travel in and out as JSON (protocol in ``_sandbox_child.py``). The audit hook is a second
layer: everything it refuses, the kernel refuses too (``tests/runtime/test_code_escapes.py`` attacks both).
"""

from __future__ import annotations

import json
import logging
import math
import os
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from flow_runtime.adapters.sandbox_jail import Jail, JailUnavailable, jail
from flow_runtime.ports import CodeContext, CodeResult, HttpRefused, HttpRelay

log = logging.getLogger("flow_runtime.adapters.code")

RESULT_MARK, HTTP_MARK, VIOLATION_MARK = b"@@RESULT@@", b"@@HTTP@@", b"@@VIOLATION@@"
STARTUP_ALLOWANCE = 1.0
"""Seconds added to the node's timeout for starting the interpreter."""
KILLED_BY_LIMIT = frozenset({-signal.SIGXCPU, -signal.SIGKILL, 128 + signal.SIGXCPU, 128 + signal.SIGKILL})
"""Exit statuses of a child the kernel stopped for CPU time (bwrap reports its child's signal as 128 + n)."""
MAX_OUTPUT = 4_000_000
"""Bytes the child may write to its pipes in one run (results, requests, stray output)."""


@cache  # read once per process: a runner is built for every turn, and these files never change under it
def _child_source() -> str:
    package = resources.files("flow_runtime")
    api = package.joinpath("codeapi.py").read_text(encoding="utf-8")
    child = package.joinpath("adapters", "_sandbox_child.py").read_text(encoding="utf-8")
    return api + "\n\n" + child


@dataclass
class _Run:
    """One child's pipes and what it said so far."""

    proc: subprocess.Popen[bytes]
    deadline: float
    buffer: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    result: dict[str, Any] | None = None
    violations: list[str] = field(default_factory=list)
    requests: int = 0
    received: int = 0


class SubprocessCodeRunner:
    """Runs code in a sandboxed subprocess.

    Args:
        memory_mb: Address-space limit for the child.
        audit_hook: Install the child's audit hook (only tests turn it off, to attack the kernel's wall alone).
    """

    def __init__(self, *, memory_mb: int = 512, audit_hook: bool = True) -> None:
        self.memory_mb = memory_mb
        self.audit_hook = audit_hook
        self._source = _child_source()

    def run(
        self,
        *,
        code: str,
        variables: dict[str, Any],
        timeout: float,
        context: CodeContext | None = None,
        http: HttpRelay | None = None,
    ) -> CodeResult:
        """Run ``code``; never raises.

        Args:
            code: Python source (see ``flow_runtime.codeapi`` for what it sees).
            variables: Current session variables (JSON values).
            timeout: Wall-clock seconds for the code itself (HTTP time excluded); CPU seconds too.
            context: Tags, contact, constants, parameters.
            http: Performs ``flow.http`` requests; without it they are refused.

        Returns:
            The code's variables, tags, messages and outcome, or an error: ``timeout``, ``cpu_limit``,
            ``memory_limit``, ``sandbox_violation``, ``exception``, ``not_json``, ``crashed``,
            ``sandbox_unavailable`` (the kernel's wall cannot be set up on this machine: nothing ran).
        """
        try:
            confined = jail()
        except JailUnavailable as exc:
            return CodeResult(False, error="sandbox_unavailable", message=f"code actions are disabled here: {exc}")
        context = context or CodeContext()
        payload = json.dumps(
            {
                "code": code,
                "variables": variables,
                "tags": list(context.tags),
                "contact": dict(context.contact),
                "constants": dict(context.constants),
                "params": dict(context.params),
                "cpu_seconds": max(1, math.ceil(timeout)),
                "memory_mb": self.memory_mb,
                "audit_hook": self.audit_hook,
            },
            default=str,
        )
        try:
            proc = self._start(confined)
        except OSError as exc:
            return CodeResult(False, error="crashed", message=f"could not start the sandbox: {exc}")
        run = _Run(proc, time.monotonic() + timeout + STARTUP_ALLOWANCE)
        try:
            self._send(proc, payload.encode("utf-8"))
            outcome = self._converse(run, http, timeout)
        finally:
            self._kill(proc)
        if outcome is not None:
            return outcome
        return self._result(run, timeout, self.memory_mb)

    def _start(self, confined: Jail) -> subprocess.Popen[bytes]:
        argv, seccomp_fd = confined.command("-I", "-S", "-c", self._source)
        try:
            return subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={"LANG": "C.UTF-8"},
                cwd="/",
                start_new_session=True,
                pass_fds=(seccomp_fd,) if seccomp_fd is not None else (),
            )
        finally:
            if seccomp_fd is not None:
                os.close(seccomp_fd)

    def _converse(self, run: _Run, http: HttpRelay | None, timeout: float) -> CodeResult | None:
        """Pump the child's pipes until it exits; answer its HTTP requests. A result only on timeout."""
        proc = run.proc
        assert proc.stdout is not None and proc.stderr is not None
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ, "out")
            selector.register(proc.stderr, selectors.EVENT_READ, "err")
            open_pipes = 2
            while open_pipes:
                remaining = run.deadline - time.monotonic()
                if remaining <= 0:
                    return CodeResult(
                        False,
                        error="timeout",
                        message=f"the code ran longer than {timeout:g} s and was stopped",
                        http_requests=run.requests,
                    )
                for key, _ in selector.select(remaining):
                    chunk = os.read(key.fd, 65536)
                    if not chunk:
                        selector.unregister(key.fileobj)
                        open_pipes -= 1
                        continue
                    run.received += len(chunk)
                    if run.received > MAX_OUTPUT:
                        return CodeResult(False, error="crashed", message="the code wrote too much output")
                    if key.data == "err":
                        run.stderr += chunk[: max(0, 20_000 - len(run.stderr))]
                    else:
                        run.buffer += chunk
                        self._lines(run, http)
        return None

    def _lines(self, run: _Run, http: HttpRelay | None) -> None:
        while b"\n" in run.buffer:
            line, _, rest = bytes(run.buffer).partition(b"\n")
            run.buffer = bytearray(rest)
            if line.startswith(RESULT_MARK):
                run.result = json.loads(line[len(RESULT_MARK) :])
            elif line.startswith(VIOLATION_MARK):
                run.violations.append(line[len(VIOLATION_MARK) :].decode("utf-8", "replace").strip())
            elif line.startswith(HTTP_MARK):
                started = time.monotonic()
                answer = self._relay(run, http, line[len(HTTP_MARK) :])
                run.deadline += time.monotonic() - started
                self._send(run.proc, json.dumps(answer, default=str).encode("utf-8"))

    @staticmethod
    def _relay(run: _Run, http: HttpRelay | None, raw: bytes) -> dict[str, Any]:
        run.requests += 1
        if http is None:
            return {"ok": False, "message": "HTTP is not available to this code"}
        try:
            spec = json.loads(raw)
            return {"ok": True, "response": http.request(spec)}
        except HttpRefused as exc:
            return {"ok": False, "message": str(exc)}
        except Exception as exc:  # a relay bug must not hang the child
            log.warning("flow.code.relay_failed", extra={"error": type(exc).__name__})
            return {"ok": False, "message": f"the request could not be made ({type(exc).__name__})"}

    @staticmethod
    def _send(proc: subprocess.Popen[bytes], data: bytes) -> None:
        assert proc.stdin is not None
        try:
            proc.stdin.write(data + b"\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the child is gone; its exit status tells why

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass
        proc.wait()

    @staticmethod
    def _result(run: _Run, timeout: float, memory_mb: int) -> CodeResult:
        returncode, data = run.proc.returncode, run.result
        if run.violations:
            stdout = (data or {}).get("stdout", "")
            return CodeResult(
                False, error="sandbox_violation", message=run.violations[0], stdout=stdout, http_requests=run.requests
            )
        if data is None:
            if returncode in KILLED_BY_LIMIT:
                return CodeResult(
                    False,
                    error="cpu_limit",
                    message=f"the code used more than {max(1, math.ceil(timeout))} s of CPU time and was stopped",
                    http_requests=run.requests,
                )
            if b"MemoryError" in run.stderr:
                return CodeResult(
                    False,
                    error="memory_limit",
                    message=f"the code used more than {memory_mb} MB of memory and was stopped",
                    http_requests=run.requests,
                )
            log.info("flow.code.crashed", extra={"returncode": returncode})
            return CodeResult(
                False,
                error="crashed",
                message=f"the sandbox stopped unexpectedly (exit {returncode})",
                http_requests=run.requests,
            )
        if not data.get("ok"):
            return CodeResult(
                False,
                error=data.get("error"),
                message=data.get("message", ""),
                stdout=data.get("stdout", ""),
                http_requests=run.requests,
            )
        return CodeResult(
            True,
            variables=data["variables"],
            stdout=data.get("stdout", ""),
            messages=tuple(data.get("messages") or ()),
            outcome=data.get("outcome"),
            tags=tuple(data.get("tags") or ()),
            http_requests=run.requests,
        )
