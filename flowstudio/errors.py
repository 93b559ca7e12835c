"""Errors whose message is for a person: an i18n key and its parameters, shown in each reader's language.

Services raise `DomainError` subclasses (`Invalid`, `NotFound`, `Conflict`, `Forbidden`) with a catalog key and the values
its text names; ``str(error)`` is the English text (API responses, the CLI, logs), pages show
`error_text(error, lang)` and the REST API answers with `flowstudio.api.errors` (422, 404, 409, 403).
"""

from __future__ import annotations

from flowstudio.i18n import translate


class DomainError(ValueError):
    """A refusal said as an i18n `key` and the `params` its text is formatted with.

    A `detail` parameter is the offending text itself (a line, a value): a text that does not name
    ``{detail}`` is followed by ``": <detail>"``.

    Args:
        key: A catalog key (every language defines it; `tests/test_i18n.py` checks).
        **params: The values the text names (a name, a line number...), never translated themselves.
    """

    def __init__(self, key: str, /, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(self.text("en"))

    def __str__(self) -> str:
        return self.text("en")

    @property
    def detail(self) -> str:
        """The offending text the refusal names ('' when none)."""
        return str(self.params.get("detail", ""))

    def text(self, lang: str) -> str:
        """The message in `lang`."""
        text = translate(self.key, lang, **self.params)
        if self.detail and "{detail}" not in translate(self.key, lang):
            text += f": {self.detail}"
        return text


class Invalid(DomainError):
    """A value the service refuses."""


class NotFound(DomainError):
    """What the request names does not exist (or not for this workspace)."""


class Conflict(DomainError):
    """The request clashes with what is stored (conversations still waiting, a draft changed elsewhere)."""


class Forbidden(DomainError, PermissionError):
    """The caller may not do this (also a `PermissionError`, for code that checks access that way)."""


def error_text(error: Exception, lang: str) -> str:
    """What a page shows for a refused operation, in `lang` (any other error as its own text)."""
    return error.text(lang) if isinstance(error, DomainError) else str(error)
