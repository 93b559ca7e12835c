"""Keyword triggers: designers' trigger phrases keep working exactly as written.

A message that equals a trigger (after normalisation) selects its intent outright. A
trigger of two or more keywords also fires when the message contains every one of them
(lemmatised, with small-typo tolerance), whatever the classifier thinks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flow_runtime.nlu.normalize import TypoCorrector, fold
from flow_runtime.nlu.pipeline import analyze

EXACT_SCORE = 1.0
KEYWORDS_SCORE = 0.9

STOPWORDS = frozenset(
    (
        "a o as os um uma uns umas de do da dos das e que eu me mim voce voces tu te se em no na nos nas por "
        "para pro com ao aos sem ja la lo le meu minha seu sua isso isto esse essa este esta el la los las un "
        "una unos unas y en con del al es yo mi tu su le les mis tus sus este esta the a an to of is are am i "
        "you it my me your and or in on at for be do does please can could would"
    ).split()
)


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger phrase of an intent, in its comparison forms."""

    intent: str
    phrase: str
    folded: str
    keywords: frozenset[str]


class KeywordTriggers:
    """Exact and all-keywords matching over the bot's trigger phrases."""

    def __init__(self, triggers: Iterable[tuple[str, str]], *, language: str = "pt") -> None:
        """Index ``(intent, phrase)`` pairs.

        Args:
            triggers: Trigger phrases with the intent each belongs to.
            language: Language used to fold and lemmatise the phrases.
        """
        self.language = language
        self.triggers: list[Trigger] = []
        self.by_phrase: dict[str, str] = {}
        for intent, phrase in triggers:
            folded = fold(phrase, language=language)
            if not folded:
                continue
            self.by_phrase.setdefault(folded, intent)
            self.triggers.append(Trigger(intent, phrase, folded, self._keywords(phrase, language)))
        vocabulary = {k for t in self.triggers for k in t.keywords}
        self._corrector = TypoCorrector(vocabulary, min_length=5)

    @staticmethod
    def _keywords(text: str, language: str) -> frozenset[str]:
        analysis = analyze(text, language=language)
        return frozenset(lem for w, lem in zip(analysis.words, analysis.lemmas) if w not in STOPWORDS)

    def match(self, text: str, *, language: str | None = None) -> list[tuple[str, float]]:
        """Intents whose triggers the message hits, best first.

        Args:
            text: What the user typed.
            language: Message language (defaults to the triggers' language).

        Returns:
            ``(intent, score)`` pairs: 1.0 for an exact trigger, 0.9 when the message holds
            every keyword of a trigger with at least two keywords.
        """
        language = language or self.language
        exact = self.by_phrase.get(fold(text, language=language))
        if exact is not None:
            return [(exact, EXACT_SCORE)]
        analysis = analyze(text, language=language)
        present = set(analysis.lemmas) | set(analysis.words)
        present |= {self._corrector.correct(w) for w in present}
        best: dict[str, int] = {}
        for trigger in self.triggers:
            if len(trigger.keywords) >= 2 and trigger.keywords <= present:
                best[trigger.intent] = max(best.get(trigger.intent, 0), len(trigger.keywords))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(intent, KEYWORDS_SCORE) for intent, _ in ranked]
