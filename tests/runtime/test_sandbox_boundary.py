"""Where the kernel's wall cannot be built, code never runs unconfined; allow lists that point back at the
server are flagged for the developer."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from flow_runtime.checks.actions import check_actions
from flow_runtime.graph import compile as compile_flow
from flow_runtime.sandbox_http import inward_entries

RUN_ONCE = """
import json
from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
result = SubprocessCodeRunner().run(code="variables['ran'] = True", variables={}, timeout=2)
print(json.dumps({"ok": result.ok, "error": result.error, "message": result.message, "variables": result.variables}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the wall is Linux's")
def test_without_bubblewrap_code_refuses_to_run_and_says_why():
    env = {**os.environ, "PATH": "/nonexistent"}  # a server where bwrap is not installed
    done = subprocess.run(
        [sys.executable, "-c", RUN_ONCE], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert (result["ok"], result["error"], result["variables"]) == (False, "sandbox_unavailable", {})
    assert "bubblewrap" in result["message"]


@pytest.mark.parametrize(
    "entry",
    [
        "0.0.0.0",
        "[::ffff:127.0.0.1]",
        "::ffff:127.0.0.1",
        "[::ffff:127.0.0.1]:8080",
        "127.0.0.1:5432",
        "127.9.9.9",
        "[::1]",
        "[::]",
        "169.254.169.254",
        "localhost:3000",
        "db.localhost",
        "[fe80::1]",
    ],
)
def test_entries_pointing_back_at_the_server_are_flagged(entry):
    assert inward_entries([entry]) == [entry]


@pytest.mark.parametrize(
    "entry", ["api.example.com", "*.example.com", "10.0.0.5:8080", "8.8.8.8", "[2001:db8::1]", "localhost.example.com"]
)
def test_ordinary_entries_are_not_flagged(entry):
    assert inward_entries([entry]) == []


def test_the_canvas_warns_about_a_code_node_allowed_to_call_the_server():
    document = {
        "schema_version": 1,
        "nodes": [
            {"id": "start", "kind": "start"},
            {"id": "fallback", "kind": "fallback"},
            {
                "id": "code",
                "kind": "code",
                "code": "flow.vars['x'] = 1",
                "allowed_hosts": ["api.example.com", "0.0.0.0:8080"],
            },
            {"id": "end", "kind": "end"},
        ],
        "edges": [
            {"id": "e1", "source": "start", "source_handle": "next", "target": "code"},
            {"id": "e2", "source": "code", "source_handle": "ok", "target": "end"},
        ],
    }
    problems = [p for p in check_actions(compile_flow(document)) if p.code == "inward_host"]
    assert [(p.severity, p.node_id) for p in problems] == [("warning", "code")]
    assert "0.0.0.0:8080" in problems[0].message
