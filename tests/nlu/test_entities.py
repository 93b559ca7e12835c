"""System entities by rule and entity lists from CSV."""

from __future__ import annotations

from datetime import date

import pytest

from flow_runtime.nlu.entities import EntityList, extract, extract_one

TODAY = date(2024, 1, 10)


def values(text: str, kind: str, language: str = "pt") -> list:
    return [m.value for m in extract(text, language=language, today=TODAY) if m.type == kind]


def test_email():
    assert values("meu email é Joao.Silva@Example.com.br ok", "email") == ["joao.silva@example.com.br"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("me liga no (11) 98765-4321", "+5511987654321"),
        ("whats +55 21 99876-5432", "+5521998765432"),
        ("call +44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_br_and_e164(text, expected):
    assert values(text, "phone") == [expected]


def test_cpf_with_valid_check_digits():
    assert values("meu cpf é 529.982.247-25", "cpf") == ["52998224725"]


def test_cpf_with_wrong_check_digits_is_not_a_cpf():
    assert values("meu cpf é 529.982.247-24", "cpf") == []
    assert extract_one("111.111.111-11", "cpf") is None


def test_cnpj_valid_and_invalid():
    assert values("cnpj 11.222.333/0001-81", "cnpj") == ["11222333000181"]
    assert values("cnpj 11.222.333/0001-82", "cnpj") == []


def test_cep():
    assert values("cep 01310-100 ou cep 01310100", "cep") == ["01310-100", "01310-100"]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("entrega dia 25/12/2024", "pt", "2024-12-25"),
        ("el 3 de marzo de 2024", "es", "2024-03-03"),
        ("on December 25, 2024", "en", "2024-12-25"),
        ("pode ser amanhã", "pt", "2024-01-11"),
        ("on 12/25/2024", "en", "2024-12-25"),
    ],
)
def test_dates(text, language, expected):
    assert values(text, "date", language) == [expected]


def test_times():
    assert values("às 19h30 ou 7pm ou 08:15", "time") == ["19:30", "19:00", "08:15"]


def test_numbers_follow_the_language():
    assert values("quero 2 pizzas e 1,5 litro", "number") == [2, 1.5]
    assert values("about 1,234.5 units", "number", "en") == [1234.5]


def test_money():
    assert values("custa R$ 1.234,56", "money") == [{"amount": "1234.56", "currency": "BRL"}]
    assert values("uns 10 reais", "money") == [{"amount": "10.00", "currency": "BRL"}]
    assert values("it was $5.99", "money", "en") == [{"amount": "5.99", "currency": "USD"}]


SABORES = "valor,sinonimos\nCalabresa,calabreza|linguiça\nQuatro queijos,4 queijos;quatro qjs\nMarguerita,margherita\n"


def test_entity_list_validates_exact_synonym_and_typo():
    flavours = EntityList.from_csv("sabor", SABORES)
    assert flavours.match("Linguiça").value == "Calabresa"
    assert flavours.match("margerita").value == "Marguerita"
    assert flavours.match("frango") is None


def test_entity_list_extracts_from_a_sentence():
    flavours = EntityList.from_csv("sabor", SABORES)
    found = flavours.extract("quero uma de 4 queijos e outra calabreza")
    assert [m.value for m in found] == ["Quatro queijos", "Calabresa"]
