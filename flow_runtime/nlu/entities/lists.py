"""Business entity lists (value + synonyms), uploaded as CSV, matched with typo tolerance."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from flow_runtime.nlu.entities.system import EntityMatch
from flow_runtime.nlu.normalize import fold

_SYNONYM_SEPARATORS = ("|", ";")


@dataclass(frozen=True, slots=True)
class EntityValue:
    """One value of a list and the other ways people write it."""

    value: str
    synonyms: tuple[str, ...] = ()


@dataclass(slots=True)
class EntityList:
    """A named list of values for question validation and extraction.

    Attributes:
        name: Entity name (the variable type designers pick).
        values: Values with their synonyms.
        min_score: Least fuzzy score (0-100) for a typo'd hit; short forms (<= 3
            letters) must match exactly.
    """

    name: str
    values: list[EntityValue]
    min_score: float = 85.0
    _forms: list[tuple[str, str]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        seen = set()
        for item in self.values:
            for form in (item.value, *item.synonyms):
                key = fold(form)
                if key and (key, item.value) not in seen:
                    seen.add((key, item.value))
                    self._forms.append((key, item.value))

    @classmethod
    def from_rows(cls, name: str, rows: Iterable[Sequence[str]]) -> EntityList:
        """Build from rows of ``value, synonym, synonym...`` (a synonym cell may hold ``a|b``)."""
        values = []
        for row in rows:
            cells = [c.strip() for c in row if c and c.strip()]
            if not cells:
                continue
            synonyms: list[str] = []
            for cell in cells[1:]:
                parts = [cell]
                for sep in _SYNONYM_SEPARATORS:
                    parts = [p for part in parts for p in part.split(sep)]
                synonyms.extend(p.strip() for p in parts if p.strip())
            values.append(EntityValue(cells[0], tuple(synonyms)))
        return cls(name, values)

    @classmethod
    def from_csv(cls, name: str, source: str | Path) -> EntityList:
        """Read a CSV upload (a path, or the CSV text itself).

        The first column is the value, the others synonyms. A header row whose first cell is
        ``value``/``valor`` is skipped.
        """
        text = Path(source).read_text(encoding="utf-8-sig") if isinstance(source, Path) else source
        sample = text[:2048]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.reader(io.StringIO(text), dialect))
        if rows and fold(rows[0][0]) in ("value", "valor", "values", "valores"):
            rows = rows[1:]
        return cls.from_rows(name, rows)

    def match(self, text: str) -> EntityMatch | None:
        """Validate a whole answer: the value it names (exactly or with a small typo), else ``None``."""
        key = fold(text)
        if not key:
            return None
        best: tuple[float, str] | None = None
        for form, value in self._forms:
            if form == key:
                return EntityMatch(self.name, value, text, 0, len(text), 1.0)
            if len(form) > 3 and len(key) > 3:
                score = fuzz.ratio(form, key)
                if score >= self.min_score and (best is None or score > best[0]):
                    best = (score, value)
        if best is None:
            return None
        return EntityMatch(self.name, best[1], text, 0, len(text), round(best[0] / 100, 3))

    def extract(self, text: str) -> list[EntityMatch]:
        """Find list values mentioned inside a sentence (longest, best hits first claim words).

        Returns:
            Matches sorted by position; ``start``/``end`` are word offsets in the folded text.
        """
        words = fold(text).split()
        candidates: list[tuple[float, int, int, str]] = []
        for form, value in self._forms:
            size = len(form.split())
            for i in range(len(words) - size + 1):
                window = " ".join(words[i : i + size])
                if window == form:
                    score = 100.0
                elif len(form) > 3 and abs(len(window) - len(form)) <= 2:
                    score = fuzz.ratio(window, form)
                    if score < self.min_score:
                        continue
                else:
                    continue
                candidates.append((score, i, i + size, value))
        candidates.sort(key=lambda c: (-c[0], -(c[2] - c[1]), c[1]))
        used: set[int] = set()
        found = []
        for score, start, end, value in candidates:
            if used & set(range(start, end)):
                continue
            used |= set(range(start, end))
            found.append(EntityMatch(self.name, value, " ".join(words[start:end]), start, end, round(score / 100, 3)))
        return sorted(found, key=lambda m: m.start)
