"""Phone numbers: Brazilian (DDD + number) and E.164, saved as E.164."""

from __future__ import annotations

import re

from flow_runtime.validation.result import Answer, Invalid, Valid

BR_AREA_CODES = frozenset(
    [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28]
    + list(range(31, 36))
    + [37, 38]
    + list(range(41, 47))
    + [47, 48, 49, 51, 53, 54, 55]
    + list(range(61, 70))
    + [71, 73, 74, 75, 77, 79]
    + list(range(81, 90))
    + list(range(91, 100))
)
_ALLOWED = re.compile(r"^[\d\s().+-]+$")


def parse_br(text: str) -> str | None:
    """A Brazilian number with area code (optionally +55 or a leading 0) as ``+55DDNNNNNNNNN``."""
    if not _ALLOWED.match(text.strip()):
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    elif len(digits) in (11, 12) and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) not in (10, 11) or int(digits[:2]) not in BR_AREA_CODES:
        return None
    subscriber = digits[2:]
    if len(subscriber) == 9 and subscriber[0] != "9":
        return None
    if len(subscriber) == 8 and subscriber[0] in "01":
        return None
    return "+55" + digits


def parse_e164(text: str) -> str | None:
    """An international number written with ``+`` (or ``00``): 8 to 15 digits, as ``+NNN...``."""
    raw = text.strip()
    if not _ALLOWED.match(raw):
        return None
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if not raw.startswith("+"):
        return None
    digits = re.sub(r"\D", "", raw)
    if not 8 <= len(digits) <= 15 or digits[0] == "0":
        return None
    if digits.startswith("55"):
        return parse_br(digits)
    return "+" + digits


def validate_phone(text: str, *, format: str = "any") -> Answer:
    """Validate a phone number in the ``br``, ``e164`` or ``any`` format."""
    if format == "br":
        value = parse_br(text)
    elif format == "e164":
        value = parse_e164(text)
    else:
        value = parse_e164(text) if text.strip().startswith(("+", "00")) else parse_br(text)
    return Valid(value) if value else Invalid("not_a_phone")
