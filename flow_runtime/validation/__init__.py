"""Validation of question answers, one module per family of input types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flow_runtime.schema import InputSpec
from flow_runtime.validation.basic import validate_email, validate_number, validate_text
from flow_runtime.validation.br_documents import validate_cep, validate_cnpj, validate_cpf, validate_cpf_cnpj
from flow_runtime.validation.choice import validate_choice, validate_location
from flow_runtime.validation.dates import validate_date
from flow_runtime.validation.phone import validate_phone
from flow_runtime.validation.result import Answer, Invalid, Valid

__all__ = ["Answer", "Invalid", "Valid", "validate_answer"]


def validate_answer(
    spec: InputSpec,
    text: str,
    *,
    data: Mapping[str, Any] | None = None,
    language: str = "pt",
    today: date,
    entities: Mapping[str, Sequence[tuple[str, Sequence[str]]]] | None = None,
) -> Answer:
    """Validate one answer against a question's input spec.

    Args:
        spec: The question's ``input``.
        text: What the user typed (empty for a shared location).
        data: The event payload (``lat``/``lng`` for a location).
        language: Conversation language, for numbers and dates.
        today: Local date, for relative dates.
        entities: Entity lists by name, as ``(value, synonyms)`` pairs.

    Returns:
        ``Valid(normalised value)`` or ``Invalid(reason code)``.
    """
    kind = spec.type
    if kind == "text":
        return validate_text(spec, text)
    if kind == "number":
        return validate_number(spec, text, language=language)
    if kind == "email":
        return validate_email(text)
    if kind == "phone":
        return validate_phone(text, format=spec.format)
    if kind == "date":
        return validate_date(text, language=language, today=today)
    if kind == "cpf":
        return validate_cpf(text)
    if kind == "cnpj":
        return validate_cnpj(text)
    if kind == "cpf_cnpj":
        return validate_cpf_cnpj(text)
    if kind == "cep":
        return validate_cep(text)
    if kind == "location":
        return validate_location(text, data or {})
    if kind == "choice":
        return validate_choice(text, [(o.value, o.synonyms) for o in spec.options])
    if kind == "entity":
        return validate_choice(text, list((entities or {}).get(spec.entity, ())))
    return Invalid("unsupported")
