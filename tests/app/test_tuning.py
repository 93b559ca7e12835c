"""A web process's tuning happens once, when the app starts: not when the API is built, nor inside a service."""

from __future__ import annotations

import gc
import sys

import pytest
from sqlmodel import Session

from flowstudio import tuning
from flowstudio.api import create_api
from tests.support.factories import make_workspace


@pytest.fixture
def switch_interval():
    """Puts the interpreter's switch interval back after the test."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield
    sys.setswitchinterval(before)


def test_building_the_api_leaves_the_interpreter_alone(switch_interval) -> None:
    create_api()
    assert sys.getswitchinterval() == pytest.approx(0.005)


def test_the_start_hook_sets_the_switch_interval(switch_interval, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tuning, "warm_up_and_freeze", lambda: [])  # (the warm-up has a test of its own)
    tuning.on_app_start()
    assert sys.getswitchinterval() == pytest.approx(tuning.GIL_SWITCH_INTERVAL_S)


def test_the_process_warm_up_freezes_what_it_loaded(session: Session) -> None:
    make_workspace(session)
    session.commit()
    try:
        tuning.warm_up_and_freeze()
        assert gc.get_freeze_count() > 100_000  # the lookup tables and the encoder are out of full passes
    finally:
        gc.unfreeze()
