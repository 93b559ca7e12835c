"""Design-time lint: confusable intents found by cross-validating the bot's own triggers."""

from __future__ import annotations

from flow_runtime.nlu import TrainConfig, find_confusable_intents
from flow_runtime.nlu.lint import lint_flow
from flow_runtime.nlu.types import Example

OVERLAPPING = {
    "segunda_via": [
        "quero a segunda via do boleto",
        "preciso do boleto de novo",
        "me manda o boleto",
        "perdi meu boleto",
    ],
    "pagar_boleto": [
        "quero pagar o boleto",
        "como pago meu boleto",
        "pagar a conta do boleto",
        "me manda o boleto para pagar",
    ],
    "horario": [
        "que horas vocês abrem",
        "qual o horário de funcionamento",
        "até que horas ficam abertos",
        "vocês abrem no domingo",
    ],
}


def examples() -> list[Example]:
    return [Example(t, intent, "pt") for intent, texts in OVERLAPPING.items() for t in texts]


def test_overlapping_intents_are_reported_with_their_phrases():
    pairs = find_confusable_intents(examples(), config=TrainConfig(use_encoder=False))
    assert pairs, "boleto intents overlap"
    top = pairs[0]
    assert top.intents == ("pagar_boleto", "segunda_via")
    assert top.confusions and all(c.intent in top.intents and c.predicted in top.intents for c in top.confusions)
    assert "horario" not in {i for p in pairs for i in p.intents if p.rate >= top.rate}


def test_to_dict_is_plain_data():
    pairs = find_confusable_intents(examples(), config=TrainConfig(use_encoder=False))
    data = pairs[0].to_dict()
    assert set(data) == {"intents", "rate", "phrases"}
    assert {"text", "intent", "predicted", "probability"} <= set(data["phrases"][0])


def test_single_intent_has_nothing_to_confuse():
    assert find_confusable_intents([Example("oi tudo bem", "oi", "pt"), Example("olá", "oi", "pt")]) == []


def test_lint_flow_reports_by_intent_name(pizzaria_doc):
    pairs = lint_flow(pizzaria_doc, config=TrainConfig(language="pt", use_encoder=False), min_rate=0.0)
    names = {"horario_atendimento", "fazer_pedido", "falar_com_atendente"}
    assert all(set(p.intents) <= names for p in pairs)
