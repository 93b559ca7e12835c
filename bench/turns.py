"""Webhook turns through the whole path, next to a bare endpoint measured in the same run, with the CPU each costs.

Full path: a signed WhatsApp webhook -> signature check -> dedupe -> per-conversation Redis lock -> the
published pizzaria flow (NLU included) -> messages, events and session persisted on PostgreSQL -> delivery
queued on Redis. Baseline: a bare Starlette endpoint doing one Redis GET and SET. Both are served by
granian with the same number of workers (2, as `flowstudio serve` runs).

Two measurements, because one load cannot answer both questions:

* throughput, driven by `wrk` (compiled; see bench/load.py) with pre-signed bodies, `--connections`
  requests always in flight: turns/s of the full path against the bare endpoint's, and the web processes'
  CPU per turn (from /proc) against the bare endpoint's per request. The bare line shows the driver
  saturates it (the machine's cores are busy, wrk's own share printed). Customers write in blocks: each
  sends 8 messages ("oi", then questions the NLU answers), so one turn in eight is a first turn (new
  contact, conversation created and routed); a customer's next message comes hundreds of requests later,
  so per-conversation locks do not serialise the load;
* latency at N concurrent conversations, in a steady state, driven by a Python client (pacing needs one):
  each of N slots holds one customer at a time, who sends, waits for the reply, "types" for a random
  0.25-0.75 s (people take seconds; this is harsher) and leaves after 4-12 messages, when a new customer
  (a new contact: first turn, conversation created and routed) takes the slot; so first turns keep
  arriving all through the run (about one turn in eight). The slots start spread over the first 0.75 s and
  the first 8 s are not counted. The bare endpoint's p99 under the same driver is printed beside it.

    make bench-setup   # once: wrk (Debian) and py-spy
    .venv/bin/python bench/turns.py [--connections 64] [--conversations 32] [--seconds 20] [--workers 2]
Needs PostgreSQL (FLOWSTUDIO_TEST_POSTGRES_URL) and Redis (FLOWSTUDIO_TEST_REDIS_URL) as the tests do.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import hmac
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from load import Load, run_wrk, serve, stop, write_requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
POSTGRES = os.environ.get("FLOWSTUDIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("FLOWSTUDIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "bench-secret"
GOAL_SHARE, GOAL_CPU_MS, GOAL_P99_MS = 0.15, 2.5, 50.0
MESSAGES = 8  # per customer in the throughput run
THINK_S = 0.5  # mean pause between a reply and the next message, paced runs
LENGTHS = (4, 12)  # messages of one customer, paced runs (a pizza order takes about 8)
WARM_UP_S = 8.0  # paced runs: turns before this are not counted (nearly every slot has changed customers by then)
SEED = 7

BARE_APP = """
import redis.asyncio as redis
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
client = redis.Redis.from_url("{redis}")
async def turn(request):
    body = await request.body()
    key = "bench:bare:" + str(len(body) % 97)
    await client.get(key)
    await client.set(key, body[:64])
    return JSONResponse({{"ok": True}})
app = Starlette(routes=[Route("/turn", turn, methods=["POST"])])
"""

FULL_APP = """
import threading
from flowstudio import tuning
from flowstudio.api import create_api
from flowstudio.tasks.celery_app import celery_app
celery_app.conf.task_default_queue = "{queue}"  # the run's own queue (no worker reads it): removed afterwards
app = create_api()
tuning.set_switch_interval()
def warm():  # what the app's start does (tuning.on_app_start, its lifespan task), telling the bench when done
    tuning.warm_up_and_freeze()
    print("{warm_marker}", flush=True)
threading.Thread(target=warm, daemon=True).start()
"""
WARM_MARKER = "bench: worker warm"


def prepare(database: str) -> str:
    """A fresh database with the demo seeded and a WhatsApp channel; returns the channel key."""
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
    url = admin.url.set(database=database).render_as_string(hide_password=False)
    os.environ.update({"DATABASE_URL": url, "REDIS_URL": REDIS})
    from flowstudio.db import session_scope
    from flowstudio.services.integrations.channels import create_channel
    from flowstudio.services.studio import nlu
    from flowstudio.services.studio.drafts import version_document
    from flowstudio.services.system import migrations
    from flowstudio.services.system.seed import seed_demo

    migrations.upgrade(url)
    with session_scope() as session:
        workspace_id = seed_demo(session=session, admin_email="bench@example.com").workspace_id
        key = create_channel(
            session=session,
            workspace_id=workspace_id,
            kind="whatsapp",
            name="bench",
            config={"phone_number_id": "P", "graph_base_url": "http://127.0.0.1:9"},
            secrets={"access_token": "t", "app_secret": SECRET, "verify_token": "v"},
        ).key
        from flowstudio.models import Bot

        bot = session.exec(sa.select(Bot)).scalars().first()
        nlu.train_version(bot_id=bot.id, number=1, document=version_document(session=session, bot_id=bot.id, number=1))
    return key


def forget_queue(queue: str) -> None:
    """Remove what the run left on Redis: its deliveries (nobody consumes them), their bindings, the bare keys."""
    import redis

    client = redis.Redis.from_url(REDIS)
    client.delete(
        *client.keys(f"{queue}*"),
        *client.keys("bench:bare:*"),
        f"_kombu.binding.{queue}",
        f"_kombu.binding_permanent.{queue}",
    )


def drop(database: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def signed(payload: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


QUESTIONS = (
    "que horas vocês abrem",
    "vocês abrem que horas hoje",
    "qual o horário de funcionamento",
    "até que horas fica aberto",
    "estão abertos agora",
    "abre domingo",
    "que horas fecha hoje",
    "horário de atendimento amanhã",
    "vocês aceitam cartão",
    "tem pizza vegana",
    "qual é o endereço da loja",
    "quanto custa a entrega",
    "tem estacionamento",
    "aceitam pix",
    "qual o valor da pizza grande",
    "tem promoção hoje",
    "tem refrigerante",
)
ENDINGS = ("?", "", " por favor?", " hoje?", "??", " amigo?", " pfv", "!")


def text_of(sender: str, number: int) -> str:
    """What a customer writes: "oi", then questions the NLU must classify (hours, or out of scope), varied so
    that the NLU does real work on each (not one sentence over and over)."""
    if number == 0:
        return "oi"
    pick = random.Random(f"{sender}:{number}")
    return pick.choice(QUESTIONS) + pick.choice(ENDINGS)


def payload(sender: str, number: int) -> dict:
    text = text_of(sender, number)
    message = {
        "from": sender,
        "id": f"wamid.{sender}.{number}",
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": text},
    }
    return {
        "entry": [
            {"changes": [{"value": {"contacts": [{"wa_id": sender, "profile": {"name": "B"}}], "messages": [message]}}]}
        ]
    }


async def drive(
    url: str,
    conversations: int,
    seconds: float,
    *,
    think: float = 0.0,
    firsts: list[float] | None = None,
    lengths: tuple[int, int] | None = None,
    warm_up: float = 0.0,
) -> tuple[int, list[float]]:
    """Each of `conversations` slots sends, waits for the reply, then pauses 0.5-1.5 x `think` seconds (0: no
    pause). With `lengths` (lo, hi), a slot's customer leaves after lo-hi messages and a new customer (a new
    contact: first turn, routing) takes the slot. Turns starting in the first `warm_up` seconds are not
    counted (the run lasts `warm_up` + `seconds`). First turns' latencies also go to `firsts`, when given."""
    import httpx

    latencies: list[float] = []
    started_at = time.monotonic()
    counted, stop = started_at + warm_up, started_at + warm_up + seconds
    run = uuid.uuid4().hex[:6]
    pace = random.Random(SEED)

    async def conversation(index: int, client: httpx.AsyncClient) -> None:
        customer, number, length = 0, 0, pace.randint(*lengths) if lengths else 0
        if think:  # paced: slots start spread over the first pause, not all in the same instant
            await asyncio.sleep(think * pace.uniform(0, 1.5))
        while time.monotonic() < stop:
            if length and number == length:  # this customer is done: a new one writes
                customer, number, length = customer + 1, 0, pace.randint(*lengths)
            body, headers = signed(payload(f"55119{run}{index:03d}{customer:03d}", number))
            began, started = time.monotonic(), time.perf_counter()
            response = await client.post(url, content=body, headers=headers)
            if began >= counted:
                latencies.append((time.perf_counter() - started) * 1000)
                if number == 0 and firsts is not None:
                    firsts.append(latencies[-1])
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
            number += 1
            if think:
                await asyncio.sleep(think * pace.uniform(0.5, 1.5))

    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=conversations)) as client:
        await asyncio.gather(*(conversation(i, client) for i in range(conversations)))
    return len(latencies), latencies


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[int(len(ordered) * 0.99) - 1]


def report(name: str, count: int, latencies: list[float], seconds: float) -> dict[str, float]:
    figures = {"tps": count / seconds, "p50": statistics.median(latencies), "p99": p99(latencies)}
    print(f"{name:<28} {figures['tps']:>9.1f} turns/s   p50 {figures['p50']:>7.1f} ms   p99 {figures['p99']:>7.1f} ms")
    return figures


def throughput_requests(path: Path, count: int, connections: int) -> None:
    """`count` pre-signed turns for wrk: blocks of new customers, each sending MESSAGES messages in turn. A block
    is 4 x `connections` customers: a customer's next message comes after every other one of the block has
    sent, so never while their last one is still in flight, and one turn in MESSAGES is a first turn."""
    run, block = uuid.uuid4().hex[:6], max(4 * connections, 32)
    lines = []
    for k in range(count):
        group, number = divmod(k // block, MESSAGES)
        body, headers = signed(payload(f"55118{run}{group * block + k % block:07d}", number))
        lines.append((headers["X-Hub-Signature-256"], body))
    write_requests(path, lines)


def profile(server: subprocess.Popen, output: Path, seconds: float) -> subprocess.Popen:
    """py-spy sampling the server's worker processes while wrk runs (collapsed stacks, one line per stack)."""
    command = [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(server.pid), "--subprocesses"]
    command += ["--gil", "--format", "raw", "--rate", "200", "--duration", str(round(seconds)), "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def check(name: str, load: Load) -> None:
    if load.non2xx or load.errors:
        raise RuntimeError(f"{name}: {load.non2xx} answers not 2xx, {load.errors} socket errors")
    if load.wraps and name.startswith("full"):
        raise RuntimeError(f"{name}: the pre-signed turns ran out (raise --max-rate): repeats are cheap duplicates")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=64, help="wrk: requests in flight (throughput)")
    parser.add_argument("--conversations", type=int, default=32, help="paced conversations (latency)")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2, help="granian workers of both servers")
    parser.add_argument("--throughput-only", action="store_true", help="skip the paced latency runs")
    parser.add_argument("--profile", type=Path, help="py-spy: collapsed stacks of the full path's web processes")
    parser.add_argument("--max-rate", type=int, default=2500, help="full-path turns/s the pre-signed file covers")
    args = parser.parse_args()
    database = f"flowstudio_bench_{uuid.uuid4().hex[:8]}"
    queue = f"bench-{database[-8:]}"
    n, seconds = args.conversations, args.seconds
    with tempfile.TemporaryDirectory() as folder:
        apps = Path(folder)
        (apps / "bare_app.py").write_text(BARE_APP.format(redis=REDIS))
        (apps / "full_app.py").write_text(FULL_APP.format(warm_marker=WARM_MARKER, queue=queue))
        throughput_requests(apps / "turns.txt", int(args.max_rate * seconds), args.connections)
        try:
            os.environ["FLOWSTUDIO_DATA_DIR"] = str(apps / "data")  # where prepare() stores the trained model
            key = prepare(database)
            # This process is the paced runs' instrument, and seeding and training above left a large heap in
            # it: each full collection of it (gen 2: 100-200 ms here) stalled every request in flight, which
            # then counted as the servers' latency. Frozen, as the app's own warm-up does, it is not scanned.
            gc.collect()
            gc.freeze()
            env = {**os.environ, "FLOWSTUDIO_ENV": "test"}
            bare, bare_url = serve(apps, "bare_app", env, args.workers)
            full, full_url = serve(apps, "full_app", env, args.workers, warm_marker=WARM_MARKER)
            full_turn = f"{full_url}/webhooks/whatsapp/{key}"
            try:
                asyncio.run(drive(full_turn, 4 * args.workers, 8))  # warm-up: every worker's model and pools
                print(
                    f"throughput: wrk, {args.connections} connections, {args.workers} granian workers each, "
                    f"{seconds:.0f} s per run, load average before {os.getloadavg()[0]:.2f}"
                )
                base = run_wrk(
                    f"{bare_url}/turn", apps / "turns.txt", bare, seconds=seconds, connections=args.connections
                )
                check("bare", base)
                print(base.line("  bare Redis GET+SET (base)"))
                spy = profile(full, args.profile, seconds) if args.profile else None
                ours = run_wrk(full_turn, apps / "turns.txt", full, seconds=seconds, connections=args.connections)
                if spy:
                    spy.wait()
                check("full", ours)
                print(ours.line("  full webhook turn"))
                if args.throughput_only:
                    print(f"full/base throughput {ours.rate / base.rate:.3f}")
                    return
                print(
                    f"paced latency, Python client: {n} conversations, customers of {LENGTHS[0]}-{LENGTHS[1]} "
                    f"messages pausing {THINK_S / 2:.2f}-{THINK_S * 1.5:.2f} s; counted after {WARM_UP_S:.0f} s:"
                )
                steady = {"think": THINK_S, "lengths": LENGTHS, "warm_up": WARM_UP_S}
                report(
                    "  bare Redis GET+SET (base)",
                    *asyncio.run(drive(f"{bare_url}/turn", n, seconds, **steady)),
                    seconds,
                )
                firsts: list[float] = []
                paced = report(
                    "  full webhook turn", *asyncio.run(drive(full_turn, n, seconds, firsts=firsts, **steady)), seconds
                )
                print(
                    f"    of which the {len(firsts)} first turns (new contact and conversation, routing): "
                    f"p50 {statistics.median(firsts):.1f} ms, p99 {p99(firsts):.1f} ms"
                )
            except Exception:
                print((apps / "full_app.log").read_text()[-3000:], file=sys.stderr)
                raise
            finally:
                stop(bare)
                stop(full)
        finally:
            drop(database)
            forget_queue(queue)
    share, cpu = ours.rate / base.rate, ours.cpu_ms_per_request
    verdict = {True: "OK", False: "MISS"}
    print(
        f"full/base throughput {share:.3f} (goal >= {GOAL_SHARE:.2f}): {verdict[share >= GOAL_SHARE]}; "
        f"web CPU per turn {cpu:.2f} ms (goal <= {GOAL_CPU_MS} ms; bare {base.cpu_ms_per_request:.2f}): "
        f"{verdict[cpu <= GOAL_CPU_MS]}; paced p99 at {n} conversations {paced['p99']:.1f} ms "
        f"(goal < {GOAL_P99_MS:.0f} ms): {verdict[paced['p99'] < GOAL_P99_MS]}"
    )


if __name__ == "__main__":
    main()
