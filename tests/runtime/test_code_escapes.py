"""Attacks on the code sandbox, each tried twice: against the whole sandbox (the audit hook must refuse and
report it) and against the kernel's wall alone, with the hook switched off (the attack must still get
nothing). The attacks are the ones an outside check used to escape through the developers' test run."""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

import pytest

from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
from flow_runtime.adapters.sandbox_jail import SANDBOX_GID, SANDBOX_UID
from flow_runtime.ports import CodeContext

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="namespaces and seccomp are Linux's")
REPO = Path(__file__).resolve().parents[2]

SHELL_THROUGH_FORK = """
import os
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.dup2(w, 1)
    os.execv('/bin/sh', ['sh', '-c', 'echo PWNED; id'])
os.close(w)
variables['out'] = os.read(r, 1000).decode()
"""
REWRITE_THE_BOOTSTRAPS_GLOBALS = (
    """
import sys
frame = sys._getframe()
while frame.f_back is not None:
    frame = frame.f_back
for name, value in list(frame.f_globals.items()):
    if isinstance(value, (tuple, frozenset, list, set)) and name.isupper():
        frame.f_globals[name] = type(value)()
    if isinstance(value, type) and issubclass(value, BaseException) and name != 'BaseException':
        frame.f_globals[name] = type('Harmless', (Exception,), {})
"""
    + SHELL_THROUGH_FORK
)
STR_SUBCLASS_READS_A_FILE = """
import sys
class Evil(str):
    def __str__(self):
        frame = sys._getframe(1)
        while frame is not None:
            for value in list(frame.f_locals.values()):
                for cell in getattr(value, '__closure__', None) or ():
                    if isinstance(cell.cell_contents, tuple):
                        cell.cell_contents = ('',)
            frame = frame.f_back
        return 'colorsys'
__import__(Evil('colorsys'))
variables['out'] = open('/etc/passwd').read()
"""
STR_SUBCLASS_IMPORTS_A_BLOCKED_MODULE = """
class Evil(str):
    def __str__(self):
        return 'json'
    def split(self, *args):
        return ['json']
module = __import__(Evil('_posixsubprocess'))
variables['out'] = module.__name__
"""
SUBCLASSES_REACH_OS_SYSTEM = """
wrap = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]
status = wrap.__init__.__globals__['system']('echo hello')
variables['out'] = 'PWNED' if status == 0 else status
"""
PATCHED_BUILTINS = """
import builtins
class Evil(str):
    pass
builtins.type = lambda obj: str
builtins.isinstance = lambda *args: True
builtins.any = lambda items: True
variables['out'] = open(Evil('/etc/passwd')).read()
"""
READ_THE_SERVERS_ENVIRONMENT = """
found = []
for path in ('/proc/self/environ', '/proc/1/environ', '/proc/%d/environ' % PARENT):
    try:
        found.append(open(path, 'rb').read().decode('latin-1'))
    except Exception as exc:
        found.append(type(exc).__name__)
variables['out'] = found
"""
CONNECT_OUT = """
import socket
s = socket.create_connection(('127.0.0.1', PORT), timeout=1)
s.sendall(b'PWNED')
variables['out'] = 'sent'
"""
CTYPES = """
import ctypes
variables['out'] = ctypes.CDLL(None).system(b'echo PWNED')
"""
FORK_BOMB = """
import os
children = 0
for _ in range(64):
    if os.fork() == 0:
        os._exit(0)
    children += 1
variables['out'] = children
"""


@pytest.fixture(scope="module")
def sandbox():
    return SubprocessCodeRunner(memory_mb=256)


@pytest.fixture(scope="module")
def kernel_only():
    """The same child with its audit hook switched off: only namespaces, uid, seccomp and rlimits remain."""
    return SubprocessCodeRunner(memory_mb=256, audit_hook=False)


def run(runner, code, timeout=3.0):
    return runner.run(code=code, variables={}, timeout=timeout, context=CodeContext())


def leaked(result) -> str:
    return repr((result.variables, result.stdout, result.message))


ATTACKS = {
    "module globals then fork/exec": REWRITE_THE_BOOTSTRAPS_GLOBALS,
    "str subclass rewriting the readable folders": STR_SUBCLASS_READS_A_FILE,
    "str subclass importing _posixsubprocess": STR_SUBCLASS_IMPORTS_A_BLOCKED_MODULE,
    "__subclasses__ to os.system": SUBCLASSES_REACH_OS_SYSTEM,
    "patched builtins": PATCHED_BUILTINS,
    "ctypes": CTYPES,
    "fork bomb": FORK_BOMB,
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_audit_hook_refuses_and_reports_each_attack(sandbox, attack):
    result = run(sandbox, ATTACKS[attack])
    assert (result.ok, result.error) == (False, "sandbox_violation"), leaked(result)
    assert "PWNED" not in leaked(result) and "root:" not in leaked(result)


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_kernel_alone_defeats_each_attack(kernel_only, attack):
    result = run(kernel_only, ATTACKS[attack])
    assert "PWNED" not in leaked(result) and "root:" not in leaked(result)


def test_the_child_is_an_unprivileged_user_with_no_groups(kernel_only):
    result = run(kernel_only, "import os\nvariables['ids'] = [os.getresuid(), os.getresgid(), os.getgroups()]")
    assert result.ok, result.message
    assert result.variables["ids"] == [[SANDBOX_UID] * 3, [SANDBOX_GID] * 3, []]


def test_process_creation_is_refused_by_the_kernel(kernel_only):
    result = run(
        kernel_only, "import os\ntry:\n    os.fork()\nexcept OSError as exc:\n    variables['errno'] = exc.errno"
    )
    assert result.ok, result.message
    assert result.variables["errno"] == 1  # EPERM from the seccomp filter


def test_the_view_holds_only_the_interpreter_and_its_standard_library(kernel_only):
    code = (
        "import os\nvariables['root'] = sorted(os.listdir('/'))\nmissing = []\n"
        f"for path in ('/etc/passwd', {str(REPO / 'pyproject.toml')!r}, '/proc/self/status', '/tmp', '/home'):\n"
        "    missing.append(os.path.exists(path))\nvariables['exists'] = missing"
    )
    result = run(kernel_only, code)
    assert result.ok, result.message
    assert set(result.variables["root"]) <= {
        "dev",
        "usr",
        "lib",
        "lib64",
        "lib32",
        "libx32",
        "bin",
        "sbin",
        "root",
        "opt",
    } | set(Path(sys.base_prefix).parts[1:2])
    assert result.variables["exists"] == [False] * 5


def test_the_view_is_read_only(kernel_only):
    code = (
        "import os, sysconfig\nerrors = []\nfor path in ('/usr/pwned', sysconfig.get_paths()['stdlib'] + '/pwned.py',"
        " '/dev/shm/pwned'):\n    try:\n        open(path, 'w').write('x')\n        errors.append('written')\n"
        "    except OSError as exc:\n        errors.append(type(exc).__name__)\nvariables['errors'] = errors"
    )
    result = run(kernel_only, code)
    assert result.ok, result.message
    assert "written" not in result.variables["errors"]


def test_the_servers_environment_cannot_be_read(sandbox, kernel_only, monkeypatch):
    monkeypatch.setenv("FLOWSTUDIO_ESCAPE_PROBE", "s3cr3t-probe")
    code = READ_THE_SERVERS_ENVIRONMENT.replace("PARENT", str(os.getpid()))
    assert run(sandbox, code).error == "sandbox_violation"
    result = run(kernel_only, code)
    assert result.ok, result.message
    assert "s3cr3t-probe" not in leaked(result)
    assert all(found in ("FileNotFoundError", "PermissionError") for found in result.variables["out"])


@pytest.fixture
def listener():
    """A TCP server on the host's loopback that records whatever connects to it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                received.append(conn.recv(100) or b"connected")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join()
    server.close()


def test_the_network_is_out_of_reach(sandbox, kernel_only, listener):
    port, received = listener
    code = CONNECT_OUT.replace("PORT", str(port))
    assert run(sandbox, code).error == "sandbox_violation"
    result = run(kernel_only, code)
    assert not result.ok and "sent" not in leaked(result)
    assert received == []


def test_exec_of_the_interpreter_stays_inside(kernel_only):
    code = (
        "import os, sys\nr, w = os.pipe()\nos.dup2(w, 1)\n"
        "os.execv(sys.executable, [sys.executable, '-I', '-S', '-c', "
        '\'import os; print(os.getuid(), os.listdir("/"), os.path.exists("/etc/passwd"))\'])'
    )
    result = run(kernel_only, code)
    assert "root:" not in leaked(result)
    assert not result.ok


def test_the_app_keeps_running_code_after_each_attack(sandbox):
    for code in (*ATTACKS.values(), "while True:\n    pass", "x = bytearray(2_000_000_000)"):
        run(sandbox, code, timeout=1.0)
    result = run(sandbox, "variables['after'] = sum(range(10))")
    assert result.ok and result.variables == {"after": 45}
