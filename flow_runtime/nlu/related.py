"""The fallback chain's searches: related intents and related topics, with scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flow_runtime.nlu.types import Prediction

Ranking = Sequence[tuple[str, float]]


@dataclass(frozen=True, slots=True)
class Candidate:
    """An intent or topic offered as "did you mean", with its score (0..1)."""

    key: str
    score: float
    intents: tuple[str, ...] = ()


def _ranking(source: Prediction | Ranking) -> Ranking:
    return source.ranking if isinstance(source, Prediction) else source


def related_intents(
    source: Prediction | Ranking, *, k: int = 3, min_score: float = 0.05, exclude: Sequence[str] = ()
) -> list[Candidate]:
    """The closest intents for "did you mean" buttons.

    Args:
        source: A prediction, or ``(intent, probability)`` pairs.
        k: At most this many candidates.
        min_score: Drop candidates below this probability.
        exclude: Intents never to offer (e.g. the out-of-scope label).

    Returns:
        Candidates, best first.
    """
    out = [Candidate(i, round(s, 4)) for i, s in _ranking(source) if s >= min_score and i not in exclude]
    out.sort(key=lambda c: -c.score)
    return out[:k]


def related_topics(
    source: Prediction | Ranking,
    topic_of: Mapping[str, str | None],
    *,
    current: str | None = None,
    related: Mapping[str, Sequence[str]] | None = None,
    min_score: float = 0.05,
) -> list[Candidate]:
    """Topics ranked by the probability mass of their intents.

    Args:
        source: A prediction (use a generous ``top``) or ``(intent, probability)`` pairs.
        topic_of: Topic of each intent.
        current: Topic the conversation is in; when given, only it and its related topics count.
        related: Related topic ids of each topic.
        min_score: Drop topics below this total probability.

    Returns:
        Candidates (``key`` = topic, ``intents`` = its intents, best first), best topic first.
    """
    allowed = None
    if current is not None:
        allowed = {current, *((related or {}).get(current, ()))}
    totals: dict[str, float] = {}
    members: dict[str, list[tuple[str, float]]] = {}
    for intent, score in _ranking(source):
        topic = topic_of.get(intent)
        if topic is None or (allowed is not None and topic not in allowed):
            continue
        totals[topic] = totals.get(topic, 0.0) + score
        members.setdefault(topic, []).append((intent, score))
    out = [
        Candidate(t, round(min(total, 1.0), 4), tuple(i for i, _ in sorted(members[t], key=lambda m: -m[1])))
        for t, total in totals.items()
        if total >= min_score
    ]
    out.sort(key=lambda c: (-c.score, c.key))
    return out
