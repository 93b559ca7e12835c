"""Answers picked from a list (choice options, entity values) and locations."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from flow_runtime.text import best_fuzzy_match, chosen_number, normalize
from flow_runtime.validation.result import Answer, Invalid, Valid


def match_option(text: str, options: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """Pick an option by its value or a synonym, ignoring accents, case and small typos.

    Tries, in order: an exact match of the whole text (so an option named "2" wins), the
    option's position (``2``, ``2.``, ``opção 2``), a near-exact match of the whole text, then a
    single option whose name appears as words inside the text.

    Args:
        text: What the user typed.
        options: ``(value, synonyms)`` pairs.

    Returns:
        The chosen option's value, or ``None``.
    """
    raw = text.strip()
    candidates = [(normalize(name), value) for value, synonyms in options for name in (value, *synonyms)]
    candidates = [(name, value) for name, value in candidates if name]
    typed = normalize(raw)
    exact = next((value for name, value in candidates if name == typed), None)
    if exact is not None:
        return exact
    position = chosen_number(raw, len(options))
    if position is not None:
        return options[position][0]
    chosen = best_fuzzy_match(raw, candidates)
    if chosen is not None:
        return chosen
    padded = f" {normalize(raw)} "
    inside = {value for name, value in candidates if f" {name} " in padded}
    return inside.pop() if len(inside) == 1 else None


def validate_choice(text: str, options: Sequence[tuple[str, Sequence[str]]]) -> Answer:
    """One of the options; saved as the option's value."""
    value = match_option(text, options)
    return Valid(value) if value is not None else Invalid("not_an_option")


_LAT_LNG = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def validate_location(text: str, data: Mapping[str, Any]) -> Answer:
    """A shared location (event data ``lat``/``lng``) or ``lat, lng`` typed as text."""
    lat, lng = data.get("lat"), data.get("lng")
    if lat is None or lng is None:
        match = _LAT_LNG.match(text)
        if not match:
            return Invalid("not_a_location")
        lat, lng = float(match.group(1)), float(match.group(2))
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError):
        return Invalid("not_a_location")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return Invalid("not_a_location")
    return Valid({"lat": lat, "lng": lng})
