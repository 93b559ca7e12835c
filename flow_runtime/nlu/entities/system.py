"""System entities found by rule inside free text, with normalised values.

Check digits, phone plans and date parsing reuse ``flow_runtime.validation`` (the same
rules the question node applies to a whole answer); this module finds the spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from flow_runtime.nlu.entities.numbers import MONEY, NUMBER, money_value, number_value
from flow_runtime.validation.br_documents import cnpj_is_valid, cpf_is_valid
from flow_runtime.validation.dates import parse_date
from flow_runtime.validation.phone import parse_br, parse_e164

SYSTEM_TYPES = ("email", "cnpj", "cpf", "cep", "phone", "date", "time", "money", "number")
"""Entity types in the order spans are claimed (earlier types win overlaps)."""


@dataclass(frozen=True, slots=True)
class EntityMatch:
    """One entity found in a message.

    Attributes:
        type: ``email``, ``phone``, ``cpf``... or an entity list's name.
        value: Normalised value (E.164 phone, digits-only CPF, ISO date, ``HH:MM``...).
        text: The span as typed.
        start: Start offset in the message.
        end: End offset in the message.
        score: Match quality (1.0 for rules and exact list hits, lower for fuzzy hits).
    """

    type: str
    value: Any
    text: str
    start: int
    end: int
    score: float = 1.0


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?![\w-])")
_CNPJ = re.compile(r"(?<!\d)\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}(?!\d)")
_CPF = re.compile(r"(?<!\d)\d{3}\.?\d{3}\.?\d{3}-?\d{2}(?!\d)")
_CEP = re.compile(r"(?<!\d)(?:\d{5}-\d{3}|\d{2}\.\d{3}-\d{3})(?!\d)|(?i:\bcep\b\D{0,5})(\d{8})(?!\d)")
_PHONE = re.compile(r"(?<![\w+(])(?:\+|00|\()?\d[\d\s().-]{7,18}\d(?!\d)")
_MONTH = (
    r"jan\w*|fev\w*|feb\w*|mar\w*|abr\w*|apr\w*|mai\w*|may|jun\w*|jul\w*|ago\w*|aug\w*|set\w*|sep\w*"
    r"|out\w*|oct\w*|nov\w*|dez\w*|dic\w*|dec\w*|ene\w*"
)
_DATE = re.compile(
    r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)"
    r"|(?<![\d/])\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?(?![\d/])"
    rf"|\b\d{{1,2}}(?:º|o|st|nd|rd|th)?(?:\s+de)?\s+(?:{_MONTH})\b(?:\s+(?:de\s+|del\s+)?\d{{4}})?"
    rf"|\b(?:{_MONTH})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    r"|\b(?:depois de amanh[ãa]|pasado ma[ñn]ana|day after tomorrow|hoje|amanh[ãa]|ontem|anteontem"
    r"|hoy|ma[ñn]ana|ayer|anteayer|today|tomorrow|yesterday)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(?<![\d:])([01]?\d|2[0-3])(?::([0-5]\d)|h([0-5]\d)?)(?:\s*(am|pm|a\.m\.|p\.m\.))?(?![\d:])"
    r"|(?<![\d:])(1[0-2]|0?[1-9])\s*(am|pm|a\.m\.|p\.m\.)",
    re.IGNORECASE,
)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _emails(text: str, **_: Any) -> Iterator[EntityMatch]:
    for m in _EMAIL.finditer(text):
        yield EntityMatch("email", m.group().lower(), m.group(), m.start(), m.end())


def _cnpjs(text: str, **_: Any) -> Iterator[EntityMatch]:
    for m in _CNPJ.finditer(text):
        if cnpj_is_valid(_digits(m.group())):
            yield EntityMatch("cnpj", _digits(m.group()), m.group(), m.start(), m.end())


def _cpfs(text: str, **_: Any) -> Iterator[EntityMatch]:
    for m in _CPF.finditer(text):
        if cpf_is_valid(_digits(m.group())):
            yield EntityMatch("cpf", _digits(m.group()), m.group(), m.start(), m.end())


def _ceps(text: str, **_: Any) -> Iterator[EntityMatch]:
    for m in _CEP.finditer(text):
        start, span = (m.start(1), m.group(1)) if m.group(1) else (m.start(), m.group())
        digits = _digits(span)
        if digits != "0" * 8:
            yield EntityMatch("cep", f"{digits[:5]}-{digits[5:]}", span, start, start + len(span))


def _phones(text: str, **_: Any) -> Iterator[EntityMatch]:
    for m in _PHONE.finditer(text):
        raw = m.group().strip()
        value = parse_e164(raw) if raw.startswith(("+", "00")) else parse_br(raw)
        if value:
            yield EntityMatch("phone", value, raw, m.start(), m.start() + len(raw))


def _dates(text: str, *, language: str, today: date, **_: Any) -> Iterator[EntityMatch]:
    for m in _DATE.finditer(text):
        value = parse_date(m.group(), language=language, today=today)
        if value is not None:
            yield EntityMatch("date", value.isoformat(), m.group(), m.start(), m.end())


def _times(text: str, **_: Any) -> Iterator[EntityMatch]:
    for m in _TIME.finditer(text):
        if m.group(5):
            hour, minute, suffix = int(m.group(5)), 0, m.group(6)
        else:
            hour, minute, suffix = int(m.group(1)), int(m.group(2) or m.group(3) or 0), m.group(4)
        if suffix:
            pm = suffix.lower().startswith("p")
            if hour > 12:
                continue
            hour = (hour % 12) + (12 if pm else 0)
        yield EntityMatch("time", f"{hour:02d}:{minute:02d}", m.group(), m.start(), m.end())


def _money(text: str, *, language: str, **_: Any) -> Iterator[EntityMatch]:
    for m in MONEY.finditer(text):
        value = money_value(m, language=language)
        if value is not None:
            yield EntityMatch("money", value, m.group().strip(), m.start(), m.start() + len(m.group().strip()))


def _numbers(text: str, *, language: str, **_: Any) -> Iterator[EntityMatch]:
    for m in NUMBER.finditer(text):
        value = number_value(m.group(), language=language)
        if value is not None:
            yield EntityMatch("number", value, m.group(), m.start(), m.end())


_FINDERS: dict[str, Callable[..., Iterator[EntityMatch]]] = {
    "email": _emails,
    "cnpj": _cnpjs,
    "cpf": _cpfs,
    "cep": _ceps,
    "phone": _phones,
    "date": _dates,
    "time": _times,
    "money": _money,
    "number": _numbers,
}


def extract(
    text: str, *, types: tuple[str, ...] = SYSTEM_TYPES, language: str = "pt", today: date | None = None
) -> list[EntityMatch]:
    """Find system entities in a message; overlapping spans go to the earlier type in ``types``.

    Args:
        text: What the user typed.
        types: Entity types to look for, in priority order.
        language: Message language (number formats, day/month order, month names).
        today: Reference date for relative dates (``hoje``, ``mañana``); defaults to today.

    Returns:
        Matches sorted by position.
    """
    today = today or date.today()
    taken: list[tuple[int, int]] = []
    found: list[EntityMatch] = []
    for kind in types:
        for match in _FINDERS[kind](text, language=language, today=today):
            if any(match.start < e and s < match.end for s, e in taken):
                continue
            taken.append((match.start, match.end))
            found.append(match)
    return sorted(found, key=lambda m: m.start)


def extract_one(text: str, kind: str, *, language: str = "pt", today: date | None = None) -> EntityMatch | None:
    """The first entity of one type in a message (for a question's validation), or ``None``."""
    matches = extract(text, types=_priority(kind), language=language, today=today)
    return next((m for m in matches if m.type == kind), None)


def _priority(kind: str) -> tuple[str, ...]:
    # a CNPJ contains a CPF-looking run, a money amount contains a number: keep the stronger type
    if kind == "cpf":
        return ("cnpj", "cpf")
    if kind == "number":
        return ("number",)
    return (kind,)
