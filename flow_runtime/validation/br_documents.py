"""Brazilian documents: CPF and CNPJ (check digits) and CEP."""

from __future__ import annotations

import re

from flow_runtime.validation.result import Answer, Invalid, Valid

_DOC_CHARS = re.compile(r"^[\d\s./-]+$")


def _digits(text: str) -> str | None:
    raw = text.strip()
    return re.sub(r"\D", "", raw) if raw and _DOC_CHARS.match(raw) else None


def cpf_is_valid(digits: str) -> bool:
    """Whether 11 digits form a CPF with correct check digits."""
    if len(digits) != 11 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    for size in (9, 10):
        total = sum(int(d) * w for d, w in zip(digits[:size], range(size + 1, 1, -1)))
        check = (total * 10) % 11 % 10
        if check != int(digits[size]):
            return False
    return True


def cnpj_is_valid(digits: str) -> bool:
    """Whether 14 digits form a CNPJ with correct check digits."""
    if len(digits) != 14 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    weights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    for size in (12, 13):
        total = sum(int(d) * w for d, w in zip(digits[:size], weights[13 - size :]))
        remainder = total % 11
        check = 0 if remainder < 2 else 11 - remainder
        if check != int(digits[size]):
            return False
    return True


def validate_cpf(text: str) -> Answer:
    """A CPF, saved as 11 digits."""
    digits = _digits(text)
    if digits is None or len(digits) != 11:
        return Invalid("not_a_cpf")
    return Valid(digits) if cpf_is_valid(digits) else Invalid("check_digits")


def validate_cnpj(text: str) -> Answer:
    """A CNPJ, saved as 14 digits."""
    digits = _digits(text)
    if digits is None or len(digits) != 14:
        return Invalid("not_a_cnpj")
    return Valid(digits) if cnpj_is_valid(digits) else Invalid("check_digits")


def validate_cpf_cnpj(text: str) -> Answer:
    """Either a CPF or a CNPJ, told apart by length."""
    digits = _digits(text) or ""
    return validate_cnpj(text) if len(digits) == 14 else validate_cpf(text)


def validate_cep(text: str) -> Answer:
    """A CEP (``01310-100`` or ``01310100``), saved as ``NNNNN-NNN``."""
    match = re.fullmatch(r"\s*(\d{2})\.?(\d{3})-?(\d{3})\s*", text)
    if not match:
        return Invalid("not_a_cep")
    digits = "".join(match.groups())
    if digits == "0" * 8:
        return Invalid("not_a_cep")
    return Valid(f"{digits[:5]}-{digits[5:]}")
