"""Plain data passed in and out of the NLU."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Example:
    """One training or test phrase.

    Attributes:
        text: The phrase.
        intent: Its intent label (for a flow: the intent node id).
        lang: Language code, or ``None`` for the model's default language.
    """

    text: str
    intent: str
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the classifier made of one message.

    Attributes:
        intent: The chosen intent, or ``None`` when the message was not understood.
        confidence: Calibrated probability (0..1) of the best intent.
        understood: Whether ``confidence`` reached the model's threshold (and the best
            label is not the out-of-scope label).
        ranking: ``(intent, probability)`` pairs, best first.
        threshold: The threshold the decision used.
    """

    intent: str | None
    confidence: float
    understood: bool
    ranking: tuple[tuple[str, float], ...] = field(default_factory=tuple)
    threshold: float = 0.5

    @property
    def best(self) -> str | None:
        """The best-ranked intent even when not understood (``None`` for an empty ranking)."""
        return self.ranking[0][0] if self.ranking else None


def read_jsonl(path: str | Path, *, default_lang: str | None = None) -> list[Example]:
    """Read ``{"text", "intent", "lang"}`` lines into examples.

    Args:
        path: A JSONL file.
        default_lang: Language for lines without ``lang``.

    Returns:
        The examples in file order (blank lines skipped).
    """
    return list(_iter_jsonl(Path(path), default_lang))


def _iter_jsonl(path: Path, default_lang: str | None) -> Iterator[Example]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                yield Example(str(row["text"]), str(row["intent"]), row.get("lang") or default_lang)


def labels(examples: Iterable[Example]) -> list[str]:
    """The distinct intents of examples, sorted."""
    return sorted({e.intent for e in examples})
