"""The default code runner: a sandboxed subprocess."""

from __future__ import annotations

import os
import sys

import pytest

from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="rlimits and audit hooks as on Linux")


@pytest.fixture(scope="module")
def runner():
    return SubprocessCodeRunner(memory_mb=256)


def run(runner, code, variables=None, timeout=2.0):
    return runner.run(code=code, variables=variables or {}, timeout=timeout)


def test_variables_go_in_and_out_as_json(runner):
    result = run(runner, "variables['total'] = {'Calabresa': 45}[variables['sabor']]", {"sabor": "Calabresa"})
    assert result.ok and result.variables == {"sabor": "Calabresa", "total": 45}


def test_print_is_captured_not_mixed_with_the_result(runner):
    result = run(runner, "print('hello')\nvariables['a'] = 1")
    assert result.ok and result.stdout.strip() == "hello"


def test_exceptions_report_type_and_line(runner):
    result = run(runner, "x = 1\nvariables['y'] = variables['missing']")
    assert (result.ok, result.error) == (False, "exception")
    assert "KeyError" in result.message and "line 2" in result.message


def test_network_is_refused(runner):
    result = run(runner, "import socket\nsocket.create_connection(('127.0.0.1', 6379), timeout=1)")
    assert result.error == "sandbox_violation"


def test_file_writes_are_refused(runner, tmp_path):
    target = tmp_path / "pwned.txt"
    result = run(runner, f"open({str(target)!r}, 'w').write('x')")
    assert result.error == "sandbox_violation"
    assert not target.exists()


def test_low_level_file_writes_are_refused(runner, tmp_path):
    target = tmp_path / "pwned2.txt"
    result = run(runner, f"import os\nos.open({str(target)!r}, os.O_WRONLY | os.O_CREAT)")
    assert result.error == "sandbox_violation"
    assert not target.exists()


def test_reading_files_is_allowed(runner):
    assert run(runner, "variables['n'] = len(open('/etc/hostname').read()) >= 0").ok


def test_processes_are_refused(runner, tmp_path):
    target = tmp_path / "pwned3"
    result = run(runner, f"import os\nos.system('touch {target}')")
    assert result.error == "sandbox_violation"
    assert not target.exists()


def test_ctypes_is_refused(runner):
    assert run(runner, "import ctypes").error == "sandbox_violation"


def test_cpu_runaway_is_stopped(runner):
    result = run(runner, "while True: pass", timeout=1)
    assert result.error in ("cpu_limit", "timeout")


def test_wall_clock_timeout(runner):
    result = run(runner, "import time\ntime.sleep(5)", timeout=0.5)
    assert result.error == "timeout"


def test_memory_limit(runner):
    assert run(runner, "x = bytearray(1024 * 1024 * 1024)").error == "memory_limit"


def test_non_json_values_are_rejected(runner):
    assert run(runner, "variables['s'] = {1, 2}").error == "not_json"


def test_the_child_does_not_see_the_parent_environment(runner, monkeypatch):
    monkeypatch.setenv("FLOWSTUDIO_SECRET", "s3cret")
    result = run(runner, "import os\nvariables['env'] = os.environ.get('FLOWSTUDIO_SECRET')")
    assert result.ok and result.variables["env"] is None
    assert os.environ["FLOWSTUDIO_SECRET"] == "s3cret"


def test_pizzaria_total_node_runs_in_the_sandbox(runner, packaged_examples):
    from flow_runtime import load_document

    doc = load_document(packaged_examples / "pizzaria.flow.json")
    code = next(n.code for n in doc.nodes if n.id == "total")
    assert run(runner, code, {"sabor": "Margherita"}).variables["total"] == 42


def test_limits_cannot_be_raised_from_inside(runner):
    code = "import sys\nr = sys.modules['resource']\nr.setrlimit(r.RLIMIT_CPU, (100, 100))"
    assert run(runner, code).error == "sandbox_violation"
