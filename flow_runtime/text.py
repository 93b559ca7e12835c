"""Text normalisation and fuzzy comparison shared by button, choice and intent matching."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NUMBERED = re.compile(r"^(?:(?:opcao|opcion|option|numero|number|num|nr|no|n) )?(\d{1,2})$")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Fold accents and case and collapse punctuation into single spaces.

    Args:
        text: Any user or designer text.

    Returns:
        The text in lower case ASCII letters and digits separated by single spaces.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped).strip()


def tokens(text: str) -> tuple[str, ...]:
    """Split normalised text into words."""
    norm = normalize(text)
    return tuple(norm.split()) if norm else ()


def levenshtein(a: str, b: str, *, limit: int | None = None) -> int:
    """Edit distance between two strings, stopping early once ``limit`` is exceeded.

    Args:
        a: First string.
        b: Second string.
        limit: Optional bound; when the distance is surely greater, ``limit + 1`` is returned.

    Returns:
        The Levenshtein distance (or ``limit + 1`` when above the limit).
    """
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def typo_budget(length: int) -> int:
    """How many edits still count as "a small typo" for a word or phrase of this length."""
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    return 2


def fuzzy_equal(a: str, b: str) -> bool:
    """Whether two already-normalised strings are equal up to a small typo."""
    budget = typo_budget(min(len(a), len(b)))
    return levenshtein(a, b, limit=budget) <= budget


def best_fuzzy_match(text: str, candidates: Sequence[tuple[str, str]]) -> str | None:
    """Pick the candidate whose normalised label equals ``text`` up to a small typo.

    Args:
        text: Raw user text.
        candidates: ``(normalised_label, key)`` pairs.

    Returns:
        The key of the single best candidate, or ``None`` when nothing is close or
        two candidates are equally close.
    """
    norm = normalize(text)
    if not norm:
        return None
    best: list[tuple[int, str]] = []
    for label, key in candidates:
        if label == norm:
            return key
        budget = typo_budget(min(len(label), len(norm)))
        distance = levenshtein(label, norm, limit=budget)
        if distance <= budget:
            best.append((distance, key))
    if not best:
        return None
    best.sort()
    if len(best) > 1 and best[0][0] == best[1][0] and best[0][1] != best[1][1]:
        return None
    return best[0][1]


def chosen_number(text: str, count: int) -> int | None:
    """The position a reply picks by number from a list of ``count`` items.

    The whole reply must be the number, alone or with light decoration: ``2``, ``2.``,
    ``2)``, ``#2``, ``opção 2``, ``option 2``, ``nº 2``; anything longer is not a pick.

    Args:
        text: Raw user text.
        count: How many items were offered.

    Returns:
        The 0-based index, or ``None`` when the text is not a number from 1 to ``count``.
    """
    match = _NUMBERED.match(normalize(text))
    if match is None:
        return None
    number = int(match.group(1))
    return number - 1 if 1 <= number <= count else None


def word_count(text: str) -> int:
    """Number of words in a text after normalisation."""
    return len(tokens(text))


def unique(items: Iterable[str]) -> list[str]:
    """Keep the first occurrence of each item, preserving order."""
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
