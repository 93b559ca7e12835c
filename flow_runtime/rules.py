"""Evaluation of condition rules over variables, tags, constants, channel, weekday and time."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flow_runtime.schema import Rule
from flow_runtime.templating import Scope, _dig, render_value
from flow_runtime.text import normalize

WEEKDAYS = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
    "seg": 0,
    "ter": 1,
    "qua": 2,
    "qui": 3,
    "sex": 4,
    "sab": 5,
    "dom": 6,
    "lun": 0,
    "mar": 1,
    "mie": 2,
    "jue": 3,
    "vie": 4,
}


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Everything a rule can read."""

    scope: Scope
    tags: frozenset[str]
    channel: str
    language: str
    local_now: datetime


def rules_hold(rules: Iterable[Rule], match: str, ctx: RuleContext) -> bool:
    """Whether ``all`` (or ``any``) of the rules hold; no rules always hold."""
    rules = list(rules)
    if not rules:
        return True
    results = (evaluate(rule, ctx) for rule in rules)
    return all(results) if match == "all" else any(results)


def evaluate(rule: Rule, ctx: RuleContext) -> bool:
    """Evaluate one rule. Unknown or uncomparable values make the rule false, never raise."""
    expected = render_value(rule.value, ctx.scope)
    try:
        if rule.source == "tag":
            has = (rule.name or "") in ctx.tags
            return not has if rule.op in ("not_exists", "ne", "not_contains") else has
        if rule.source == "weekday":
            actual: Any = ctx.local_now.weekday()
            expected = _weekdays(expected)
        elif rule.source == "time":
            actual = ctx.local_now.strftime("%H:%M")
            if rule.op == "between":
                return _between_times(actual, expected)
        else:
            actual = _actual(rule, ctx)
        return _compare(rule.op, actual, expected)
    except (TypeError, ValueError, re.error):
        return False


def _actual(rule: Rule, ctx: RuleContext) -> Any:
    name = rule.name or ""
    if rule.source == "variable":
        head, *path = name.split(".")
        return _dig(ctx.scope.variables.get(head), path, None)
    if rule.source == "constant":
        return ctx.scope.constants.get(name)
    if rule.source == "contact":
        return ctx.scope.contact.get(name)
    if rule.source == "channel":
        return ctx.channel
    return ctx.language


def _weekdays(value: Any) -> Any:
    if isinstance(value, list):
        return [_weekdays(v) for v in value]
    if isinstance(value, str):
        return WEEKDAYS.get(normalize(value)[:3], value)
    return value


def _between_times(actual: str, bounds: Any) -> bool:
    start, end = (str(b).zfill(5) for b in bounds)
    return start <= actual < end if start <= end else actual >= start or actual < end


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return None
    return None


def _same(a: Any, b: Any) -> bool:
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return na == nb
    if isinstance(a, str) and isinstance(b, str):
        return normalize(a) == normalize(b)
    return a == b


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "exists":
        return actual not in (None, "", [])
    if op == "not_exists":
        return actual in (None, "", [])
    if op == "eq":
        return _same(actual, expected)
    if op == "ne":
        return not _same(actual, expected)
    if op in ("in", "not_in"):
        items = expected if isinstance(expected, list) else [expected]
        found = any(_same(actual, item) for item in items)
        return found if op == "in" else not found
    if op in ("contains", "not_contains"):
        if isinstance(actual, list):
            found = any(_same(item, expected) for item in actual)
        else:
            found = normalize(str(expected)) in normalize(str(actual or ""))
        return found if op == "contains" else not found
    if op == "starts_with":
        return normalize(str(actual or "")).startswith(normalize(str(expected)))
    if op == "matches":
        return re.search(str(expected), str(actual or "")) is not None
    if op == "between":
        low, high = expected
        return _order("gte", actual, low) and _order("lte", actual, high)
    return _order(op, actual, expected)


def _order(op: str, actual: Any, expected: Any) -> bool:
    na, nb = _number(actual), _number(expected)
    a, b = (na, nb) if na is not None and nb is not None else (str(actual), str(expected))
    if actual is None:
        return False
    return {"gt": a > b, "gte": a >= b, "lt": a < b, "lte": a <= b}[op]
