"""Bootstrap executed by the sandboxed child interpreter (``python -I -S -c <this source>``).

Reads ``{"code", "variables", "cpu_seconds", "memory_mb"}`` from stdin, lowers its own
rlimits (set here rather than in a ``preexec_fn``, which is unsafe in threaded servers),
installs an audit hook that refuses network,
process creation, file writes and native-code loading, runs the code with ``variables``
in scope, and writes one result line ``@@RESULT@@{json}`` to the real stdout.
"""

import io
import json
import os
import sys

MARKER = "@@RESULT@@"
BLOCKED_MODULES = {
    "socket", "_socket", "ssl", "_ssl", "ctypes", "_ctypes", "subprocess", "_posixsubprocess",
    "multiprocessing", "_multiprocessing", "asyncio", "selectors", "select", "urllib", "http",
    "ftplib", "smtplib", "telnetlib", "pty", "fcntl", "mmap", "signal", "_signal", "resource",
    "threading", "_thread", "importlib", "pickle", "_pickle", "marshal", "shutil", "tempfile",
}
BLOCKED_EVENTS = (
    "socket.", "subprocess.", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
    "os.forkpty", "os.kill", "os.killpg", "os.remove", "os.unlink", "os.rename", "os.rmdir",
    "os.mkdir", "os.chmod", "os.chown", "os.truncate", "os.symlink", "os.link", "os.putenv",
    "os.unsetenv", "os.chdir", "os.utime", "os.setxattr", "os.removexattr", "shutil.", "ctypes.",
    "sys.addaudithook", "sys.setprofile", "sys.settrace", "code.__new__", "webbrowser.",
    "cpython.run_", "compile_command", "resource.setrlimit", "resource.prlimit",
)
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class SandboxViolation(PermissionError):
    """Raised inside the child when the code tries something forbidden."""


def _hook(event, args):
    if event == "open":
        mode = args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 else 0
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (isinstance(flags, int) and flags & WRITE_FLAGS):
            raise SandboxViolation(f"writing files is not allowed ({args[0]!r})")
    elif event == "import":
        if str(args[0]).split(".")[0] in BLOCKED_MODULES:
            raise SandboxViolation(f"importing {args[0]!r} is not allowed")
    elif event.startswith(BLOCKED_EVENTS):
        raise SandboxViolation(f"{event} is not allowed")


def _emit(real_stdout, payload):
    real_stdout.write("\n" + MARKER + json.dumps(payload) + "\n")
    real_stdout.flush()


def _limit(payload):
    import resource

    memory = int(payload["memory_mb"]) * 1024 * 1024
    cpu = int(payload["cpu_seconds"])
    for limit, value in (
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_AS, (memory, memory)),
        (resource.RLIMIT_FSIZE, (0, 0)),
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_NOFILE, (16, 16)),
        (resource.RLIMIT_NPROC, (0, 0)),
    ):
        try:
            resource.setrlimit(limit, value)
        except (ValueError, OSError):
            pass


def main():
    payload = json.loads(sys.stdin.read())
    _limit(payload)
    real_stdout = sys.stdout
    captured = io.StringIO()
    variables = payload["variables"]
    code = compile(payload["code"], "<code node>", "exec")
    sys.addaudithook(_hook)
    sys.stdout = sys.stderr = captured
    try:
        exec(code, {"variables": variables, "__name__": "__flow_code__"})
    except SandboxViolation as exc:
        _emit(real_stdout, {"ok": False, "error": "sandbox_violation", "message": str(exc), "stdout": captured.getvalue()[-2000:]})
        return
    except MemoryError:
        _emit(real_stdout, {"ok": False, "error": "memory_limit", "message": "the code used too much memory", "stdout": ""})
        return
    except BaseException as exc:  # noqa: BLE001 - any failure of designer code is reported, not raised
        tb = exc.__traceback__
        line = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == "<code node>":
                line = tb.tb_lineno
            tb = tb.tb_next
        where = f" (line {line})" if line else ""
        _emit(real_stdout, {"ok": False, "error": "exception", "message": f"{type(exc).__name__}: {exc}{where}", "stdout": captured.getvalue()[-2000:]})
        return
    if not isinstance(variables, dict):
        _emit(real_stdout, {"ok": False, "error": "bad_variables", "message": "'variables' must stay a dict", "stdout": ""})
        return
    try:
        encoded = json.loads(json.dumps(variables))
    except (TypeError, ValueError) as exc:
        _emit(real_stdout, {"ok": False, "error": "not_json", "message": f"variables must be JSON values: {exc}", "stdout": ""})
        return
    _emit(real_stdout, {"ok": True, "variables": encoded, "stdout": captured.getvalue()[-2000:]})


main()
