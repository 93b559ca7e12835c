"""Canvas performance: how fast big flows open in the studio and how smoothly a node drags.

Runs the app as `make run` does (its own data folder and port), creates bots of 100, 300 and 1,000 nodes,
then drives Debian's Chromium with Playwright. The baseline, measured in the same run, is the 4-node flow a
new bot starts with. Prints open time (navigation to every visible node drawn) and drag-frame times
(requestAnimationFrame intervals while a node is dragged across the canvas).

    .venv/bin/python bench/canvas.py [--sizes 100 300 1000] [--frames 90]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.server import launch_chromium, start_app, stop_app  # noqa: E402

PASSWORD = "bench-password-123"
GOALS = {300: 2000.0}  # ms to open; the target


def generated_document(size: int) -> dict:
    """A flow of about `size` nodes: segments of intent -> message -> buttons -> two messages, on a grid."""
    nodes = [
        {"id": "start", "kind": "start", "position": {"x": 0, "y": 0}},
        {"id": "hello", "kind": "message", "text": "Olá!", "position": {"x": 0, "y": 170}},
        {"id": "fallback", "kind": "fallback", "position": {"x": 300, "y": 0}},
        {"id": "sorry", "kind": "message", "text": "Não entendi.", "position": {"x": 300, "y": 170}},
    ]
    edges = [
        {"id": "e0", "source": "start", "source_handle": "next", "target": "hello"},
        {"id": "e1", "source": "fallback", "source_handle": "next", "target": "sorry"},
    ]
    for segment in range((size - len(nodes)) // 5):
        x, y = (segment % 20) * 260, 400 + (segment // 20) * 700
        ids = [f"s{segment}_{part}" for part in ("intent", "msg", "menu", "a", "b")]
        nodes += [
            {
                "id": ids[0],
                "kind": "intent",
                "name": f"intencao_{segment}",
                "position": {"x": x, "y": y},
                "triggers": [f"quero o item {segment}", f"preciso do produto {segment}"],
            },
            {"id": ids[1], "kind": "message", "text": f"Sobre o item {segment}…", "position": {"x": x, "y": y + 130}},
            {
                "id": ids[2],
                "kind": "buttons",
                "text": "Escolha:",
                "position": {"x": x, "y": y + 260},
                "buttons": [{"id": f"{ids[2]}_a", "label": "Opção A"}, {"id": f"{ids[2]}_b", "label": "Opção B"}],
            },
            {"id": ids[3], "kind": "message", "text": "Você escolheu A.", "position": {"x": x - 60, "y": y + 440}},
            {"id": ids[4], "kind": "message", "text": "Você escolheu B.", "position": {"x": x + 60, "y": y + 560}},
        ]
        edges += [
            {"id": f"{ids[0]}_e1", "source": ids[0], "source_handle": "next", "target": ids[1]},
            {"id": f"{ids[0]}_e2", "source": ids[1], "source_handle": "next", "target": ids[2]},
            {"id": f"{ids[0]}_e3", "source": ids[2], "source_handle": f"{ids[2]}_a", "target": ids[3]},
            {"id": f"{ids[0]}_e4", "source": ids[2], "source_handle": f"{ids[2]}_b", "target": ids[4]},
        ]
    return {
        "schema_version": 1,
        "bot": {"name": f"Bench {len(nodes)}", "language": "pt"},
        "constants": {},
        "topics": [],
        "nodes": nodes,
        "edges": edges,
    }


def seed(data_dir: Path, sizes: list[int]) -> dict[int, int]:
    """Migrate and seed the bench app's database; one bot per size. Returns size -> bot id."""
    import os

    os.environ.update({"FLOWSTUDIO_DATA_DIR": str(data_dir), "FLOWSTUDIO_ADMIN_PASSWORD": PASSWORD})
    os.environ.pop("DATABASE_URL", None)
    from flowstudio.db import session_scope
    from flowstudio.services.studio.bots import create_bot, create_bot_from_document
    from flowstudio.services.system import migrations
    from flowstudio.services.system.seed import seed_demo

    migrations.upgrade()
    ids = {}
    with session_scope() as session:
        result = seed_demo(session=session, admin_email="admin@flowstudio.local", admin_password=PASSWORD)
        ids[4] = create_bot(session=session, workspace_id=result.workspace_id, name="Bench baseline").id
        for size in sizes:
            ids[size] = create_bot_from_document(
                session=session, workspace_id=result.workspace_id, document=generated_document(size)
            ).id
    return ids


FRAME_PROBE = """
() => { window.__frames = []; let last = performance.now();
  const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__framing) requestAnimationFrame(tick); };
  window.__framing = true; requestAnimationFrame(tick); }
"""


def measure(page, base_url: str, bot_id: int, frames: int) -> dict[str, float]:
    """Open the editor of `bot_id` and drag its start node; times in ms."""
    started = time.perf_counter()
    page.goto(f"{base_url}/bots/{bot_id}/editor")
    page.wait_for_selector('[data-testid="node-start"]', timeout=60_000)
    page.get_by_test_id("save-status").wait_for(timeout=60_000)
    opened = (time.perf_counter() - started) * 1000
    rendered = page.locator(".react-flow__node").count()
    box = page.get_by_test_id("node-start").bounding_box()
    x, y = box["x"] + box["width"] / 3, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.evaluate(FRAME_PROBE)
    for step in range(frames):
        page.mouse.move(x + step * 3, y + (step % 20) * 2)
    page.mouse.up()
    samples = page.evaluate("() => { window.__framing = false; return window.__frames.slice(1); }")
    samples = sorted(samples) or [0.0]
    return {
        "open_ms": opened,
        "rendered": rendered,
        "frame_p50": statistics.median(samples),
        "frame_p95": samples[int(len(samples) * 0.95) - 1] if len(samples) > 1 else samples[0],
        "frame_max": samples[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--frames", type=int, default=90)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="flowstudio-bench-") as folder:
        data_dir = Path(folder)
        ids = seed(data_dir, args.sizes)
        process, base_url = start_app(data_dir, data_dir / "serve.log", admin_password=PASSWORD, worker=False)
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.goto(f"{base_url}/login")
                page.get_by_test_id("login-email").fill("admin@flowstudio.local")
                page.get_by_test_id("login-password").fill(PASSWORD)
                page.get_by_test_id("login-submit").click()
                page.wait_for_url("**/bots**")
                measure(page, base_url, ids[4], 10)  # warm-up: first compile of the editor bundle
                results = {size: measure(page, base_url, bot_id, args.frames) for size, bot_id in ids.items()}
                browser.close()
        finally:
            stop_app(process)
    base = results[4]
    print(
        f"{'nodes':>6} {'drawn':>6} {'open ms':>9} {'x base':>7} {'frame p50':>10} {'p95':>7} {'max':>7} {'x base':>7}"
        "  goal"
    )
    for size, r in results.items():
        goal = GOALS.get(size)
        verdict = "" if goal is None else ("OK" if r["open_ms"] <= goal else f"MISS (> {goal:.0f} ms)")
        print(
            f"{size:>6} {r['rendered']:>6} {r['open_ms']:>9.0f} {r['open_ms'] / base['open_ms']:>7.2f} "
            f"{r['frame_p50']:>10.1f} {r['frame_p95']:>7.1f} {r['frame_max']:>7.1f} "
            f"{r['frame_p95'] / max(base['frame_p95'], 0.1):>7.2f}  {verdict}"
        )


if __name__ == "__main__":
    main()
