"""Bots tied on score: the routing decision names the tie (the oldest bot is taken) and "Try a message" says
so in the user's language instead of picking one silently."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from flowstudio.models import RuleTarget
from flowstudio.pages.flow_manager.state import tie_text
from flowstudio.services.flow_manager import deciding, placement, rules
from flowstudio.services.flow_manager.knowledge_areas import BotScore
from tests.support.factories import make_workspace
from tests.support.queues import pg, published_bot  # noqa: F401 - pg is a fixture

PIZZA = {
    "pedir_pizza": ["quero pedir uma pizza", "me vê uma pizza grande de calabresa", "vou querer uma pizza hoje"],
    "cardapio": ["quais sabores de pizza vocês têm", "me mostra o cardápio", "qual o preço da pizza grande"],
}


def _score(bot_id: int, name: str, score: float, areas: tuple[str, ...] = ()) -> BotScore:
    return BotScore(
        bot_id=bot_id,
        bot_name=name,
        language="pt",
        knowledge_areas=list(areas),
        intent="x",
        intent_score=score,
        areas_named=list(areas),
        score=score,
        qualified=score >= 0.6,
    )


def test_tied_at_top_names_only_qualified_bots_with_the_same_standing() -> None:
    assert deciding.tied_at_top([_score(1, "A", 0.9), _score(2, "B", 0.9), _score(3, "C", 0.7)]) == ["A", "B"]
    assert deciding.tied_at_top([_score(1, "A", 0.9), _score(2, "B", 0.8)]) == []
    assert deciding.tied_at_top([_score(1, "A", 0.9, ("pedidos",)), _score(2, "B", 0.9)]) == []  # areas break it
    assert deciding.tied_at_top([_score(1, "A", 0.3), _score(2, "B", 0.3)]) == []  # nobody qualified
    assert deciding.tied_at_top([]) == []


def test_the_tie_is_said_in_each_language() -> None:
    assert tie_text([], "bot", "A", "en") == ""
    taken = tie_text(["Pizzas", "Pizzaria 2"], "bot", "Pizzas", "en")
    assert taken.startswith("Tie: Pizzas, Pizzaria 2 have the same score. Pizzas was taken")
    assert tie_text(["Pizzas", "Pizzaria 2"], "bot", "Pizzas", "pt-BR").startswith("Empate: Pizzas, Pizzaria 2")
    assert tie_text(["Pizzas", "Pizzaria 2"], "bot", "Pizzas", "es").startswith("Empate: Pizzas, Pizzaria 2")
    assert "Pizzas" in tie_text(["Pizzas", "Pizzaria 2"], "queue", "Vendas", "pt-BR")  # a rule sent it elsewhere


@pytest.mark.postgres
def test_a_knowledge_rule_between_two_equal_bots_reports_the_tie(pg: Session) -> None:
    workspace = make_workspace(pg)
    first = published_bot(pg, workspace, "Pizzas", default=True, intents=PIZZA)
    published_bot(pg, workspace, "Pizzaria 2", intents=PIZZA)
    rules.create_rule(session=pg, workspace_id=workspace.id, name="Por área", target_type=RuleTarget.KNOWLEDGE)
    pg.commit()

    decision = placement.explain(pg, workspace.id, "quero pedir uma pizza")
    assert (decision.owner_type, decision.owner_id) == ("bot", first.id)
    assert decision.tied == ["Pizzas", "Pizzaria 2"] and decision.to_dict()["tied"] == ["Pizzas", "Pizzaria 2"]
    clear = placement.explain(pg, workspace.id, "qual a previsão do tempo")
    assert clear.tied == []
