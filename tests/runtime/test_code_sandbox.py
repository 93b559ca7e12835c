"""The default code runner: a sandboxed subprocess (limits, no files, no network, the flow API)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
from flow_runtime.ports import CodeContext

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="rlimits and audit hooks as on Linux")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def runner():
    return SubprocessCodeRunner(memory_mb=256)


def run(runner, code, variables=None, timeout=2.0, **context):
    return runner.run(code=code, variables=variables or {}, timeout=timeout, context=CodeContext(**context))


def test_variables_go_in_and_out_as_json(runner):
    result = run(runner, "variables['total'] = {'Calabresa': 45}[variables['sabor']]", {"sabor": "Calabresa"})
    assert result.ok and result.variables == {"sabor": "Calabresa", "total": 45}


def test_the_flow_api_reads_context_and_returns_messages_tags_and_outcome(runner):
    code = (
        "flow.vars['greeting'] = f\"Oi {flow.contact['name']}, {flow.params['item']} por {flow.constants['price']}\"\n"
        "flow.tag('vip')\nflow.untag('new')\n"
        "flow.say('Escolha', buttons=['Sim', {'title': 'Não', 'payload': '/deny'}])\n"
        "return 'late'"
    )
    result = run(
        runner, code, {}, tags=("new",), contact={"name": "Ana"}, constants={"price": 45}, params={"item": "pizza"}
    )
    assert result.ok, result.message
    assert result.variables == {"greeting": "Oi Ana, pizza por 45"}
    assert result.tags == ("vip",) and result.outcome == "late"
    assert result.messages == (
        {
            "type": "buttons",
            "text": "Escolha",
            "buttons": [{"id": "Sim", "label": "Sim"}, {"id": "/deny", "label": "Não"}],
        },
    )


def test_contact_is_read_only(runner):
    result = run(runner, "flow.contact['name'] = 'x'", contact={"name": "Ana"})
    assert result.error == "exception" and "does not support item assignment" in result.message


def test_print_is_captured_not_mixed_with_the_result(runner):
    result = run(runner, "print('hello')\nvariables['a'] = 1")
    assert result.ok and result.stdout.strip() == "hello"


def test_exceptions_report_type_and_line(runner):
    result = run(runner, "x = 1\nvariables['y'] = variables['missing']")
    assert (result.ok, result.error) == (False, "exception")
    assert "KeyError" in result.message and "line 2" in result.message


def test_network_is_refused(runner):
    result = run(runner, "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=1)")
    assert result.error == "sandbox_violation" and "socket" in result.message


def test_http_without_a_relay_is_refused(runner):
    result = run(runner, "flow.http.get('https://example.org/')")
    assert result.error == "exception" and "HttpError" in result.message


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


@pytest.mark.parametrize(
    "path",
    [
        "/etc/passwd",
        "/etc/hostname",
        "/proc/self/environ",
        "/proc/self/cmdline",
        "/proc/1/environ",
        f"/proc/{os.getpid()}/environ",
        str(REPO / ".env"),
        str(REPO / ".data" / "secret_key"),
        str(REPO / "README.md"),
    ],
)
def test_reading_the_servers_files_is_refused(runner, path):
    result = run(runner, f"variables['leak'] = open({path!r}).read()")
    assert (result.ok, result.error) == (False, "sandbox_violation")
    assert "reading files is not allowed" in result.message and "leak" not in result.variables


def test_reading_the_parents_environment_through_proc_is_refused(runner, monkeypatch):
    monkeypatch.setenv("FLOWSTUDIO_SECRET", "s3cret")
    code = "import os\nvariables['env'] = open(f'/proc/{os.getppid()}/environ', 'rb').read().decode()"
    result = run(runner, code)
    assert result.error == "sandbox_violation" and "s3cret" not in str(result)


def test_symlinks_do_not_escape(runner, tmp_path):
    code = "import os\nvariables['x'] = open(os.path.join(os.path.dirname(os.__file__), '..', '..', '..', 'etc', 'passwd')).read()"
    assert run(runner, code).error == "sandbox_violation"


def test_listing_directories_is_refused(runner):
    assert run(runner, f"import os\nvariables['files'] = os.listdir({str(REPO)!r})").error == "sandbox_violation"


def test_a_caught_violation_still_fails_the_run(runner):
    result = run(runner, "try:\n    open('/etc/passwd').read()\nexcept Exception:\n    pass\nvariables['ok'] = True")
    assert (result.ok, result.error) == (False, "sandbox_violation")


def test_the_standard_library_still_works(runner):
    code = (
        "import json, re, math, datetime, decimal, random, statistics, collections, enum, dataclasses, zoneinfo\n"
        "P = collections.namedtuple('P', 'x y')\n"
        "class Color(enum.Enum):\n    RED = 1\n"
        "now = datetime.datetime(2024, 6, 3, 12, tzinfo=zoneinfo.ZoneInfo('America/Sao_Paulo'))\n"
        "variables['r'] = [json.dumps({'a': 1}), math.floor(2.5), str(decimal.Decimal('1.10')), P(1, 2).y,\n"
        "                  Color.RED.value, now.utcoffset().total_seconds() / 3600, statistics.mean([1, 3])]"
    )
    result = run(runner, code)
    assert result.ok, result.message
    assert result.variables["r"] == ['{"a": 1}', 2, "1.10", 2, 1, -3.0, 2]


def test_processes_are_refused(runner, tmp_path):
    target = tmp_path / "pwned3"
    result = run(runner, f"import os\nos.system('touch {target}')")
    assert result.error == "sandbox_violation"
    assert not target.exists()


def test_ctypes_and_gc_are_refused(runner):
    assert run(runner, "import ctypes").error == "sandbox_violation"
    assert run(runner, "import gc").error == "sandbox_violation"


def test_an_infinite_loop_is_stopped(runner):
    result = run(runner, "while True: pass", timeout=1)
    assert result.error in ("cpu_limit", "timeout")
    assert "stopped" in result.message


def test_wall_clock_timeout(runner):
    result = run(runner, "import time\ntime.sleep(5)", timeout=0.5)
    assert result.error == "timeout" and result.message == "the code ran longer than 0.5 s and was stopped"


def test_allocating_2_gb_is_stopped(runner):
    result = run(runner, "x = bytearray(2 * 1024 ** 3)")
    assert result.error == "memory_limit" and "256 MB" in result.message


def test_growing_memory_slowly_is_stopped(runner):
    result = run(runner, "x = []\nwhile True:\n    x.append('y' * 1_000_000)", timeout=5)
    assert result.error == "memory_limit"


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


def test_a_syntax_error_is_reported_with_its_line(runner):
    result = run(runner, "x = 1\nif x\n  pass")
    assert result.error == "exception" and "line 2" in result.message
