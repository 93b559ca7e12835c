"""`flowstudio serve`'s surroundings: the JS toolchain found without `make`, one frontend build per running app."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from flowstudio import serving

HOLD = """
import sys, time
from pathlib import Path
from flowstudio import serving
web = serving.claim_web_dir(Path(sys.argv[1]), int(sys.argv[2]))
print(web.web, flush=True)
time.sleep(60)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def holder(tmp_path: Path):
    """Another `serve` from the same folder, as a real process holding its claim."""
    processes: list[subprocess.Popen] = []

    def start(port: int) -> str:
        process = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(tmp_path), str(port)], stdout=subprocess.PIPE, text=True
        )
        processes.append(process)
        assert process.stdout is not None
        return process.stdout.readline().strip()

    yield start
    for process in processes:
        process.kill()
        process.wait()


def test_the_first_app_builds_into_dot_web(tmp_path: Path):
    web = serving.claim_web_dir(tmp_path, free_port())
    assert (web.web, web.states) == (".web", ".states")
    web.release()


def test_a_second_app_from_the_same_folder_builds_its_own_pages(tmp_path: Path, holder):
    assert holder(free_port()) == ".web"
    web = serving.claim_web_dir(tmp_path, free_port())
    assert (web.web, web.states) == (".web-2", ".states-2")
    web.release()
    assert holder(free_port()) == ".web-2"  # a folder of a stopped app is reused, not multiplied


def test_an_app_on_a_port_in_use_is_refused_with_the_reason(tmp_path: Path):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        with pytest.raises(serving.ServeRefused, match=f"port {port} is already in use"):
            serving.claim_web_dir(tmp_path, port)


def test_a_killed_app_leaves_its_folder_free(tmp_path: Path, holder):
    holder(free_port())
    holder(free_port())
    killer = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path), str(free_port())], stdout=subprocess.PIPE, text=True
    )
    assert killer.stdout is not None and killer.stdout.readline().strip() == ".web-3"
    killer.kill()
    killer.wait()
    assert serving.claim_web_dir(tmp_path, free_port()).web == ".web-3"


def test_the_projects_bun_is_used_outside_make(tmp_path: Path):
    tools = tmp_path / ".tools" / "node_modules" / ".bin"
    tools.mkdir(parents=True)
    (tools / "bun").write_text("#!/bin/sh\n")
    (tools / "bun").chmod(0o755)
    env = serving.toolchain_env({"PATH": "/usr/bin:/bin"}, tmp_path)
    assert env["PATH"].split(os.pathsep)[0] == str(tools)
    assert env["REFLEX_USE_SYSTEM_BUN"] == "1"


def test_without_bun_serve_says_what_to_run(tmp_path: Path):
    with pytest.raises(serving.ServeRefused, match="make setup"):
        serving.toolchain_env({"PATH": str(tmp_path)}, tmp_path)
