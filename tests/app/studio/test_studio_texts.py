"""Texts of the studio's panels in the UI language: the emulator's hand-off line and version dates."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from flowstudio.i18n import translate
from flowstudio.pages.editor.emulator import _bubble
from flowstudio.pages.editor.versions import local_time


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pt-BR", "→ Transferido para a fila “atendimento”"),
        ("es", "→ Transferido a la cola “atendimento”"),
        ("en", "→ Handed off to the queue “atendimento”"),
    ],
)
def test_the_emulators_hand_off_line_is_translated(lang: str, expected: str) -> None:
    bubble = _bubble({"type": "handoff", "queue": "atendimento"}, lang)
    assert (bubble["role"], bubble["text"]) == ("system", expected)


@pytest.mark.parametrize(
    ("lang", "expected"), [("pt-BR", "05/03/2025 14:07"), ("es", "05/03/2025 14:07"), ("en", "Mar 05, 2025 02:07 PM")]
)
def test_version_dates_are_written_as_the_ui_language_writes_them(lang: str, expected: str) -> None:
    moment = datetime(2025, 3, 5, 17, 7, tzinfo=UTC)
    assert local_time(moment, ZoneInfo("America/Sao_Paulo"), translate("versions.date_format", lang)) == expected
