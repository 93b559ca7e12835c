"""Errors whose message is for a person: an i18n key and its parameters, shown in each reader's language.

Services raise `DomainError` subclasses (`Invalid`, `NotFound`, `Conflict`) with a catalog key and the values
its text names; ``str(error)`` is the English text (API responses, the CLI, logs) and pages show
`error_text(error, lang)`.
"""

from __future__ import annotations

from flowstudio.i18n import translate


class DomainError(ValueError):
    """A refusal said as an i18n `key` and the `params` its text is formatted with.

    Args:
        key: A catalog key (every language defines it; `tests/test_i18n.py` checks).
        **params: The values the text names (a name, a line number...), never translated themselves.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(translate(key, "en", **params))
        self.key, self.params = key, params

    def text(self, lang: str) -> str:
        """The message in `lang`."""
        return translate(self.key, lang, **self.params)


class Invalid(DomainError):
    """A value the service refuses."""


class NotFound(DomainError):
    """What the request names does not exist (or not for this workspace)."""


class Conflict(DomainError):
    """The request clashes with what is stored (a name taken, conversations still waiting)."""


class KeyedError(ValueError):
    """Something refused, said as an i18n `key` (the reason) and a `detail` (the offending text), so each page
    shows it in its reader's language: `translate(error.key, lang) + ": " + error.detail`."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key, self.detail = key, detail


def error_text(error: Exception, lang: str) -> str:
    """What a page shows for a refused operation, in `lang` (any other error as its own text)."""
    if isinstance(error, DomainError):
        return error.text(lang)
    if isinstance(error, KeyedError):
        return translate(error.key, lang) + (f": {error.detail}" if error.detail else "")
    return str(error)
