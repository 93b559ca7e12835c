"""Dates typed in Portuguese, Spanish or English, saved as ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flow_runtime.text import normalize
from flow_runtime.validation.result import Answer, Invalid, Valid

_MONTH_NAMES = {
    1: ("janeiro", "enero", "january"),
    2: ("fevereiro", "febrero", "february"),
    3: ("marco", "marzo", "march"),
    4: ("abril", "april"),
    5: ("maio", "mayo", "may"),
    6: ("junho", "junio", "june"),
    7: ("julho", "julio", "july"),
    8: ("agosto", "august"),
    9: ("setembro", "septiembre", "setiembre", "september"),
    10: ("outubro", "octubre", "october"),
    11: ("novembro", "noviembre", "november"),
    12: ("dezembro", "diciembre", "december"),
}
MONTHS: dict[str, int] = {}
for _number, _names in _MONTH_NAMES.items():
    for _name in _names:
        MONTHS[_name] = _number
        MONTHS.setdefault(_name[:3], _number)
MONTHS.update({"set": 9, "sept": 9, "dic": 12, "ene": 1, "out": 10, "fev": 2, "ago": 8})

_RELATIVE = {
    "hoje": 0,
    "hoy": 0,
    "today": 0,
    "amanha": 1,
    "manana": 1,
    "tomorrow": 1,
    "ontem": -1,
    "ayer": -1,
    "yesterday": -1,
    "depois de amanha": 2,
    "pasado manana": 2,
    "day after tomorrow": 2,
    "anteontem": -2,
    "antes de ayer": -2,
    "anteayer": -2,
}
_NUMERIC = re.compile(r"^\s*(\d{1,4})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?\s*$")


def _year(raw: str | None, today: date) -> int:
    if raw is None:
        return today.year
    year = int(raw)
    if len(raw) == 2:
        year += 2000 if year <= 50 else 1900
    return year


def _build(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, *, language: str = "pt", today: date) -> date | None:
    """Parse a date.

    Accepts ISO (``2024-12-25``), numeric day-first for pt/es and month-first for en
    (``25/12/2024``, ``12/25/24``; day-first is used when the first number exceeds 12),
    month names (``25 de dezembro de 2024``, ``December 25, 2024``, ``25 dic``) and
    relative words (``hoje``, ``mañana``, ``yesterday``...).

    Args:
        text: What the user typed.
        language: ``pt``, ``es`` or ``en``.
        today: The current local date (from the clock port).

    Returns:
        The date, or ``None``.
    """
    norm = normalize(text)
    if norm in _RELATIVE:
        return today + timedelta(days=_RELATIVE[norm])
    match = _NUMERIC.match(text)
    if match:
        first, second, third = match.groups()
        if len(first) == 4:
            return _build(int(first), int(second), int(third)) if third else None
        a, b = int(first), int(second)
        day, month = (b, a) if language == "en" and a <= 12 else (a, b)
        return _build(_year(third, today), month, day)
    words = [w for w in norm.split() if w not in ("de", "del", "of", "the")]
    months = [MONTHS[w] for w in words if w in MONTHS]
    numbers = [w for w in words if w.isdigit() or re.fullmatch(r"\d{1,2}(st|nd|rd|th|o)", w)]
    if len(months) != 1 or not 1 <= len(numbers) <= 2 or len(words) != len(numbers) + 1:
        return None
    digits = [re.sub(r"\D", "", n) for n in numbers]
    day_raw = next((d for d in digits if len(d) <= 2), None)
    year_raw = next((d for d in digits if len(d) == 4), None)
    if day_raw is None or (len(digits) == 2 and year_raw is None):
        return None
    return _build(_year(year_raw, today), months[0], int(day_raw))


def validate_date(text: str, *, language: str, today: date) -> Answer:
    """A date as an ISO string."""
    value = parse_date(text, language=language, today=today)
    return Valid(value.isoformat()) if value else Invalid("not_a_date")
