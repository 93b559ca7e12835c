"""`make run` must leave a fresh clone clean: Reflex writes `.web/package.json` back to `reflex.lock/` after
every install, so the committed file must be byte for byte what Reflex renders from it."""

from __future__ import annotations

import os
from pathlib import Path

from reflex.utils import frontend_skeleton

ROOT = Path(__file__).resolve().parents[3]


def test_the_committed_package_json_is_what_reflex_writes_back(monkeypatch):
    monkeypatch.chdir(ROOT)
    committed = (ROOT / "reflex.lock" / "package.json").read_text()
    assert frontend_skeleton._compile_package_json() == committed, (
        "reflex.lock/package.json differs from Reflex's own rendering: copy .web/package.json over it"
    )
    assert os.path.samefile(
        frontend_skeleton.get_root_lockfile_path("package.json"), ROOT / "reflex.lock" / "package.json"
    )
