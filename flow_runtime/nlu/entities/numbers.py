"""Numbers and money amounts in pt/es (``1.234,56``) and en (``1,234.56``) conventions."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

NUMBER = re.compile(
    r"(?<![\w.,])[-+]?\d{1,3}(?:([.,])\d{3})*(?:[.,]\d+)?(?![\w]|[.,]\d)|(?<![\w.,])[-+]?\d+(?:[.,]\d+)?(?!\w)"
)
_CURRENCY_SYMBOLS = {
    "r$": "BRL",
    "us$": "USD",
    "u$s": "USD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "eur": "EUR",
    "usd": "USD",
    "brl": "BRL",
}
_CURRENCY_WORDS = {
    "real": "BRL",
    "reais": "BRL",
    "euro": "EUR",
    "euros": "EUR",
    "dolar": "USD",
    "dolares": "USD",
    "dólar": "USD",
    "dólares": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "peso": "MXN",
    "pesos": "MXN",
    "libra": "GBP",
    "libras": "GBP",
    "pounds": "GBP",
}
_AMOUNT = r"\d[\d.,]*"
MONEY = re.compile(
    rf"(?i:(?P<sym>r\$|us\$|u\$s|\$|€|£|eur|usd|brl))\s?(?P<a1>{_AMOUNT})"
    rf"|(?P<a2>{_AMOUNT})\s?(?P<sym2>€)"
    rf"|(?P<a3>{_AMOUNT})\s+(?i:(?P<word>reais|real|euros?|d[oó]lar(?:es)?|dollars?|bucks|pesos?|libras?|pounds))\b"
)


def number_value(text: str, *, language: str = "pt") -> int | float | None:
    """Parse a number written with the language's separators.

    In pt/es ``.`` groups thousands and ``,`` marks decimals; in en the reverse. A lone
    separator followed by exactly three digits is read as grouping (``1.500`` = 1500 in pt).

    Returns:
        An ``int`` when whole, else a ``float``; ``None`` when not a number.
    """
    raw = text.strip().replace(" ", "")
    decimal_sep, group_sep = (".", ",") if language == "en" else (",", ".")
    if raw.count(decimal_sep) > 1:
        return None
    if decimal_sep in raw:
        whole, frac = raw.split(decimal_sep)
        raw = whole.replace(group_sep, "") + "." + frac
    elif group_sep in raw:
        groups = raw.split(group_sep)
        if all(len(g) == 3 for g in groups[1:]):
            raw = "".join(groups)
        elif len(groups) == 2:
            raw = ".".join(groups)
        else:
            return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def money_value(match: re.Match[str], *, language: str = "pt") -> dict[str, Any] | None:
    """``{"amount": "10.50", "currency": "BRL"}`` from a :data:`MONEY` match."""
    amount = match.group("a1") or match.group("a2") or match.group("a3")
    amount = amount.rstrip(".,")
    symbol = (match.group("sym") or match.group("sym2") or "").lower()
    if symbol:
        currency = _CURRENCY_SYMBOLS[symbol]
        if symbol == "$" and language in ("es",):
            currency = "MXN"
    else:
        currency = _CURRENCY_WORDS[match.group("word").lower()]
    number_language = "en" if symbol in ("$", "us$", "£", "usd") and "," not in amount[-3:] else language
    value = number_value(amount, language=number_language)
    if value is None:
        return None
    return {"amount": f"{Decimal(str(value)):.2f}", "currency": currency}
