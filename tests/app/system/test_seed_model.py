"""`flowstudio seed` leaves the demo's intent model on disk, as publishing from the studio does (by a task), so a
web process's warm-up loads it instead of training its own."""

from __future__ import annotations

import json
import subprocess
import sys

from sqlmodel import select
from typer.testing import CliRunner

from flowstudio.cli import app
from flowstudio.db import session_scope
from flowstudio.models import Bot, FlowVersion, FlowVersionStatus
from flowstudio.services.studio.nlu import model_path

WEB_WARM_UP = (
    "import json; from flowstudio import tuning; from flowstudio.services.studio import nlu; "
    "languages = tuning.warm_up_and_freeze(); print(json.dumps({'languages': languages, 'matchers': list(nlu._cache)}))"
)


def test_seed_trains_the_demo_model_and_a_web_warm_up_loads_it() -> None:
    seeded = subprocess.run(
        [sys.executable, "-m", "flowstudio.cli", "seed"], capture_output=True, text=True, timeout=600
    )
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    with session_scope() as session:
        bot = session.exec(select(Bot).where(Bot.name == "Pizzaria Bella")).one()
        number = session.exec(
            select(FlowVersion.number).where(
                FlowVersion.bot_id == bot.id, FlowVersion.status == FlowVersionStatus.PUBLISHED
            )
        ).one()
    assert f"trained the demo bot's intent model (version {number})" in seeded.stdout
    path = model_path(bot_id=bot.id, number=number)
    assert path.is_file()

    # a web process (same warm-up as flowstudio.tuning.on_app_start): the version's matcher comes from the stored
    # model, cached as v:<bot>:<version>; had it trained, it would be cached under its intents' fingerprint
    warm = subprocess.run([sys.executable, "-c", WEB_WARM_UP], capture_output=True, text=True, timeout=600)
    assert warm.returncode == 0, warm.stderr[-3000:]
    assert json.loads(warm.stdout.strip().splitlines()[-1]) == {
        "languages": ["pt"],
        "matchers": [f"v:{bot.id}:{number}"],
    }

    stored = path.stat().st_mtime_ns
    again = CliRunner().invoke(app, ["seed"])
    assert again.exit_code == 0 and "trained" not in again.output  # already on disk: seeding again keeps it
    assert path.stat().st_mtime_ns == stored


def test_seed_trains_a_model_missing_from_an_earlier_install() -> None:
    assert CliRunner().invoke(app, ["seed"]).exit_code == 0
    with session_scope() as session:
        bot = session.exec(select(Bot).where(Bot.name == "Pizzaria Bella")).one()
    path = model_path(bot_id=bot.id, number=1)
    path.unlink()  # as seeded before seeding trained
    again = CliRunner().invoke(app, ["seed"])
    assert again.exit_code == 0 and "trained the demo bot's intent model (version 1)" in again.output
    assert path.is_file()
