"""Intent index built at compile time and the built-in keyword matcher.

The keyword matcher is deliberately simple (normalised exact phrases, then word overlap
with small-typo tolerance). The NLU issue replaces it through the ``Matcher`` port.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flow_runtime.text import fuzzy_equal, normalize

STOPWORDS = frozenset(
    (
        "a o as os um uma uns umas de do da dos das e é que eu me mim voce voces vc tu te se em no na nos nas "
        "por pra para pro com ao aos sem ja la lo le el la los las un una y en con del al es yo mi tu su lo "
        "le the an to of is are i you it my me your and or in on at for be do does please"
    ).split()
)


def content_tokens(text: str) -> frozenset[str]:
    """The meaningful words of a text (normalised, stopwords removed)."""
    words = normalize(text).split()
    kept = frozenset(w for w in words if w not in STOPWORDS)
    return kept or frozenset(words)


@dataclass(frozen=True, slots=True)
class IntentEntry:
    """One intent as the matcher sees it."""

    node_id: str
    name: str
    topic: str | None
    phrases: tuple[str, ...]
    token_sets: tuple[frozenset[str], ...]
    suggestion: str


@dataclass(frozen=True, slots=True)
class IntentScore:
    """A matcher's confidence (0..1) that the text means an intent."""

    intent_id: str
    score: float


@dataclass(slots=True)
class IntentIndex:
    """Precomputed lookup structures over a flow's intents."""

    entries: dict[str, IntentEntry] = field(default_factory=dict)
    by_phrase: dict[str, str] = field(default_factory=dict)
    by_token: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: Iterable[IntentEntry]) -> IntentIndex:
        """Index intents by exact normalised phrase and by content word."""
        index = cls()
        for entry in entries:
            index.entries[entry.node_id] = entry
            for phrase in entry.phrases:
                index.by_phrase.setdefault(phrase, entry.node_id)
            for tokens in entry.token_sets:
                for token in tokens:
                    index.by_token.setdefault(token, set()).add(entry.node_id)
        return index


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


class KeywordMatcher:
    """Scores intents by exact phrase, else by word overlap (Dice) tolerating small typos."""

    def match(self, text: str, index: IntentIndex, *, language: str = "pt") -> list[IntentScore]:
        """Rank intents for ``text``.

        Args:
            text: What the user typed.
            index: The compiled flow's intent index.
            language: Conversation language (unused by this matcher).

        Returns:
            Scores above zero, best first.
        """
        exact = index.by_phrase.get(normalize(text))
        if exact is not None:
            return [IntentScore(exact, 1.0)]
        words = self._map_typos(content_tokens(text), index)
        candidates: set[str] = set()
        for word in words:
            candidates |= index.by_token.get(word, set())
        scores = []
        for node_id in candidates:
            entry = index.entries[node_id]
            best = max((_dice(words, t) for t in entry.token_sets), default=0.0)
            if best > 0:
                scores.append(IntentScore(node_id, round(best, 4)))
        scores.sort(key=lambda s: (-s.score, s.intent_id))
        return scores

    @staticmethod
    def _map_typos(words: frozenset[str], index: IntentIndex) -> frozenset[str]:
        mapped = set()
        for word in words:
            if word in index.by_token or len(word) < 5:
                mapped.add(word)
                continue
            near = next((known for known in index.by_token if fuzzy_equal(word, known)), None)
            mapped.add(near or word)
        return frozenset(mapped)
