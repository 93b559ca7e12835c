"""Lemma lookup tables, held compact: the same answers as spaCy's lookup lemmatizer in a few MB instead of hundreds.

spaCy's lookup lemmatizer keeps ``lemma_lookup`` from ``spacy-lookups-data`` as a Python dict of string hashes
to strings: Portuguese's 824,767 forms took 277 MiB in every process that analysed a message.
:class:`LemmaTable` reads the same data, through spaCy's own loader (``registry.lookups``,
``util.load_language_data``), keyed by the same hashes (``strings.get_string_id``, so a form spaCy would find
is found and one it would miss is missed), and keeps it as three numpy arrays: the sorted hashes, the index of
each form's lemma, and the distinct lemmas as one UTF-8 blob with offsets (Portuguese: 11 MB, built in about
1.5 s). A lemma listed as several candidates is stored as its first, as the analysis used it. The loader's
temporary dict is freed as soon as the table is built; a long-lived process returns that heap to the system
(``flowstudio.tuning``).
"""

from __future__ import annotations

import threading

import numpy as np

_lock = threading.Lock()
_tables: dict[str, LemmaTable] = {}


class LemmaTable:
    """Form -> lemma, looked up like spaCy's ``Table.get``."""

    __slots__ = ("_blob", "_hash", "_hashes", "_lemma", "_offsets")

    def __init__(self, data: dict[str, str | list[str]]) -> None:
        """Build from a ``lemma_lookup`` table as spaCy loads it (later duplicates of a hash win, as in spaCy)."""
        from spacy.strings import get_string_id  # lazy: spaCy is heavy, and loaded only where messages are read

        self._hash = get_string_id
        by_hash: dict[int, str] = {}
        for form, lemma in data.items():
            by_hash[get_string_id(form)] = lemma if isinstance(lemma, str) else lemma[0]
        distinct: dict[str, int] = {}
        hashes = np.fromiter(by_hash.keys(), dtype=np.uint64, count=len(by_hash))
        which = np.fromiter((distinct.setdefault(v, len(distinct)) for v in by_hash.values()), np.uint32, len(by_hash))
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._lemma = which[order]
        encoded = [value.encode() for value in distinct]
        self._offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=self._offsets[1:])
        self._blob = b"".join(encoded)

    def __len__(self) -> int:
        return len(self._hashes)

    @property
    def nbytes(self) -> int:
        """Memory the table's arrays and blob hold."""
        return self._hashes.nbytes + self._lemma.nbytes + self._offsets.nbytes + len(self._blob)

    def get(self, form: str, default: str) -> str:
        """The lemma of ``form``, or ``default`` when the table does not list it."""
        key = self._hash(form)
        at = int(self._hashes.searchsorted(np.uint64(key)))  # (a plain int above 2**63 would search as float64)
        if at == len(self._hashes) or int(self._hashes[at]) != key:
            return default
        which = int(self._lemma[at])
        return self._blob[self._offsets[which] : self._offsets[which + 1]].decode()


EMPTY: dict[str, str | list[str]] = {}


def lemma_table(language: str) -> LemmaTable:
    """The ``lemma_lookup`` table of ``language`` (empty when ``spacy-lookups-data`` has none), built once per
    process even when many threads ask at once."""
    table = _tables.get(language)
    if table is None:
        with _lock:
            table = _tables.get(language)
            if table is None:
                table = _tables[language] = LemmaTable(_lookup_data(language))
    return table


def _lookup_data(language: str) -> dict[str, str | list[str]]:
    from spacy.util import load_language_data, registry  # lazy: spaCy is heavy (see LemmaTable)

    if language not in registry.lookups:
        return EMPTY
    files = registry.lookups.get(language)
    if "lemma_lookup" not in files:
        return EMPTY
    data = load_language_data(files["lemma_lookup"])
    if not isinstance(data, dict):
        raise ValueError(f"spacy-lookups-data's lemma_lookup of {language!r} is not a table")
    return data
