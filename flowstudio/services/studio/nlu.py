"""Intent understanding for the app: one trained matcher per distinct set of intents, reused everywhere.

The emulator, the conversation tests run before publishing and the channels all understand users the
same way. Models are keyed by the content of the flow's intents, so editing a message does not retrain,
and a published version's model is trained once by a Celery task and kept on disk.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from flow_runtime.ports import Matcher
from flowstudio.db import session_scope
from flowstudio.models import Bot, FlowVersion, FlowVersionStatus
from flowstudio.services.conversations.published import published_flow
from flowstudio.settings import get_settings

log = logging.getLogger("flowstudio.nlu")
_CACHE_SIZE = 16
_cache: OrderedDict[str, Matcher] = OrderedDict()
_lock = threading.Lock()


def intents_key(document: dict[str, Any]) -> str:
    """A fingerprint of what the classifier learns from: intents, their triggers and the bot's language."""
    intents = sorted(
        (n.get("id"), n.get("name"), tuple(n.get("triggers") or ()))
        for n in document.get("nodes", [])
        if n.get("kind") == "intent"
    )
    language = (document.get("bot") or {}).get("language", "pt")
    return hashlib.sha256(json.dumps([language, intents], ensure_ascii=False).encode()).hexdigest()[:24]


def _build(document: dict[str, Any]) -> Matcher:
    from flow_runtime.nlu import train
    from flow_runtime.nlu.flows import examples_from_flow
    from flow_runtime.nlu.matcher import NluMatcher

    examples = examples_from_flow(document)
    if len({example.intent for example in examples}) < 2:
        return NluMatcher(train_on_demand=False)  # keyword triggers only: nothing to tell apart
    return NluMatcher(train(examples), train_on_demand=False)


def matcher_for(document: dict[str, Any]) -> Matcher:
    """The matcher for a flow's intents (trained on first use, then cached by content)."""
    key = intents_key(document)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    matcher = _build(document)
    with _lock:
        _cache[key] = matcher
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return matcher


def model_path(*, bot_id: int, number: int) -> Path:
    """Where a published version's trained model is kept."""
    return get_settings().data_dir / "nlu" / f"bot{bot_id}-v{number}.npz"


def train_version(*, bot_id: int, number: int, document: dict[str, Any]) -> Path | None:
    """Train the model of a published version and save it; None when the flow has fewer than two intents."""
    from flow_runtime.nlu import train
    from flow_runtime.nlu.flows import examples_from_flow

    examples = examples_from_flow(document)
    if len({example.intent for example in examples}) < 2:
        return None
    path = model_path(bot_id=bot_id, number=number)
    path.parent.mkdir(parents=True, exist_ok=True)
    train(examples).save(path)
    log.info("nlu.model.trained", extra={"bot_id": bot_id, "version": number, "examples": len(examples)})
    return path


def matcher_for_version(*, bot_id: int, number: int, document: dict[str, Any]) -> Matcher:
    """The matcher of a published version: its stored model when the publish task has trained it, else the
    content-keyed one (trained now, once)."""
    key = f"v:{bot_id}:{number}"
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    path = model_path(bot_id=bot_id, number=number)
    if not path.exists():
        return matcher_for(document)
    from flow_runtime.nlu import IntentModel
    from flow_runtime.nlu.matcher import NluMatcher

    matcher = NluMatcher(IntentModel.load(path), train_on_demand=False)
    with _lock:
        _cache[key] = matcher
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return matcher


def warm_up() -> list[str]:
    """Load what a process's first NLU message would otherwise wait seconds for: the spaCy tokenizers and lemma
    tables of the workspace bots' languages (only those: another language loads at its first message), the
    sentence encoder, and each published bot's matcher (its stored model
    and keyword index, with one message scored). Returns the languages loaded. From then on the process runs
    BLAS on one thread (``flow_runtime.nlu.blas``: turns run in parallel, not their small products).
    A web process runs it at start, through `flowstudio.tuning.on_app_start`."""
    from sqlmodel import col, select

    from flow_runtime.nlu.blas import one_thread
    from flow_runtime.nlu.encoder import default_encoder
    from flow_runtime.nlu.pipeline import LANGUAGES, lemma_lookup, spacy_pipeline

    with session_scope() as session:
        languages = sorted({lang for lang in session.exec(select(Bot.language).distinct()).all() if lang in LANGUAGES})
        rows = session.exec(
            select(Bot.id, Bot.language).where(
                col(Bot.id).in_(select(FlowVersion.bot_id).where(FlowVersion.status == FlowVersionStatus.PUBLISHED))
            )
        ).all()
        published = [(bot_id, language) for bot_id, language in rows if bot_id is not None]  # (ids are: typing)
    one_thread()
    for language in languages:
        spacy_pipeline(language)
        lemma_lookup(language)
    default_encoder()
    for bot_id, language in published[:WARM_BOTS]:
        try:
            _warm_bot(bot_id, language)
        except Exception:
            log.exception("nlu.warm_up.bot_failed", extra={"bot_id": bot_id})
    return languages


WARM_BOTS = 16
"""Published bots whose matchers a starting process loads (the matcher cache holds about this many)."""


def _warm_bot(bot_id: int, language: str) -> None:
    with session_scope() as session:
        published = published_flow(session=session, bot_id=bot_id)
    if published is None:
        return
    matcher = matcher_for_version(bot_id=bot_id, number=published.number, document=published.document)
    matcher.match("oi", published.flow.intents, language=language)
