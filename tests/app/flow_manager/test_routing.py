"""The flow manager: routing rules by channel, language, variables, tags and knowledge area (a real NLU on two
small bots), the sample-message explanation, and owner changes recorded with who and why."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from flowstudio.models import Contact, Conversation, ConversationTag, Event, Message, OwnerType, RuleTarget, Tag
from flowstudio.services.flow_manager import deciding, knowledge_areas, owner_changes, placement
from flowstudio.services.flow_manager import rules as rule_service
from flowstudio.services.flow_manager.deciding import Facts
from flowstudio.services.flow_manager.rules import RoutingError
from tests.support.factories import make_bot, make_conversation, make_queue, make_user, make_workspace
from tests.support.queues import pg, published_bot  # noqa: F401 - pg is a fixture

pytestmark = pytest.mark.postgres

PIZZA = {
    "pedir_pizza": [
        "quero pedir uma pizza",
        "me vê uma pizza grande de calabresa",
        "vou querer uma pizza hoje",
        "gostaria de encomendar pizza para entrega",
    ],
    "cardapio": [
        "quais sabores de pizza vocês têm",
        "me mostra o cardápio",
        "tem pizza de chocolate",
        "qual o preço da pizza grande",
    ],
}
FINANCE = {
    "segunda_via": [
        "preciso da segunda via do boleto",
        "meu boleto venceu",
        "quero pagar a fatura atrasada",
        "como emito o boleto de novo",
    ],
    "reembolso": [
        "quero meu dinheiro de volta",
        "como peço reembolso",
        "fui cobrado duas vezes no cartão",
        "estorno da cobrança indevida",
    ],
}


def _workspace_with_queues(session: Session):
    workspace = make_workspace(session)
    default_bot = make_bot(session, workspace=workspace, name="Geral", is_default=True)
    sales = make_queue(session, workspace=workspace, name="Vendas")
    vip = make_queue(session, workspace=workspace, name="VIP")
    spanish = make_bot(session, workspace=workspace, name="Hola", language="es")
    return workspace, default_bot, sales, vip, spanish


def test_rules_by_channel_language_variable_and_tag_first_match_wins(pg: Session) -> None:
    workspace, default_bot, sales, vip, spanish = _workspace_with_queues(pg)
    wa = rule_service.create_rule(
        session=pg,
        workspace_id=workspace.id,
        name="WhatsApp to sales",
        target_type="queue",
        target_id=sales.id,
        conditions={"channels": ["whatsapp"]},
    )
    rule_service.create_rule(
        session=pg,
        workspace_id=workspace.id,
        name="Spanish",
        target_type="bot",
        target_id=spanish.id,
        conditions={"languages": ["es"]},
    )
    gold = rule_service.create_rule(
        session=pg,
        workspace_id=workspace.id,
        name="Gold plan",
        target_type="queue",
        target_id=vip.id,
        conditions={"variables": {"plano": "Ouro"}},
    )
    rule_service.create_rule(
        session=pg,
        workspace_id=workspace.id,
        name="Tagged VIP",
        target_type="queue",
        target_id=vip.id,
        conditions={"tags": ["vip"]},
    )

    def where(**facts) -> tuple[str, int, str]:
        decision = deciding.decide(session=pg, workspace_id=workspace.id, facts=Facts(**facts))
        return decision.owner_type, decision.owner_id, decision.rule_name

    assert where(channel_kind="whatsapp", language="es") == ("queue", sales.id, "WhatsApp to sales")
    assert where(channel_kind="webchat", language="es") == ("bot", spanish.id, "Spanish")
    assert where(channel_kind="webchat", language="pt", variables={"plano": " ouro "}) == ("queue", vip.id, "Gold plan")
    assert where(channel_kind="webchat", language="pt", variables={"plano": "prata"}) == (
        "bot",
        default_bot.id,
        "fallback",
    )
    assert where(channel_kind="telegram", tags=["cliente", "VIP"]) == ("queue", vip.id, "Tagged VIP")

    # order decides: the gold rule first now beats the channel rule
    rules = [r.id for r in rule_service.list_rules(session=pg, workspace_id=workspace.id)]
    rule_service.reorder_rules(
        session=pg, workspace_id=workspace.id, rule_ids=[gold.id] + [r for r in rules if r != gold.id]
    )
    assert where(channel_kind="whatsapp", variables={"plano": "ouro"}) == ("queue", vip.id, "Gold plan")
    rule_service.update_rule(session=pg, workspace_id=workspace.id, rule_id=gold.id, enabled=False)
    assert where(channel_kind="whatsapp", variables={"plano": "ouro"}) == ("queue", sales.id, "WhatsApp to sales")
    rule_service.delete_rule(session=pg, workspace_id=workspace.id, rule_id=wa.id)
    assert [r.position for r in rule_service.list_rules(session=pg, workspace_id=workspace.id)] == [0, 1, 2]


def test_without_a_default_bot_the_fallback_is_the_default_queue(pg: Session) -> None:
    workspace = make_workspace(pg)
    queue = make_queue(pg, workspace=workspace, name="Atendimento", is_default=True)
    decision = deciding.decide(session=pg, workspace_id=workspace.id, facts=Facts(text="oi"))
    assert (decision.owner_type, decision.owner_id, decision.rule_id) == ("queue", queue.id, None)


def test_bad_rules_are_refused_with_a_reason(pg: Session) -> None:
    workspace, _default, sales, _vip, _es = _workspace_with_queues(pg)
    other = make_workspace(pg)
    foreign = make_queue(pg, workspace=other)
    cases = [
        (
            {"name": "x", "target_type": "queue", "target_id": sales.id, "conditions": {"moon": ["full"]}},
            "unknown condition moon",
        ),
        (
            {"name": "x", "target_type": "queue", "target_id": sales.id, "conditions": {"channels": ["fax"]}},
            "unknown channel kind fax",
        ),
        (
            {"name": "x", "target_type": "queue", "target_id": sales.id, "conditions": {"languages": ["de"]}},
            "unknown language de",
        ),
        ({"name": "x", "target_type": "queue", "target_id": foreign.id}, "queue not found"),
        ({"name": "x", "target_type": "bot"}, "choose the bot"),
        ({"name": " ", "target_type": "knowledge"}, "needs a name"),
        ({"name": "x", "target_type": "agent", "target_id": 1}, "target must be one of"),
    ]
    for fields, message in cases:
        with pytest.raises(RoutingError, match=message):
            rule_service.create_rule(session=pg, workspace_id=workspace.id, **fields)
    assert rule_service.list_rules(session=pg, workspace_id=workspace.id) == []


def test_knowledge_area_routing_picks_the_bot_that_understands_the_message(pg: Session) -> None:
    workspace = make_workspace(pg)
    general = published_bot(pg, workspace, "Geral", default=True, greeting="Oi!")
    pizza = published_bot(pg, workspace, "Pizzas", areas=["pedidos", "cardápio"], intents=PIZZA)
    finance = published_bot(pg, workspace, "Financeiro", areas=["cobrança", "boletos"], intents=FINANCE)
    billing_queue = make_queue(pg, workspace=workspace, name="Cobrança humana")
    rule_service.create_rule(
        session=pg,
        workspace_id=workspace.id,
        name="Reclamação de cobrança no WhatsApp",
        target_type="queue",
        target_id=billing_queue.id,
        conditions={"channels": ["whatsapp"], "knowledge_areas": ["cobrança"]},
    )
    rule_service.create_rule(session=pg, workspace_id=workspace.id, name="Por área", target_type=RuleTarget.KNOWLEDGE)
    pg.commit()

    boleto = placement.explain(pg, workspace.id, "oi, preciso da segunda via do meu boleto que venceu")
    assert (boleto.owner_type, boleto.owner_id, boleto.rule_name) == ("bot", finance.id, "Por área")
    assert boleto.scores[0].bot_id == finance.id and boleto.scores[0].qualified
    assert boleto.knowledge_area in ("cobrança", "boletos")
    assert [c.matched for c in boleto.checks] == [False, True]  # webchat: the WhatsApp rule did not hold

    order = placement.explain(pg, workspace.id, "quero pedir uma pizza grande de calabresa pra entrega")
    assert (order.owner_type, order.owner_id) == ("bot", pizza.id)
    assert {s.bot_id for s in order.scores} == {general.id, pizza.id, finance.id}

    # the same billing message on WhatsApp hits the first rule (a knowledge-area condition)
    on_whatsapp = placement.explain(
        pg, workspace.id, "fui cobrado duas vezes no cartão, quero estorno", channel_kind="whatsapp"
    )
    assert (on_whatsapp.owner_type, on_whatsapp.owner_id) == ("queue", billing_queue.id)

    # nothing any bot understands: no knowledge rule holds, the default bot takes it
    unrelated = placement.explain(pg, workspace.id, "qual a previsão do tempo para amanhã em Curitiba")
    assert (unrelated.owner_type, unrelated.owner_id, unrelated.rule_name) == ("bot", general.id, "fallback")
    assert not any(s.qualified for s in unrelated.scores)
    assert "no bot understands" in " ".join(reason.text("en") for reason in unrelated.checks[1].reasons)


def test_naming_a_knowledge_area_is_extra_evidence(pg: Session) -> None:
    workspace = make_workspace(pg)
    published_bot(pg, workspace, "Pizzas", areas=["pedidos"], intents=PIZZA)
    finance = published_bot(pg, workspace, "Financeiro", areas=["boletos"], intents=FINANCE)
    pg.commit()
    plain = {
        s.bot_id: s
        for s in knowledge_areas.score_bots(session=pg, workspace_id=workspace.id, text="dúvida sobre pagamento")
    }
    named = {
        s.bot_id: s
        for s in knowledge_areas.score_bots(
            session=pg, workspace_id=workspace.id, text="dúvida sobre pagamento de boletos"
        )
    }
    assert named[finance.id].areas_named == ["boletos"] and plain[finance.id].areas_named == []
    assert named[finance.id].score == pytest.approx(
        min(1.0, named[finance.id].intent_score + knowledge_areas.AREA_EVIDENCE)
    )


def test_a_french_bot_publishes_and_is_scored(pg: Session) -> None:
    workspace = make_workspace(pg)
    french = published_bot(
        pg,
        workspace,
        "Bonjour",
        language="fr",
        areas=["livraison"],
        intents={
            "commande": ["je veux commander une pizza", "je voudrais passer une commande"],
            "horaires": ["quels sont vos horaires", "vous ouvrez à quelle heure"],
        },
    )
    pg.commit()
    [score] = knowledge_areas.score_bots(session=pg, workspace_id=workspace.id, text="je veux commander une pizza")
    assert score.bot_id == french.id and score.language == "fr" and score.intent == "commande" and score.qualified


def test_new_conversation_is_routed_and_every_owner_change_is_an_event(pg: Session) -> None:
    workspace, default_bot, sales, _vip, _es = _workspace_with_queues(pg)
    agent = make_user(pg, workspace=workspace)
    rule_service.create_rule(
        session=pg,
        workspace_id=workspace.id,
        name="Gold",
        target_type="queue",
        target_id=sales.id,
        conditions={"variables": {"plano": "ouro"}},
    )
    conversation = make_conversation(pg, workspace=workspace, bot=default_bot)
    contact = pg.get(Contact, conversation.contact_id)
    contact.variables = {"plano": "ouro"}
    tag = Tag(workspace_id=workspace.id, name="vip")
    pg.add(tag)
    pg.flush()
    pg.add(ConversationTag(conversation_id=conversation.id, tag_id=tag.id))
    pg.flush()
    assert placement.facts_for(session=pg, conversation=conversation).tags == ["vip"]

    decision = placement.route_new(session=pg, conversation=conversation, text="olá, bom dia")
    assert decision.rule_name == "Gold"
    assert (conversation.owner_type, conversation.owner_queue_id, conversation.owner_bot_id) == (
        OwnerType.QUEUE,
        sales.id,
        None,
    )
    assert conversation.last_bot_id == default_bot.id
    owner_changes.change_owner(
        session=pg,
        conversation=conversation,
        owner_type="agent",
        owner_id=agent.id,
        actor_type="user",
        actor_id=agent.id,
        reason="picked",
    )
    assert (
        owner_changes.change_owner(
            session=pg,
            conversation=conversation,
            owner_type="agent",
            owner_id=agent.id,
            actor_type="user",
            actor_id=agent.id,
            reason="again",
        )
        is None
    )
    pg.commit()
    events = pg.exec(
        select(Event)
        .where(Event.conversation_id == conversation.id, Event.name == "conversation.owner_changed")
        .order_by(Event.id)
    ).all()
    assert [(e.actor_type, e.actor_id, e.data["from"], e.data["to"]) for e in events] == [
        ("system", None, {"type": "bot", "id": default_bot.id}, {"type": "queue", "id": sales.id}),
        ("user", str(agent.id), {"type": "queue", "id": sales.id}, {"type": "agent", "id": agent.id}),
    ]
    assert events[0].data["reason"] == "routing: rule 'Gold'" and events[1].data["reason"] == "picked"
    stored = pg.get(Conversation, conversation.id)
    assert stored.owner_agent_id == agent.id and stored.owner_queue_id is None
    with pytest.raises(RoutingError, match="actor must be one of"):
        owner_changes.change_owner(
            session=pg,
            conversation=conversation,
            owner_type="bot",
            owner_id=default_bot.id,
            actor_type="martian",
            actor_id=None,
            reason="?",
        )


def test_a_bot_hands_to_another_bot_keeping_variables_and_the_other_hands_back(pg: Session, queued: list[int]) -> None:
    from tests.support.queues import say, webchat

    workspace = make_workspace(pg)
    reception = published_bot(
        pg,
        workspace,
        "Recepção",
        default=True,
        greeting="Bem-vindo à recepção.",
        intents={
            "financeiro": ["quero falar do financeiro", "assunto de boleto"],
            "horario": ["que horas abre", "qual o horário"],
        },
        set_vars={"financeiro": {"cliente": "Ana", "pedido": 42}},
        replies={"financeiro": "Vou te passar para o financeiro.", "horario": "Das 9h às 18h."},
        assign={"financeiro": {"bot": "Financeiro"}},
    )
    finance = published_bot(
        pg,
        workspace,
        "Financeiro",
        greeting="Olá ${cliente}, financeiro aqui (pedido ${pedido}).",
        intents={
            "voltar": ["quero voltar ao menu", "voltar para o início"],
            "boleto": ["segunda via do boleto", "meu boleto venceu"],
        },
        set_vars={"voltar": {"visitou_financeiro": True}},
        assign={"voltar": {"bot": "Recepção"}},
    )
    channel_id = webchat(pg, workspace)

    def texts(conversation_id: int) -> list[str]:
        return list(
            pg.exec(
                select(Message.text)
                .where(Message.conversation_id == conversation_id, Message.direction == "outbound")
                .order_by(Message.id)
            ).all()
        )

    conversation_id = say(channel_id, "oi").conversation_id
    say(channel_id, "quero falar do financeiro")
    pg.expire_all()
    conversation = pg.get(Conversation, conversation_id)
    assert conversation.owner_bot_id == finance.id and conversation.last_bot_id == reception.id
    assert conversation.session["variables"] == {"cliente": "Ana", "pedido": 42}
    assert texts(conversation_id) == [
        "Bem-vindo à recepção.",
        "Vou te passar para o financeiro.",
        "Olá Ana, financeiro aqui (pedido 42).",
    ]
    say(channel_id, "quero voltar ao menu")
    pg.expire_all()
    conversation = pg.get(Conversation, conversation_id)
    assert conversation.owner_bot_id == reception.id
    assert conversation.session["variables"] == {"cliente": "Ana", "pedido": 42, "visitou_financeiro": True}
    assert texts(conversation_id)[-1] == "Bem-vindo à recepção."
    say(channel_id, "qual o horário")
    assert texts(conversation_id)[-1] == "Das 9h às 18h."
    changes = pg.exec(
        select(Event)
        .where(Event.conversation_id == conversation_id, Event.name == "conversation.owner_changed")
        .order_by(Event.id)
    ).all()
    assert [(e.actor_type, e.actor_id, e.data["to"]) for e in changes] == [
        ("bot", str(reception.id), {"type": "bot", "id": finance.id}),
        ("bot", str(finance.id), {"type": "bot", "id": reception.id}),
    ]


def test_a_new_conversation_s_owner_comes_from_the_rules(pg: Session, queued: list[int]) -> None:
    from flowstudio.services.assignment import queues
    from tests.support.queues import say, webchat

    workspace = make_workspace(pg)
    published_bot(pg, workspace, "Geral", default=True, greeting="Oi, sou o bot.")
    sales = queues.create_queue(
        session=pg, workspace_id=workspace.id, name="Vendas", position_message="Você é o {position}º na fila."
    )
    rule_service.create_rule(
        session=pg,
        workspace_id=workspace.id,
        name="API vai para vendas",
        target_type="queue",
        target_id=sales.id,
        conditions={"channels": ["rest"]},
    )
    web = webchat(pg, workspace)
    api = webchat(pg, workspace, kind="rest")
    pg.commit()

    on_web = say(web, "olá")
    first = say(api, "olá, quero comprar", user="api-user-1")
    second = say(api, "bom dia", user="api-user-2")
    pg.expire_all()
    assert pg.get(Conversation, on_web.conversation_id).owner_type == OwnerType.BOT
    waiting = [pg.get(Conversation, r.conversation_id) for r in (first, second)]
    assert [(c.owner_type, c.owner_queue_id, c.status) for c in waiting] == [(OwnerType.QUEUE, sales.id, "pending")] * 2
    assert [pg.get(Message, m).text for m, _ in first.deliveries + second.deliveries] == [
        "Você é o 1º na fila.",
        "Você é o 2º na fila.",
    ]
    routed = pg.exec(
        select(Event).where(Event.conversation_id == first.conversation_id, Event.name == "conversation.owner_changed")
    ).one()
    assert routed.data["reason"] == "routing: rule 'API vai para vendas'" and routed.actor_type == "system"


def test_language_rules_send_spanish_and_french_customers_to_their_bots(pg: Session, queued: list[int]) -> None:
    from tests.support.queues import say, webchat

    workspace = make_workspace(pg)
    published_bot(pg, workspace, "Geral", default=True, greeting="Olá!")
    hola = published_bot(pg, workspace, "Hola", language="es", greeting="¡Hola! Soy el bot en español.")
    bonjour = published_bot(
        pg,
        workspace,
        "Bonjour",
        language="fr",
        greeting="Bonjour !",
        intents={
            "horaires": ["quels sont vos horaires", "vous ouvrez à quelle heure"],
            "commande": ["je veux commander une pizza", "passer une commande"],
        },
        replies={"horaires": "De 9h à 18h.", "commande": "Quelle pizza ?"},
    )
    rule_service.create_rule(
        session=pg,
        workspace_id=workspace.id,
        name="Espanhol",
        target_type="bot",
        target_id=hola.id,
        conditions={"languages": ["es"]},
    )
    rule_service.create_rule(
        session=pg,
        workspace_id=workspace.id,
        name="Francês",
        target_type="bot",
        target_id=bonjour.id,
        conditions={"languages": ["fr"]},
    )
    channel_id = webchat(pg, workspace)

    def last_reply(conversation_id: int) -> str:
        pg.expire_all()
        return pg.exec(
            select(Message.text)
            .where(Message.conversation_id == conversation_id, Message.direction == "outbound")
            .order_by(Message.id.desc())
        ).first()

    spanish = say(channel_id, "hola, buenos días, quisiera saber dónde está mi pedido", user="es-visitor-1")
    assert last_reply(spanish.conversation_id) == "¡Hola! Soy el bot en español."
    assert pg.get(Conversation, spanish.conversation_id).language == "es"
    french = say(channel_id, "bonjour, je voudrais des informations sur votre restaurant", user="fr-visitor-1")
    assert last_reply(french.conversation_id) == "Bonjour !"
    say(channel_id, "vous ouvrez à quelle heure ?", user="fr-visitor-1")
    assert last_reply(french.conversation_id) == "De 9h à 18h."
    portuguese = say(channel_id, "boa tarde, gostaria de saber o horário de vocês", user="pt-visitor-1")
    assert last_reply(portuguese.conversation_id) == "Olá!"
