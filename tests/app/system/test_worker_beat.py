"""`flowstudio worker` runs the beat scheduler as a thread of the worker (`--beat-thread`), not as a forked copy
of it: scheduled tasks are still sent and run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from flowstudio.cli import app

WAIT_S = 300  # a generous bound on a loaded machine, not a measurement (the first sweep is due after 15 s)


def child_processes(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return children


def test_the_worker_sends_scheduled_tasks_from_a_thread(tmp_path: Path) -> None:
    assert CliRunner().invoke(app, ["migrate"]).exit_code == 0
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flowstudio.cli", "worker"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + WAIT_S
        while "Task flowstudio.assignment.sweep" not in (text := log.read_text()) or "succeeded" not in text:
            assert worker.poll() is None and time.monotonic() < deadline, text[-3000:]
            time.sleep(0.5)
        assert "beat: Starting..." in text and "Scheduler: Sending due task queue-assignment" in text
        assert child_processes(worker.pid) == []  # threads only: no forked beat (the worker exec'd in place)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    assert "beat: Shutting down..." in log.read_text()


def test_the_worker_still_stops_when_its_schedule_cannot_be_saved(tmp_path: Path) -> None:
    """The beat thread saves its schedule as it stops; when that fails (its folder removed), the worker still
    stops instead of waiting for good on a save that never happened."""
    assert CliRunner().invoke(app, ["migrate"]).exit_code == 0
    folder = tmp_path / "beat"
    folder.mkdir()
    log = tmp_path / "worker.log"
    command = [
        *(sys.executable, "-m", "celery", "-A", "flowstudio.tasks", "worker", "--pool", "threads", "-c", "1"),
        *("--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"),
        *("--beat-thread", "--schedule", str(folder / "celerybeat-schedule")),
    ]
    with log.open("w") as out:
        worker = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + WAIT_S
        while "beat: Starting..." not in (text := log.read_text()):
            assert worker.poll() is None and time.monotonic() < deadline, text[-3000:]
            time.sleep(0.5)
        shutil.rmtree(folder)
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=WAIT_S)  # (a worker waiting for good is the failure: the bound only ends the test)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    assert "beat: Shutting down..." in log.read_text()
