"""Memory of the default stack, as `make run` starts it, next to a bare process measured in the same run.

`make run` is `flowstudio serve`: it migrates and seeds, starts a Celery worker (thread pool, with the beat
scheduler embedded: a forked child) and `reflex run --env prod`, whose Granian supervisor imports the app and
forks its worker(s) (one without Redis, `GRANIAN_WORKERS` with it). This starts exactly that on a free port
with a data folder of its own, waits until it answers, sends a few webchat turns through the demo bot (a
first message that needs the NLU waits for the warm-up to finish, and every reply is a delivery task the
Celery worker runs), waits until the processes' memory stops moving, then prints each process's RSS and PSS
(`/proc/<pid>/smaps_rollup`: forked processes share pages, PSS splits each shared page between them, so the
PSS column adds up to what the stack costs the machine) and the totals.

Baseline, in the same run: a bare process that makes a Reflex `App()` and a `Celery()` app (what any Reflex +
Celery process holds before FlowStudio loads anything; `import reflex` alone is lazy and holds ~11 MiB).

    .venv/bin/python bench/memory.py [--runs 3] [--turns 6] [--port 0] [--keep-log]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
START_TIMEOUT_S = 600
SETTLE_S = 3.0  # the stack's total must move less than SETTLE_MIB over this long
SETTLE_MIB = 2.0
SETTLE_TIMEOUT_S = 90.0
GOAL_MIB = 1024
WEBCHAT_KEY = "pizzaria-bella"
TEXTS = ["oi", "quero pedir uma pizza", "qual o horário de funcionamento?", "vocês entregam no centro?", "obrigado"]
BASELINE = (
    "import sys; from reflex.app import App; from celery import Celery; App(); Celery(); "
    "print('ready', flush=True); sys.stdin.read()"
)


@dataclass(frozen=True)
class Proc:
    """One process of the stack: what it is, its memory in KiB, and whether it holds spaCy and the encoder."""

    pid: int
    role: str
    rss_kib: int
    pss_kib: int
    uss_kib: int
    nlu: str = ""


def nlu_loaded(pid: int) -> str:
    """Which of spaCy (its compiled modules) and the sentence encoder (its tokenizer module) `pid` has loaded."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return "?"
    spacy = "/spacy/" in maps
    return ("spaCy" if spacy else "-") + ("+USE" if spacy and _encoder_loaded(pid) else "")


def _encoder_loaded(pid: int) -> bool:
    # the encoder is pure Python + numpy: its 65 MB uint8 table shows as its cache file mapped
    # (flow_runtime.nlu.mapped), or as one anonymous mapping of that size where no cache could be written
    maps = Path(f"/proc/{pid}/maps").read_text()
    if "use-m3-embeddings" in maps:
        return True
    sizes = []
    for line in maps.splitlines():
        start, end = (int(x, 16) for x in line.split()[0].split("-"))
        sizes.append(end - start)
    return any(65_000_000 <= size <= 70_000_000 for size in sizes)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory(pid: int) -> tuple[int, int, int]:
    """(RSS, PSS, USS) of `pid` in KiB, from /proc/<pid>/smaps_rollup; zeros when it is gone."""
    fields: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, _, rest = line.partition(":")
            fields[name] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        return 0, 0, 0
    return fields.get("Rss", 0), fields.get("Pss", 0), fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _cmdline(pid: int) -> list[str]:
    try:
        return [a.decode(errors="replace") for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    except OSError:
        return []


def _role(command: list[str], parent_role: str) -> str:
    text = " ".join(command)
    if "celery" in text and "worker" in text:
        return "celery beat (embedded, forked)" if parent_role.startswith("celery worker") else "celery worker"
    if "reflex" in text and " run" in text:
        return "granian worker (forked)" if parent_role.startswith("reflex run") else "reflex run + granian supervisor"
    if "flowstudio" in text and "serve" in text:
        return "flowstudio serve (CLI parent)"
    if "granian" in text:
        return "granian worker"
    return os.path.basename(command[0]) if command else "?"


def stack(root_pid: int) -> list[Proc]:
    """Every live process under `root_pid` (itself included), with its role and memory."""
    tree, found = _children(), []
    pending = [(root_pid, "")]
    while pending:
        pid, parent_role = pending.pop(0)
        role = _role(_cmdline(pid), parent_role)
        rss, pss, uss = memory(pid)
        if rss:
            found.append(Proc(pid, role, rss, pss, uss, nlu_loaded(pid)))
        pending.extend((child, role) for child in sorted(tree.get(pid, [])))
    return found


def _env(data_dir: Path, port: int) -> dict[str, str]:
    """`make run`'s environment (the Makefile's exports) with a data folder and port of its own; no Redis nor
    PostgreSQL: `make run`'s defaults."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        PATH=f"{ROOT / '.tools/node_modules/.bin'}{os.pathsep}{BIN}{os.pathsep}{env.get('PATH', '')}",
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="false",
        FLOWSTUDIO_DATA_DIR=str(data_dir),
        FLOWSTUDIO_PORT=str(port),
        FLOWSTUDIO_ADMIN_PASSWORD="bench-memory-password",
    )
    env.pop("FLOWSTUDIO_ENV", None)
    return env


def start(data_dir: Path, port: int, log: Path) -> subprocess.Popen:
    """`flowstudio serve`, as `make run` runs it, in a session of its own; returns once the app answers."""
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "flowstudio"), "serve"],
            cwd=ROOT,
            env=_env(data_dir, port),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"flowstudio serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(1)
    stop(process)
    raise RuntimeError(f"the app did not answer in {START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen, timeout_s: float = 60.0) -> None:
    """Stop the whole stack (its session: `flowstudio serve` dies at once on SIGTERM, the worker and the web
    shut down on their own) and wait until none of it is left, so its data folder can go."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    process.wait()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    print(f"  (the stack was still stopping after {timeout_s:.0f} s: killed)")
    os.killpg(process.pid, signal.SIGKILL)


def turns(port: int, count: int) -> int:
    """`count` webchat messages through the demo bot, each waited for until its reply is delivered (the
    worker ran the delivery task); returns the replies seen."""
    base = f"http://127.0.0.1:{port}/api/v1/webchat/{WEBCHAT_KEY}"
    visitor = uuid.uuid4().hex[:16]
    replies = 0
    with httpx.Client(timeout=120) as client:
        for i in range(count):
            text = TEXTS[i % len(TEXTS)]
            sent = client.post(
                f"{base}/messages",
                json={"visitor_id": visitor, "client_message_id": uuid.uuid4().hex, "text": text},
            )
            sent.raise_for_status()
            mine = sent.json()["message_id"] or 0
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                feed = client.get(f"{base}/messages", params={"visitor": visitor, "after": mine}).json()
                if any(m.get("from") in ("bot", "agent") for m in feed["messages"]):
                    replies += 1
                    break
                time.sleep(0.3)
    return replies


def settle(root_pid: int) -> list[Proc]:
    """The stack once its total PSS has moved less than SETTLE_MIB over SETTLE_S (or after SETTLE_TIMEOUT_S)."""
    history: list[tuple[float, int]] = []
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while True:
        procs = stack(root_pid)
        now, total = time.monotonic(), sum(p.pss_kib for p in procs)
        history.append((now, total))
        window = [t for s, t in history if now - s <= SETTLE_S]
        if (now - history[0][0] >= SETTLE_S and max(window) - min(window) < SETTLE_MIB * 1024) or now > deadline:
            return procs
        time.sleep(0.5)


def baseline() -> Proc:
    """A bare process holding Reflex and Celery, nothing of FlowStudio."""
    process = subprocess.Popen(
        [sys.executable, "-c", BASELINE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert process.stdout is not None and process.stdin is not None
    process.stdout.readline()
    rss, pss, uss = memory(process.pid)
    process.stdin.close()
    process.wait()
    return Proc(process.pid, "baseline: bare reflex App() + Celery()", rss, pss, uss)


def mib(kib: int) -> str:
    """KiB as MiB, right-aligned."""
    return f"{kib / 1024:8.1f}"


def one_run(args: argparse.Namespace, number: int) -> dict[str, float]:
    """Start, warm, measure and stop the stack once; prints its table and returns its totals in MiB."""
    data_dir = Path(tempfile.mkdtemp(prefix="flowstudio-memory-"))
    log = data_dir / "serve.log"
    port = args.port or free_port()
    started = time.monotonic()
    process = start(data_dir, port, log)
    try:
        up_s = time.monotonic() - started
        replies = turns(port, args.turns)
        procs = settle(process.pid)
    finally:
        stop(process)
    base = baseline()
    print(f"\nrun {number}: up in {up_s:.0f} s, {replies}/{args.turns} replies, loadavg {os.getloadavg()}")
    print(f"  {'process':44} {'pid':>7} {'RSS MiB':>8} {'PSS MiB':>8} {'USS MiB':>8}  NLU")
    for p in [*procs, base]:
        print(f"  {p.role:44} {p.pid:7} {mib(p.rss_kib)} {mib(p.pss_kib)} {mib(p.uss_kib)}  {p.nlu}")
    rss, pss = sum(p.rss_kib for p in procs), sum(p.pss_kib for p in procs)
    print(f"  {'stack total':44} {'':7} {mib(rss)} {mib(pss)}   (goal: PSS under {GOAL_MIB} MiB)")
    if args.keep_log:
        print(f"  log: {log}")
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
    return {"rss_mib": rss / 1024, "pss_mib": pss / 1024, "baseline_pss_mib": base.pss_kib / 1024}


def main() -> None:
    """Measure the stack `--runs` times and print each run and a summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--turns", type=int, default=6, help="webchat messages through the demo bot per run")
    parser.add_argument("--port", type=int, default=0, help="0: a free one")
    parser.add_argument("--keep-log", action="store_true", help="keep each run's data folder and serve log")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, loadavg {os.getloadavg()}")
    results = [one_run(args, n + 1) for n in range(args.runs)]
    print("\nsummary (MiB): " + json.dumps(results))


if __name__ == "__main__":
    main()
