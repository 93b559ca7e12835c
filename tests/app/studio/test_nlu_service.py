"""The app's NLU: one model per set of intents, and a published version's model trained off the request."""

import copy

from sqlmodel import Session

from flow_runtime.nlu import IntentModel
from flowstudio.demo import demo_flow
from flowstudio.services.studio import bots, drafts, nlu
from tests.support.factories import make_workspace


def test_matchers_are_shared_until_the_intents_change() -> None:
    document = demo_flow()
    first = nlu.matcher_for(document)
    reworded = copy.deepcopy(document)
    next(n for n in reworded["nodes"] if n["id"] == "m_horario")["text"] = "Outro texto"
    assert nlu.matcher_for(reworded) is first  # messages do not matter to the classifier
    retrained = copy.deepcopy(document)
    next(n for n in retrained["nodes"] if n["id"] == "i_pedido")["triggers"].append("manda uma pizza aí")
    assert nlu.matcher_for(retrained) is not first


def test_the_publish_task_trains_and_stores_the_version_model(session: Session) -> None:
    from flowstudio.tasks.nlu import train_published_version

    workspace = make_workspace(session)
    bot = bots.create_bot_from_document(session=session, workspace_id=workspace.id, document=demo_flow())
    drafts.publish(session=session, bot_id=bot.id, author_id=None, changelog="v1")
    session.commit()
    path = train_published_version.run(bot.id, 1)
    assert path == str(nlu.model_path(bot_id=bot.id, number=1))
    model = IntentModel.load(path)
    assert model.predict("vcs tão abertos agora?").intent == "i_horario"
    assert train_published_version.run(bot.id, 9) is None


def test_warm_up_loads_the_languages_of_the_workspace_bots(session: Session, monkeypatch) -> None:
    from flow_runtime.nlu import pipeline

    workspace = make_workspace(session)
    for name, language in (("Pizzaria", "pt"), ("Cantina", "es"), ("Bistrot", "fr")):
        bots.create_bot(session=session, workspace_id=workspace.id, name=name, language=language)
    session.commit()
    built: list[str] = []
    monkeypatch.setattr(pipeline, "_pipelines", {})
    real_build = pipeline._build_pipeline
    monkeypatch.setattr(pipeline, "_build_pipeline", lambda lang: built.append(lang) or real_build(lang))
    assert nlu.warm_up() == ["es", "pt"]  # fr has no NLU pipeline of its own
    assert built == ["es", "pt"]
    pipeline.analyze("quiero una pizza", language="es")
    assert built == ["es", "pt"]  # the first message found it loaded


def test_warm_up_loads_each_published_bots_matcher(session: Session) -> None:
    from flowstudio.tasks.nlu import train_published_version

    workspace = make_workspace(session)
    bot = bots.create_bot_from_document(session=session, workspace_id=workspace.id, document=demo_flow())
    bots.create_bot(session=session, workspace_id=workspace.id, name="Rascunho", language="pt")  # never published
    drafts.publish(session=session, bot_id=bot.id, author_id=None, changelog="v1")
    session.commit()
    other = demo_flow()
    other["bot"]["name"] = "Pizzaria Filial"
    broken = bots.create_bot_from_document(session=session, workspace_id=workspace.id, document=other)
    drafts.publish(session=session, bot_id=broken.id, author_id=None, changelog="v1")
    session.commit()
    train_published_version.run(bot.id, 1)
    nlu.model_path(bot_id=broken.id, number=1).parent.mkdir(parents=True, exist_ok=True)
    nlu.model_path(bot_id=broken.id, number=1).write_bytes(b"not a model")  # a damaged file on disk
    nlu._cache.clear()
    nlu.warm_up()
    matcher = nlu._cache[f"v:{bot.id}:1"]  # the stored model, loaded before any message asked for it
    assert matcher.model is not None and "i_horario" in matcher.model.classes
    assert len(matcher._cache) == 1  # its keyword index is built too
    assert f"v:{broken.id}:1" not in nlu._cache  # the damaged one failed alone
