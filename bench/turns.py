"""Webhook turns per second through the whole path, next to a bare endpoint measured in the same run.

Full path: a signed WhatsApp webhook -> signature check -> dedupe -> per-conversation Redis lock -> the
published pizzaria flow (NLU included) -> messages, events and session persisted on PostgreSQL -> delivery
queued on Redis. Baseline: a bare Starlette endpoint doing one Redis GET and SET. Both are served by
granian (1 worker) and driven by the same client with N concurrent conversations.

    .venv/bin/python bench/turns.py [--conversations 32] [--seconds 20]
Needs PostgreSQL (FLOWSTUDIO_TEST_POSTGRES_URL) and Redis (FLOWSTUDIO_TEST_REDIS_URL) as the tests do.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
POSTGRES = os.environ.get("FLOWSTUDIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("FLOWSTUDIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "bench-secret"
GOAL_SHARE, GOAL_P99_MS = 0.40, 50.0

BARE_APP = '''
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
'''

FULL_APP = '''
from flowstudio.api import create_api
app = create_api()
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(database: str) -> str:
    """A fresh database with the demo seeded and a WhatsApp channel; returns the channel key."""
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{database}"'))
    url = admin.url.set(database=database).render_as_string(hide_password=False)
    os.environ.update({"DATABASE_URL": url, "REDIS_URL": REDIS})
    from flowstudio.db import session_scope
    from flowstudio.services import migrations, nlu
    from flowstudio.services.channels import create_channel
    from flowstudio.services.drafts import version_document
    from flowstudio.services.seed import seed_demo

    migrations.upgrade(url)
    with session_scope() as session:
        workspace_id = seed_demo(session=session, admin_email="bench@example.com").workspace_id
        key = create_channel(session=session, workspace_id=workspace_id, kind="whatsapp", name="bench",
                             config={"phone_number_id": "P", "graph_base_url": "http://127.0.0.1:9"},
                             secrets={"access_token": "t", "app_secret": SECRET, "verify_token": "v"}).key
        from flowstudio.models import Bot

        bot = session.exec(sa.select(Bot)).scalars().first()
        nlu.train_version(bot_id=bot.id, number=1,
                          document=version_document(session=session, bot_id=bot.id, number=1))
    return key


def drop(database: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def serve(module_dir: Path, module: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "granian", "--interface", "asgi", "--workers", "1",
                                "--host", "127.0.0.1", "--port", str(port), f"{module}:app"],
                               cwd=module_dir, env={**env, "PYTHONPATH": f"{module_dir}:{ROOT}"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}"
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{module} did not start")


def signed(payload: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


def payload(sender: str, number: int) -> dict:
    text = "oi" if number == 0 else "que horas vocês abrem?"
    message = {"from": sender, "id": f"wamid.{sender}.{number}", "timestamp": str(int(time.time())),
               "type": "text", "text": {"body": text}}
    return {"entry": [{"changes": [{"value": {"contacts": [{"wa_id": sender, "profile": {"name": "B"}}],
                                              "messages": [message]}}]}]}


async def drive(url: str, conversations: int, seconds: float) -> tuple[int, list[float]]:
    import httpx

    latencies: list[float] = []
    stop = time.monotonic() + seconds
    run = uuid.uuid4().hex[:6]

    async def conversation(index: int, client: httpx.AsyncClient) -> None:
        sender, number = f"55119{run}{index:04d}", 0
        while time.monotonic() < stop:
            body, headers = signed(payload(sender, number))
            started = time.perf_counter()
            response = await client.post(url, content=body, headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
            number += 1

    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=conversations)) as client:
        await asyncio.gather(*(conversation(i, client) for i in range(conversations)))
    return len(latencies), latencies


def report(name: str, count: int, latencies: list[float], seconds: float) -> dict[str, float]:
    ordered = sorted(latencies)
    figures = {"tps": count / seconds, "p50": statistics.median(ordered), "p99": ordered[int(len(ordered) * .99) - 1]}
    print(f"{name:<28} {figures['tps']:>9.1f} turns/s   p50 {figures['p50']:>7.1f} ms   p99 {figures['p99']:>7.1f} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    database = f"flowstudio_bench_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as folder:
        apps = Path(folder)
        (apps / "bare_app.py").write_text(BARE_APP.format(redis=REDIS))
        (apps / "full_app.py").write_text(FULL_APP)
        try:
            key = prepare(database)
            env = {**os.environ, "FLOWSTUDIO_DATA_DIR": str(apps / "data"), "FLOWSTUDIO_ENV": "test"}
            os.environ["FLOWSTUDIO_DATA_DIR"] = env["FLOWSTUDIO_DATA_DIR"]
            bare, bare_url = serve(apps, "bare_app", env)
            full, full_url = serve(apps, "full_app", env)
            try:
                asyncio.run(drive(f"{full_url}/webhooks/whatsapp/{key}", 2, 3))  # warm-up: model, pools
                base = report("bare Redis GET+SET (base)", *asyncio.run(
                    drive(f"{bare_url}/turn", args.conversations, args.seconds)), args.seconds)
                ours = report("full webhook turn", *asyncio.run(
                    drive(f"{full_url}/webhooks/whatsapp/{key}", args.conversations, args.seconds)), args.seconds)
            finally:
                bare.kill()
                full.kill()
        finally:
            drop(database)
    share = ours["tps"] / base["tps"]
    print(f"full/base throughput {share:.2f} (goal >= {GOAL_SHARE:.2f}): {'OK' if share >= GOAL_SHARE else 'MISS'}; "
          f"p99 {ours['p99']:.1f} ms (goal < {GOAL_P99_MS:.0f} ms): {'OK' if ours['p99'] < GOAL_P99_MS else 'MISS'}")


if __name__ == "__main__":
    main()
