"""Offline language detection, per message or once per session."""

from __future__ import annotations

import pytest

from flow_runtime.nlu import LanguagePolicy, detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("vocês estão abertos agora?", "pt"),
        ("quiero reservar una mesa para esta noche", "es"),
        ("I would like to order a large pizza", "en"),
    ],
)
def test_detects_pt_es_en(text, language):
    assert detect_language(text) == language


def test_too_short_falls_back_to_the_default():
    assert detect_language("ok", default="pt") == "pt"


def test_fixed_policy_never_detects():
    assert LanguagePolicy(mode="fixed", default="pt").resolve("I want a pizza please") == ("pt", True)


def test_per_session_policy_detects_once_then_keeps_it():
    policy = LanguagePolicy(mode="per_session", default="pt")
    language, locked = policy.resolve("quiero reservar una mesa para esta noche")
    assert (language, locked) == ("es", True)
    assert policy.resolve("I want a pizza please", current=language, locked=locked) == ("es", True)


def test_per_message_policy_follows_each_message():
    policy = LanguagePolicy(mode="per_message", default="pt")
    assert policy.resolve("I would like to order a pizza", current="pt")[0] == "en"
    assert policy.resolve("sí", current="en")[0] == "en"
