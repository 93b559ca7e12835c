"""Answer validation for every question input type."""

from __future__ import annotations

from datetime import date

import pytest

from flow_runtime.schema import (
    CepInput,
    ChoiceInput,
    CnpjInput,
    CpfCnpjInput,
    CpfInput,
    DateInput,
    EmailInput,
    LocationInput,
    NumberInput,
    PhoneInput,
    TextInput,
)
from flow_runtime.validation import Invalid, Valid, validate_answer

TODAY = date(2024, 6, 3)


def check(spec, text, *, language="pt", data=None, entities=None):
    return validate_answer(spec, text, language=language, today=TODAY, data=data, entities=entities)


@pytest.mark.parametrize(
    ("text", "expected"), [("  Rua A, 1 ", Valid("Rua A, 1")), ("ali", Invalid("too_short")), ("", Invalid("empty"))]
)
def test_text_length(text, expected):
    assert check(TextInput(min_length=5), text) == expected


def test_text_max_length():
    assert check(TextInput(max_length=3), "abcd") == Invalid("too_long")


def test_text_pattern():
    assert check(TextInput(pattern=r"[A-Z]{3}\d{4}"), "ABC1234") == Valid("ABC1234")
    assert check(TextInput(pattern=r"[A-Z]{3}\d{4}"), "ABC12345") == Invalid("pattern")


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("42", "pt", 42),
        ("1.234,56", "pt", 1234.56),
        ("1,234.56", "en", 1234.56),
        ("12,5", "pt", 12.5),
        ("1.234", "pt", 1234),
        ("1.234", "en", 1.234),
        ("R$ 45", "pt", 45),
        ("-3", "es", -3),
    ],
)
def test_number_formats(text, language, value):
    assert check(NumberInput(), text, language=language) == Valid(value)


@pytest.mark.parametrize(
    ("spec", "text", "reason"),
    [
        (NumberInput(), "dez", "not_a_number"),
        (NumberInput(min=1, max=5), "6", "above_max"),
        (NumberInput(min=1), "0", "below_min"),
        (NumberInput(integer=True), "2,5", "not_an_integer"),
    ],
)
def test_number_rejections(spec, text, reason):
    assert check(spec, text) == Invalid(reason)


@pytest.mark.parametrize("text", ["ana@example.com", " Ana@Exemplo.com.BR "])
def test_email_valid(text):
    assert isinstance(check(EmailInput(), text), Valid)


@pytest.mark.parametrize("text", ["nao tenho", "a@b", "a@@b.com", "a b@c.com", "a..b@c.com"])
def test_email_invalid(text):
    assert check(EmailInput(), text) == Invalid("not_an_email")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("(11) 98765-4321", "+5511987654321"),
        ("11 3456-7890", "+551134567890"),
        ("+55 21 99999-8888", "+5521999998888"),
        ("021 99999 8888", "+5521999998888"),
    ],
)
def test_phone_br(text, value):
    assert check(PhoneInput(format="br"), text) == Valid(value)


@pytest.mark.parametrize("text", ["(10) 98765-4321", "11 8765-432", "(11) 88765-4321", "telefone"])
def test_phone_br_invalid(text):
    assert check(PhoneInput(format="br"), text) == Invalid("not_a_phone")


def test_phone_e164():
    assert check(PhoneInput(format="e164"), "+1 (415) 555-2671") == Valid("+14155552671")
    assert check(PhoneInput(format="e164"), "415 555 2671") == Invalid("not_a_phone")


def test_phone_any_accepts_both():
    assert check(PhoneInput(), "+34 612 345 678") == Valid("+34612345678")
    assert check(PhoneInput(), "11987654321") == Valid("+5511987654321")


@pytest.mark.parametrize(
    ("text", "language", "iso"),
    [
        ("25/12/2024", "pt", "2024-12-25"),
        ("25-12-24", "es", "2024-12-25"),
        ("12/25/2024", "en", "2024-12-25"),
        ("25/12/2024", "en", "2024-12-25"),
        ("2024-12-25", "pt", "2024-12-25"),
        ("25 de dezembro de 2024", "pt", "2024-12-25"),
        ("25 de diciembre", "es", "2024-12-25"),
        ("December 25, 2024", "en", "2024-12-25"),
        ("25 dez 2024", "pt", "2024-12-25"),
        ("amanhã", "pt", "2024-06-04"),
        ("mañana", "es", "2024-06-04"),
        ("yesterday", "en", "2024-06-02"),
        ("5/3", "pt", "2024-03-05"),
    ],
)
def test_date_formats(text, language, iso):
    assert check(DateInput(), text, language=language) == Valid(iso)


@pytest.mark.parametrize("text", ["31/02/2024", "semana que vem", "32 de maio", "2024-13-01"])
def test_date_invalid(text):
    assert check(DateInput(), text) == Invalid("not_a_date")


def test_cpf_with_valid_check_digits():
    assert check(CpfInput(), "529.982.247-25") == Valid("52998224725")


@pytest.mark.parametrize(
    ("text", "reason"), [("529.982.247-24", "check_digits"), ("111.111.111-11", "check_digits"), ("1234", "not_a_cpf")]
)
def test_cpf_invalid(text, reason):
    assert check(CpfInput(), text) == Invalid(reason)


def test_cnpj_with_valid_check_digits():
    assert check(CnpjInput(), "11.222.333/0001-81") == Valid("11222333000181")


def test_cnpj_wrong_check_digits():
    assert check(CnpjInput(), "11.222.333/0001-82") == Invalid("check_digits")


def test_cpf_or_cnpj():
    assert check(CpfCnpjInput(), "11222333000181") == Valid("11222333000181")
    assert check(CpfCnpjInput(), "52998224725") == Valid("52998224725")


@pytest.mark.parametrize(
    ("text", "value"), [("01310-100", "01310-100"), ("01310100", "01310-100"), ("01.310-100", "01310-100")]
)
def test_cep(text, value):
    assert check(CepInput(), text) == Valid(value)


@pytest.mark.parametrize("text", ["0131-100", "00000-000", "abcde-fgh"])
def test_cep_invalid(text):
    assert check(CepInput(), text) == Invalid("not_a_cep")


def test_location_typed_as_coordinates():
    assert check(LocationInput(), "-23.56, -46.65") == Valid({"lat": -23.56, "lng": -46.65})


def test_location_out_of_range():
    assert check(LocationInput(), "", data={"lat": 91, "lng": 0}) == Invalid("not_a_location")


@pytest.mark.parametrize(
    ("text", "value"),
    [("Média", "media"), ("GRANDE", "grande"), ("grnde", "grande"), ("quero a media", "media"), ("1", "grande")],
)
def test_choice_fuzzy(text, value):
    spec = ChoiceInput(options=[{"value": "grande"}, {"value": "media", "synonyms": ["média"]}])
    assert check(spec, text) == Valid(value)


def test_choice_rejects_unrelated_text():
    assert check(ChoiceInput(options=["sim", "nao"]), "talvez amanhã") == Invalid("not_an_option")
