"""Bootstrap of the sandboxed child interpreter (``python -I -S -c <codeapi source + this source>``).

Protocol, one JSON document per line:

* parent -> child (stdin), first line: ``{"code", "variables", "tags", "contact", "constants",
  "params", "cpu_seconds", "memory_mb", "audit_hook"}``;
* child -> parent (stdout): ``@@HTTP@@{"method", "url", "headers", "json"}`` for each
  ``flow.http`` request, answered on stdin by ``{"ok": true, "response": {...}}`` or
  ``{"ok": false, "message": "..."}``;
* child -> parent: ``@@VIOLATION@@<message>`` (plain text, one line) the moment the audit hook refuses
  something (the parent fails the run even if the code caught the exception). Plain text, written with
  methods bound before the code runs, so patching ``json`` or the builtins cannot silence it;
* child -> parent, last: ``@@RESULT@@{json}``.

Before running the code the child lowers its own rlimits (set here rather than in a
``preexec_fn``, which is unsafe in threaded servers) and installs an audit hook refusing
network, process creation, file writes, reading or listing any file outside the Python
standard library (and the time-zone database), native-code loading, ``gc`` and risky imports.
The hook is the second layer: the child already runs inside the kernel's wall (``sandbox_jail``).
Its settings are frozen in its closure, and it never calls into objects the code hands it.
"""

import io
import json
import os
import sys

RESULT_MARK = "@@RESULT@@"
HTTP_MARK = "@@HTTP@@"
VIOLATION_MARK = "@@VIOLATION@@"


class SandboxViolation(PermissionError):
    """Raised inside the child when the code tries something forbidden."""


def _readable_roots():
    roots = {os.path.realpath(p) for p in sys.path if type(p) is str and os.path.isabs(p)}
    roots.add(os.path.realpath(os.path.dirname(os.__file__)))
    zones = ("/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo", "/etc/zoneinfo")
    roots.update(os.path.realpath(p) for p in zones if os.path.isdir(p))
    return tuple(sorted(roots))


def _make_hook(roots, report):
    """The audit hook. Its settings, and every function it calls, are bound here once, before any
    designer code runs: rewriting this module's globals or the builtins later changes nothing. It never
    calls a method of an object the code handed in (only exact ``str``/``bytes``/``int`` are looked at),
    so no designer code runs inside it."""
    blocked_modules = frozenset(
        {
            "socket",
            "_socket",
            "ssl",
            "_ssl",
            "ctypes",
            "_ctypes",
            "subprocess",
            "_posixsubprocess",
            "multiprocessing",
            "_multiprocessing",
            "asyncio",
            "_asyncio",
            "selectors",
            "select",
            "ftplib",
            "smtplib",
            "telnetlib",
            "pty",
            "fcntl",
            "mmap",
            "signal",
            "_signal",
            "resource",
            "threading",
            "_thread",
            "pickle",
            "_pickle",
            "marshal",
            "shutil",
            "tempfile",
            "gc",
            "_posixshmem",
            "faulthandler",
            "_tracemalloc",
            "_testcapi",
            "_testinternalcapi",
            "_xxsubinterpreters",
            "webbrowser",
            "http",
        }
    )
    blocked_events = (
        "socket.",
        "subprocess.",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "os.kill",
        "os.killpg",
        "os.remove",
        "os.unlink",
        "os.rename",
        "os.rmdir",
        "os.mkdir",
        "os.chmod",
        "os.chown",
        "os.truncate",
        "os.symlink",
        "os.link",
        "os.putenv",
        "os.unsetenv",
        "os.chdir",
        "os.utime",
        "os.setxattr",
        "os.removexattr",
        "os.getxattr",
        "os.listxattr",
        "shutil.",
        "ctypes.",
        "sys.addaudithook",
        "sys.setprofile",
        "sys.settrace",
        "code.__new__",
        "webbrowser.",
        "cpython.run_",
        "compile_command",
        "resource.setrlimit",
        "resource.prlimit",
        "mmap.",
        "glob.",
        "sys._current_frames",
        "gc.",
        "os.startfile",
        "pty.",
        "fcntl.",
        "_posixsubprocess.",
    )
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    roots, sep, violation = tuple(roots), os.sep, SandboxViolation
    realpath, fsdecode, any_, type_, str_, bytes_, int_ = os.path.realpath, os.fsdecode, any, type, str, bytes, int
    startswith, split = str.startswith, str.split

    def readable(path):
        kind = type_(path)
        if kind is not str_ and kind is not bytes_:
            return False  # file descriptors, path-like objects and str subclasses are not looked into
        try:
            real = realpath(fsdecode(path))
        except (TypeError, ValueError, OSError):
            return False
        return any_(real == root or startswith(real, root + sep) for root in roots)

    def refuse(message):
        report(message)
        raise violation(message)

    def hook(event, args):
        if event == "open":
            mode = args[1] if len(args) > 1 else None
            flags = args[2] if len(args) > 2 else 0
            if type_(mode) is str_ and any_(c in mode for c in "wax+"):
                refuse("writing files is not allowed")
            if type_(flags) is not int_ or flags & write_flags:
                refuse("writing files is not allowed")
            if not readable(args[0]):
                refuse("reading files is not allowed: code actions cannot see the server's files")
        elif event == "os.listdir" or event == "os.scandir":
            if not readable(args[0] if args and args[0] is not None else "."):
                refuse("listing directories is not allowed")
        elif event == "import":
            name = args[0]
            if type_(name) is not str_:
                refuse("importing a module by a name that is not a plain string is not allowed")
            if split(name, ".")[0] in blocked_modules:
                refuse(f"importing {name!r} is not allowed")
        elif startswith(event, blocked_events):
            refuse(f"{event} is not allowed")

    return hook


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


def _error_line(exc):
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return f" (line {line})" if line else ""


def _run(payload, real_stdin, real_stdout):
    dumps, write, flush = json.dumps, real_stdout.write, real_stdout.flush  # bound before the code can patch them

    def send(mark, data):
        write("\n" + mark + dumps(data) + "\n")
        flush()

    def transport(spec):
        send(HTTP_MARK, spec)
        reply = real_stdin.readline()
        if not reply:
            raise HttpError("the server did not answer the HTTP request")
        answer = json.loads(reply)
        if not answer.get("ok"):
            raise HttpError(answer.get("message") or "the request failed")
        return answer["response"]

    captured = io.StringIO()
    code = compile_code(payload["code"])
    flow = Flow(
        variables=payload["variables"],
        tags=payload.get("tags") or (),
        contact=payload.get("contact"),
        constants=payload.get("constants"),
        params=payload.get("params"),
        transport=transport,
    )
    if payload.get("audit_hook", True):
        replace, mark = str.replace, "\n" + VIOLATION_MARK

        def report(message):
            write(mark + replace(replace(message, "\n", " "), "\r", " ") + "\n")
            flush()

        sys.addaudithook(_make_hook(_readable_roots(), report))
    sys.stdout = sys.stderr = captured
    sys.stdin = io.StringIO()
    try:
        result = execute(code, flow)
    except SandboxViolation as exc:
        return {"ok": False, "error": "sandbox_violation", "message": str(exc), "stdout": captured.getvalue()[-2000:]}
    except MemoryError:
        limit = payload["memory_mb"]
        return {
            "ok": False,
            "error": "memory_limit",
            "message": f"the code used more than {limit} MB of memory and was stopped",
            "stdout": "",
        }
    except NotJsonError as exc:
        return {"ok": False, "error": "not_json", "message": str(exc), "stdout": captured.getvalue()[-2000:]}
    except BaseException as exc:
        return {
            "ok": False,
            "error": "exception",
            "message": f"{type(exc).__name__}: {exc}{_error_line(exc)}",
            "stdout": captured.getvalue()[-2000:],
        }
    return {"ok": True, **result, "stdout": captured.getvalue()[-2000:]}


def main():
    real_stdin, real_stdout = sys.stdin, sys.stdout
    payload = json.loads(real_stdin.readline())
    _limit(payload)
    try:
        outcome = _run(payload, real_stdin, real_stdout)
    except SyntaxError as exc:
        outcome = {
            "ok": False,
            "error": "exception",
            "message": f"SyntaxError: {exc.msg} (line {exc.lineno})",
            "stdout": "",
        }
    real_stdout.write("\n" + RESULT_MARK + json.dumps(outcome) + "\n")
    real_stdout.flush()


main()
