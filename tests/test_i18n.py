"""UI texts: three complete catalogs, and no key used in the UI that a catalog lacks."""

import ast
import builtins
import importlib
import re

import pytest

from flowstudio.errors import NotFound, error_text
from flowstudio.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalog, negotiate, translate
from flowstudio.services.assignment.agent_import import import_csv
from flowstudio.services.studio.bots import BotError, BotNotFound
from tests.conftest import PROJECT_ROOT


def test_every_language_has_the_same_keys_and_no_empty_text() -> None:
    reference = set(catalog(DEFAULT_LANGUAGE))
    for lang in LANGUAGES:
        texts = catalog(lang)
        assert set(texts) == reference, f"{lang}: missing {reference - set(texts)}, extra {set(texts) - reference}"
        assert all(value.strip() for value in texts.values()), lang


def test_languages_really_differ() -> None:
    assert translate("nav.settings", "pt-BR") == "Configurações"
    assert translate("nav.settings", "es") == "Configuración"
    assert translate("nav.settings", "en") == "Settings"


def test_every_key_the_ui_uses_exists() -> None:
    prefixes = sorted({key.split(".")[0] for key in catalog(DEFAULT_LANGUAGE)})
    literal = re.compile(r'"((?:{})\.[a-z_]+)"'.format("|".join(prefixes)))
    used = {key for path in (PROJECT_ROOT / "flowstudio").rglob("*.py") for key in literal.findall(path.read_text())}
    assert len(used) > 20, "the scan found almost no keys: the pattern is broken"
    assert sorted(key for key in used if key not in catalog(DEFAULT_LANGUAGE)) == []


def test_translate_falls_back_and_formats() -> None:
    assert translate("nav.bots", "xx") == translate("nav.bots", DEFAULT_LANGUAGE)
    assert translate("no.such.key", "en") == "no.such.key"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-AR,es;q=0.9", "es"),
        ("en-US", "en"),
        ("pt-PT", "pt-BR"),
        ("de-DE,fr;q=0.5", "pt-BR"),
        (None, "pt-BR"),
        ("de, en;q=0.8", "en"),
    ],
)
def test_accept_language_negotiation(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


# Services raise errors pages show (`except SomeError` in flowstudio/pages): each says an i18n key with parameters
# (`flowstudio.errors.DomainError`), never an English sentence. Modules still to convert are listed by name.
_NOT_CONVERTED_YET: set[str] = set()
_KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")


def _names(node: ast.expr | None) -> list[str]:
    if isinstance(node, ast.Tuple):
        return [name for element in node.elts for name in _names(element)]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    return [node.id] if isinstance(node, ast.Name) else []


def _page_caught() -> set[str]:
    """The exception names `except` clauses of the pages (and their shared states, such as the page actions) name."""
    return {
        name
        for folder in ("pages", "state")
        for path in (PROJECT_ROOT / "flowstudio" / folder).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ExceptHandler)
        for name in _names(node.type)
    }


def _service_raises() -> list[tuple[str, int, str, ast.expr]]:
    """(module, line, exception class, first argument) of each `raise SomeError(...)` in the services."""
    found = []
    for path in sorted((PROJECT_ROOT / "flowstudio" / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                found += [
                    (
                        path.relative_to(PROJECT_ROOT / "flowstudio" / "services").as_posix(),
                        node.lineno,
                        name,
                        node.exc.args[0],
                    )
                    for name in _names(node.exc.func)[:1]
                ]
    return found


def _shown(module: str, name: str, caught: set[str]) -> bool:
    """Whether pages show the error `name` raised in `module`: caught by name, or a `ValueError` (every
    `DomainError` is one) where the page actions catch `DomainError` and `ValueError`."""
    if name in caught:
        return True
    if not {"DomainError", "ValueError"} <= caught:
        return False
    dotted = module.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    kind = getattr(importlib.import_module(f"flowstudio.services.{dotted}"), name, None) or getattr(
        builtins, name, None
    )
    return isinstance(kind, type) and issubclass(kind, ValueError)


def test_no_service_error_a_page_shows_is_an_english_sentence() -> None:
    caught = _page_caught()
    assert {"DomainError", "ConversationTypeError", "SecretError"} <= caught, "the scan of the except clauses is broken"
    english = [
        f"{module}:{line} {name}"
        for module, line, name, arg in _service_raises()
        if _shown(module, name, caught)
        and module not in _NOT_CONVERTED_YET
        and (
            isinstance(arg, ast.JoinedStr)
            or (isinstance(arg, ast.Constant) and isinstance(arg.value, str) and not _KEY.match(arg.value))
        )
    ]
    assert english == []


def test_every_key_a_service_error_names_exists_in_every_language() -> None:
    keys = {
        arg.value
        for _, _, _, arg in _service_raises()
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _KEY.match(arg.value)
    }
    assert {"errors.bot.needs_name", "errors.queue.key_taken"} <= keys
    for lang in LANGUAGES:
        assert sorted(keys - set(catalog(lang))) == [], lang


def test_domain_errors_speak_the_reader_s_language_and_english_elsewhere() -> None:
    error = BotError("errors.bot.name_taken", name="Pizzaria")
    assert str(error) == "another bot is already called 'Pizzaria'"  # API, CLI and logs
    assert error_text(error, "pt-BR") == "já existe outro bot chamado “Pizzaria”"
    assert error_text(error, "es") == "ya hay otro bot llamado «Pizzaria»"
    assert isinstance(BotNotFound("errors.bot.not_found"), NotFound)


def test_csv_import_line_errors_are_translated(isolated_settings, session) -> None:
    from tests.support.factories import make_workspace

    workspace = make_workspace(session)
    report = import_csv(
        session=session,
        workspace_id=workspace.id,
        content="name,email,role\n,x@example.com,agent\nBia,x@example.com,chefe\n",
    )
    lines = dict(report.lines("pt-BR"))
    assert lines[2] == "sem nome"
    assert "x@example.com também está na linha 2" in lines[3] and "o papel deve ser um destes" in lines[3]
    assert "is also on line" in dict(report.errors)[3]
