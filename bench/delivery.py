"""Deliveries per second of one Celery worker, next to a bare pooled-httpx loop measured in the same run.

Full path: N replies queued on PostgreSQL (one WhatsApp conversation each, a quarter of them reply buttons) and
their delivery tasks on Redis, as turns queue them (`tasks.publish`, one task per turn, `--per-turn` replies each);
ONE Celery worker process, started as `flowstudio worker` starts it (threads pool, concurrency 4; `--pool prefork`
to try the other) without beat, claims each message, renders it, POSTs it to a local fake Graph API and records
it sent. Baseline: a process posting the same request bodies with the same headers to the same server from as many
threads as the worker has, through one pooled `httpx.Client` and nothing else. The fake Graph API
(`bench/fake_graph.py`) runs under granian in processes of its own (`--server-workers`).

    .venv/bin/python bench/delivery.py [--count 5000] [--per-turn 1] [--pool threads] [--concurrency 4]
    .venv/bin/python bench/delivery.py --count 100000      # memory: the worker's RSS every 10,000 deliveries

Needs PostgreSQL (FLOWSTUDIO_TEST_POSTGRES_URL) and Redis (FLOWSTUDIO_TEST_REDIS_URL) as the tests do; uses a
database of its own (dropped at the end) and Redis database `--redis-db` (12: the tests use 0 and 14).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.delivery_data import drop, insert_replies, prepare, rendered_bodies  # noqa: E402

POSTGRES = os.environ.get("FLOWSTUDIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("FLOWSTUDIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
GOAL_RATE, GOAL_SHARE = 500.0, 0.50
WARM_UP = 300
RSS_EVERY = 10_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """End a process and everything it started (its own session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def start_fake_graph(workers: int, logs: Path) -> tuple[subprocess.Popen, str]:
    """granian serving `bench/fake_graph.py` on a free port with `workers` processes."""
    port = free_port()
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--workers", str(workers)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log", "fake_graph:app"]
    process = subprocess.Popen(
        command,
        cwd=ROOT / "bench",
        stdout=(logs / "fake_graph.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    import httpx

    for _ in range(300):
        try:
            if httpx.post(f"{url}/v21.0/P/messages", json={"to": "1"}).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    stop(process)
    raise RuntimeError("the fake Graph API did not start")


def start_worker(
    env: dict[str, str], queue: str, pool: str, concurrency: int, logs: Path, extra: list[str]
) -> subprocess.Popen:
    """One Celery worker process as `flowstudio worker` runs it (its pool and concurrency), without beat."""
    command = [sys.executable, "-m", "celery", "-A", "flowstudio.tasks", "worker", "--loglevel", "INFO"]
    command += ["--pool", pool, "--concurrency", str(concurrency), "-Q", queue, *extra]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=(logs / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def tree(pid: int) -> list[int]:
    """A process and its descendants (a prefork pool's children)."""
    found, pids = [], [pid]
    while pids:
        current = pids.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                pids += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def rss_mb(pid: int) -> float:
    """The resident memory of a process and its children, in MB."""
    total = 0
    for current in tree(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total / 1024


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process and its children have used so far."""
    total = 0
    for current in tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def queue_turns(turns: list[list[int]], broker: str) -> None:
    """Publish one delivery task per turn, as a turn does (`tasks.publish`), pipelined 1,000 at a time."""
    import redis

    from flowstudio.tasks.delivery import deliver
    from flowstudio.tasks.publish import publish

    client = redis.Redis.from_url(broker)
    for start in range(0, len(turns), 1000):
        pipe = client.pipeline(transaction=False)
        for ids in turns[start : start + 1000]:
            publish(deliver, [ids if len(ids) > 1 else ids[0]], pipeline=(pipe, broker))
        pipe.execute()


def settled(low: int, high: int) -> tuple[int, int]:
    """How many messages with ids in [low, high] are no longer queued, and how many of them failed."""
    import sqlalchemy as sa

    from flowstudio.db import get_engine

    with get_engine().connect() as connection:
        done, failed = connection.execute(
            sa.text(
                "SELECT count(*) FILTER (WHERE status <> 'queued'), count(*) FILTER (WHERE status = 'failed')"
                " FROM message WHERE id BETWEEN :low AND :high"
            ),
            {"low": low, "high": high},
        ).one()
    return done, failed


def wait_for(turns: list[list[int]], worker: subprocess.Popen, *, report_rss: bool = False) -> tuple[float, int]:
    """Wait until every message of `turns` is settled; seconds taken and failures. Prints the worker's RSS
    every RSS_EVERY deliveries when `report_rss`."""
    ids = [i for turn in turns for i in turn]
    low, high, started, next_report = min(ids), max(ids), time.perf_counter(), RSS_EVERY
    while True:
        done, failed = settled(low, high)
        if report_rss and done >= next_report:
            print(f"    {done:>7,} delivered: worker RSS {rss_mb(worker.pid):.1f} MB", flush=True)
            next_report += RSS_EVERY
        if done >= len(ids):
            return time.perf_counter() - started, failed
        if worker.poll() is not None:
            raise RuntimeError("the worker died")
        time.sleep(0.05)


def bare_loop(url: str, bodies: list[dict], token: str, threads: int) -> tuple[float, float]:
    """Posts per second of `threads` threads sharing one pooled client, each body once, and the CPU ms each
    post took (run in a process of its own: `--bare`)."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=threads * 2, max_keepalive_connections=threads * 2)
    with httpx.Client(http2=True, limits=limits, timeout=10) as client:
        client.post(url, json=bodies[0], headers=headers).raise_for_status()
        started, cpu = time.perf_counter(), time.process_time()

        def post(body: dict) -> None:
            client.post(url, json=body, headers=headers).raise_for_status()

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(post, bodies))
        return len(bodies) / (time.perf_counter() - started), (time.process_time() - cpu) * 1000 / len(bodies)


def run_bare(url: str, bodies: list[dict], token: str, threads: int, folder: Path) -> tuple[float, float]:
    """`bare_loop` in a fresh process (not this one's heap nor GIL), as the worker is."""
    source = folder / "bodies.json"
    source.write_text(json.dumps(bodies))
    command = [sys.executable, __file__, "--bare", url, "--bodies", str(source), "--token", token]
    answer = subprocess.run([*command, "--concurrency", str(threads)], capture_output=True, text=True, check=True)
    rate, cpu_ms = answer.stdout.strip().splitlines()[-1].split()
    return float(rate), float(cpu_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="replies to deliver")
    parser.add_argument("--per-turn", type=int, default=1, help="replies per delivery task (one turn's)")
    parser.add_argument("--pool", default="threads", choices=["threads", "prefork", "solo"])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--server-workers", type=int, default=2, help="granian processes of the fake Graph API")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--worker-option", action="append", default=[], help="passed on to `celery worker`")
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    parser.add_argument("--bodies", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        print(*bare_loop(args.bare, json.loads(Path(args.bodies).read_text()), args.token, args.concurrency))
        return
    database = f"flowstudio_bench_delivery_{uuid.uuid4().hex[:8]}"
    queue = f"bench-delivery-{database[-8:]}"
    broker = REDIS.rsplit("/", 1)[0] + f"/{args.redis_db}"
    with tempfile.TemporaryDirectory() as folder:
        logs = Path(folder)
        server, url = start_fake_graph(args.server_workers, logs)
        worker = None
        try:
            os.environ.update(FLOWSTUDIO_DATA_DIR=str(logs / "data"), FLOWSTUDIO_ENV="test", REDIS_URL=broker)
            db_url, bench = prepare(POSTGRES, database, url)
            from flowstudio.tasks.celery_app import celery_app

            celery_app.conf.task_default_queue = queue
            warm = insert_replies(bench, WARM_UP, args.per_turn)
            turns = insert_replies(bench, args.count, args.per_turn)
            path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
            env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": path}
            worker = start_worker(env, queue, args.pool, args.concurrency, logs, args.worker_option)
            queue_turns(warm, broker)
            wait_for(warm, worker)  # started, imported, pools and caches warm
            rss_start = rss_mb(worker.pid)
            print(f"{args.count:,} replies ({args.per_turn} per task), one worker ({args.pool}, {args.concurrency})")
            print(f"  worker RSS after warm-up ({WARM_UP} deliveries): {rss_start:.1f} MB")
            load_start, busy_start, cpu_start = os.getloadavg(), machine_busy(), cpu_s(worker.pid)
            started = time.perf_counter()
            queue_turns(turns, broker)
            seconds, failed = wait_for(turns, worker, report_rss=args.count >= 2 * RSS_EVERY)
            seconds = max(seconds, time.perf_counter() - started)
            rss_end, worker_cpu = rss_mb(worker.pid), cpu_s(worker.pid) - cpu_start
            load_end, busy = os.getloadavg(), [b - a for a, b in zip(busy_start, machine_busy())]
            stop(worker)
            worker = None
            rate = args.count / seconds
            bodies = rendered_bodies(bench, turns)
            base, base_cpu = run_bare(
                f"{url}/v21.0/{bench.phone_number_id}/messages", bodies, bench.token, args.concurrency, logs
            )
        except Exception:
            for name in ("worker.log", "fake_graph.log"):
                if (logs / name).exists():
                    print((logs / name).read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            if worker is not None:
                stop(worker)
            stop(server)
            drop(POSTGRES, database)
            forget(broker, queue)
    share = rate / base
    print(f"  worker deliveries      {rate:>8.1f} msg/s   {worker_cpu * 1000 / args.count:.2f} ms of worker CPU each")
    print(f"  bare pooled httpx loop {base:>8.1f} msg/s   {base_cpu:.2f} ms of CPU each ({args.concurrency} threads)")
    print(f"  worker/bare {share:.2f}   worker RSS {rss_start:.1f} -> {rss_end:.1f} MB   {failed} failed")
    print(
        f"  load average at start {fmt(load_start)}, at end {fmt(load_end)} ({os.cpu_count()} CPUs busy "
        f"{busy[0] / max(busy[1], 1):.0%} of the time while the worker ran)"
    )
    print(
        f"goal >= {GOAL_RATE:.0f} msg/s: {'OK' if rate >= GOAL_RATE else 'MISS'}; "
        f"goal >= {GOAL_SHARE:.0%} of the bare loop: {'OK' if share >= GOAL_SHARE else 'MISS'}"
    )


def machine_busy() -> tuple[int, int]:
    """Busy and total CPU ticks of the machine so far (/proc/stat), all processes, ours and others'."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)


def fmt(load: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in load)


def forget(broker: str, queue: str) -> None:
    """Remove what the run left in its Redis database (its queue, the bindings, the unacked set)."""
    import redis

    client = redis.Redis.from_url(broker)
    keys = [*client.keys(f"{queue}*"), *client.keys(f"_kombu.binding*{queue}*")]
    client.delete(*keys, "unacked", "unacked_index", "unacked_mutex")


if __name__ == "__main__":
    main()
