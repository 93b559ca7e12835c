"""UI texts: three complete catalogs, and no key used in the UI that a catalog lacks."""

import re

import pytest

from flowstudio.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalog, negotiate, translate
from tests.conftest import PROJECT_ROOT


def test_every_language_has_the_same_keys_and_no_empty_text() -> None:
    reference = set(catalog(DEFAULT_LANGUAGE))
    for lang in LANGUAGES:
        texts = catalog(lang)
        assert set(texts) == reference, f"{lang}: missing {reference - set(texts)}, extra {set(texts) - reference}"
        assert all(value.strip() for value in texts.values()), lang


def test_languages_really_differ() -> None:
    assert translate("nav.settings", "pt-BR") == "Configurações"
    assert translate("nav.settings", "es") == "Configuración"
    assert translate("nav.settings", "en") == "Settings"


def test_every_key_the_ui_uses_exists() -> None:
    prefixes = sorted({key.split(".")[0] for key in catalog(DEFAULT_LANGUAGE)})
    literal = re.compile(r'"((?:%s)\.[a-z_]+)"' % "|".join(prefixes))
    used = {key for path in (PROJECT_ROOT / "flowstudio").rglob("*.py") for key in literal.findall(path.read_text())}
    assert len(used) > 20, "the scan found almost no keys: the pattern is broken"
    assert sorted(key for key in used if key not in catalog(DEFAULT_LANGUAGE)) == []


def test_translate_falls_back_and_formats() -> None:
    assert translate("nav.bots", "xx") == translate("nav.bots", DEFAULT_LANGUAGE)
    assert translate("no.such.key", "en") == "no.such.key"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("es-AR,es;q=0.9", "es"), ("en-US", "en"), ("pt-PT", "pt-BR"), ("de-DE,fr;q=0.5", "pt-BR"), (None, "pt-BR"),
     ("de, en;q=0.8", "en")],
)
def test_accept_language_negotiation(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected
