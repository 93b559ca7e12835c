"""UI texts in pt-BR (default), es and en.

Catalogs are flat JSON files keyed by dotted names (`nav.bots`): `<lang>.json` here, plus one
`<area>/<lang>.json` per feature area folder (security, developers...), plus each node kind's own texts in
`flowstudio/nodes/<kind>/texts/<lang>.json` (found by path: this lowest layer imports nothing of the app), merged;
a key defined twice is an error. Pages read them through `SessionState.tr[...]`; Python code (errors, e-mails)
calls `translate`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES: dict[str, str] = {"pt-BR": "Português (Brasil)", "es": "Español", "en": "English"}
DEFAULT_LANGUAGE = "pt-BR"
_DIR = Path(__file__).parent
_KINDS = _DIR.parent / "nodes"
"""The node kinds' folders, each with its texts in ``texts/<lang>.json``."""


@cache
def catalog(lang: str) -> dict[str, str]:
    """The texts of one language; unknown languages fall back to the default."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    texts: dict[str, str] = json.loads((_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    for part in [*sorted(_DIR.glob(f"*/{lang}.json")), *sorted(_KINDS.glob(f"*/texts/{lang}.json"))]:
        extra = json.loads(part.read_text(encoding="utf-8"))
        clash = sorted(set(extra) & set(texts))
        if clash:
            raise ValueError(f"{part}: keys already defined elsewhere: {clash[:5]}")
        texts.update(extra)
    return texts


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """One text, formatted with `params`; a missing key falls back to pt-BR, then to the key itself."""
    text = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text


def negotiate(accept_language: str | None) -> str:
    """The best supported language for an HTTP `Accept-Language` header."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if not tag:
            continue
        for lang in LANGUAGES:
            if lang.lower() == tag or lang.split("-")[0].lower() == tag.split("-")[0]:
                return lang
    return DEFAULT_LANGUAGE
