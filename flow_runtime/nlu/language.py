"""Offline language detection (lingua) for pt, es and en, per message or once per session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

SUPPORTED = ("pt", "es", "en")


@lru_cache(maxsize=8)
def _detector(candidates: tuple[str, ...]):
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in candidates]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def language_confidences(text: str, *, candidates: Sequence[str] = SUPPORTED) -> dict[str, float]:
    """Probability of each candidate language for ``text`` (they sum to 1)."""
    detector = _detector(tuple(candidates))
    return {
        c.language.iso_code_639_1.name.lower(): float(c.value)
        for c in detector.compute_language_confidence_values(text)
    }


def detect_language(
    text: str,
    *,
    candidates: Sequence[str] = SUPPORTED,
    default: str | None = None,
    min_confidence: float = 0.6,
    min_letters: int = 3,
) -> str | None:
    """The language of a message, or ``default`` when the text is too short or ambiguous.

    Args:
        text: What the user typed.
        candidates: Languages to choose from.
        default: Returned when unsure.
        min_confidence: Least probability the winner needs.
        min_letters: Texts with fewer letters are never classified.

    Returns:
        A language code from ``candidates``, or ``default``.
    """
    if sum(ch.isalpha() for ch in text) < min_letters:
        return default
    scores = language_confidences(text, candidates=candidates)
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= min_confidence else default


@dataclass(frozen=True, slots=True)
class LanguagePolicy:
    """The bot setting that says when to detect the language.

    Attributes:
        mode: ``fixed`` (always ``default``), ``per_session`` (detect on the first
            message that is clear enough, then keep it) or ``per_message``.
        default: The bot's language.
        candidates: Languages the bot speaks.
        min_confidence: Least detector probability to switch language.
    """

    mode: Literal["fixed", "per_session", "per_message"] = "fixed"
    default: str = "pt"
    candidates: tuple[str, ...] = SUPPORTED
    min_confidence: float = 0.6

    def resolve(self, text: str, *, current: str | None = None, locked: bool = False) -> tuple[str, bool]:
        """Language for this message and whether the session should keep it from now on.

        Args:
            text: The message.
            current: The session's language so far.
            locked: Whether ``per_session`` detection already settled it.

        Returns:
            ``(language, locked)`` to store in the session.
        """
        if self.mode == "fixed":
            return self.default, True
        if self.mode == "per_session" and locked and current:
            return current, True
        found = detect_language(text, candidates=self.candidates, default=None, min_confidence=self.min_confidence)
        if found is None:
            return current or self.default, False
        return found, self.mode == "per_session"
