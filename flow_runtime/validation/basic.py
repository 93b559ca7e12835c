"""Text, number and e-mail answers."""

from __future__ import annotations

import re

from flow_runtime.schema import NumberInput, TextInput
from flow_runtime.validation.result import Answer, Invalid, Valid

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)
_NUMBER = re.compile(r"^[+-]?[\d.,]*\d[\d.,]*$")


def validate_text(spec: TextInput, text: str) -> Answer:
    """Non-empty text within the length bounds and matching ``pattern`` (full match)."""
    value = text.strip()
    if not value:
        return Invalid("empty")
    if spec.min_length is not None and len(value) < spec.min_length:
        return Invalid("too_short")
    if spec.max_length is not None and len(value) > spec.max_length:
        return Invalid("too_long")
    if spec.pattern and re.fullmatch(spec.pattern, value) is None:
        return Invalid("pattern")
    return Valid(value)


def parse_number(text: str, *, language: str = "pt") -> float | None:
    """Parse ``1.234,5`` / ``1,234.5`` / ``12,5`` / ``R$ 45`` as a float, per the language's habits.

    Args:
        text: What the user typed.
        language: ``en`` reads a lone comma group as thousands; ``pt``/``es`` read a lone dot group so.

    Returns:
        The number, or ``None`` when the text is not a number.
    """
    raw = re.sub(r"(?i)^\s*(r\$|us\$|\$|€)\s*", "", text.strip()).replace(" ", "")
    if not raw or not _NUMBER.match(raw):
        return None
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        raw = raw.replace(thousands, "").replace(decimal, ".")
    elif "," in raw:
        grouped = re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", raw)
        raw = raw.replace(",", "") if grouped and language == "en" else raw.replace(",", ".")
    elif "." in raw:
        grouped = re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", raw)
        raw = raw.replace(".", "") if grouped and language != "en" else raw
    try:
        return float(raw)
    except ValueError:
        return None


def validate_number(spec: NumberInput, text: str, *, language: str) -> Answer:
    """A number within ``min``/``max``; an int when integral (always when ``integer``)."""
    value = parse_number(text, language=language)
    if value is None:
        return Invalid("not_a_number")
    if spec.integer and not value.is_integer():
        return Invalid("not_an_integer")
    if spec.min is not None and value < spec.min:
        return Invalid("below_min")
    if spec.max is not None and value > spec.max:
        return Invalid("above_max")
    return Valid(int(value) if value.is_integer() else value)


def validate_email(text: str) -> Answer:
    """An e-mail address, saved in lower case."""
    value = text.strip().strip("<>").strip()
    if len(value) > 254 or not _EMAIL.match(value) or ".." in value:
        return Invalid("not_an_email")
    return Valid(value.lower())
