"""The outcome of validating one answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Valid:
    """The answer is acceptable; ``value`` is its normalised form (saved to the variable)."""

    value: Any


@dataclass(frozen=True, slots=True)
class Invalid:
    """The answer was rejected; ``reason`` is a stable code (``too_short``, ``check_digits``...)."""

    reason: str


Answer = Valid | Invalid
