"""Errors whose message is for a person: an i18n key, and the text at fault."""

from __future__ import annotations


class KeyedError(ValueError):
    """Something refused, said as an i18n `key` (the reason) and a `detail` (the offending text), so each page
    shows it in its reader's language: `translate(error.key, lang) + ": " + error.detail`."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key, self.detail = key, detail
