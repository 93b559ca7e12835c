"""Quick replies: the workspace's canned answers agents put in the message box (defaults in the UI's language
until a supervisor or agent saves the workspace's own), kept as a small JSON file in the data folder."""

from __future__ import annotations

import json
from pathlib import Path

from flowstudio.errors import Invalid
from flowstudio.settings import get_settings

MAX_QUICK_REPLIES = 30
MAX_TITLE = 40
MAX_TEXT = 1000


DEFAULT_QUICK_REPLIES = {
    "pt": [
        ("Saudação", "Olá! Sou {agent}, vou continuar o seu atendimento."),
        ("Aguarde", "Só um instante, por favor, estou verificando."),
        ("Encerrar", "Posso ajudar em algo mais? Obrigado pelo contato!"),
    ],
    "es": [
        ("Saludo", "¡Hola! Soy {agent}, voy a continuar con su atención."),
        ("Espere", "Un momento, por favor, lo estoy verificando."),
        ("Cerrar", "¿Puedo ayudarle en algo más? ¡Gracias por contactarnos!"),
    ],
    "en": [
        ("Greeting", "Hi! I'm {agent} and I'll take it from here."),
        ("Hold on", "One moment, please, I'm checking."),
        ("Wrap up", "Anything else I can help with? Thanks for reaching out!"),
    ],
}


def _quick_replies_path(workspace_id: int) -> Path:
    return get_settings().data_dir / "inbox" / f"quick-replies-{int(workspace_id)}.json"


def quick_replies(*, workspace_id: int, language: str = "pt") -> list[dict[str, str]]:
    """The workspace's canned answers ``[{"title", "text"}]`` (defaults in the UI language until saved)."""
    path = _quick_replies_path(workspace_id)
    if path.exists():
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
            return [{"title": str(i["title"]), "text": str(i["text"])} for i in items]
        except (ValueError, KeyError, TypeError):
            pass
    defaults = DEFAULT_QUICK_REPLIES.get((language or "pt")[:2], DEFAULT_QUICK_REPLIES["pt"])
    return [{"title": title, "text": text} for title, text in defaults]


def save_quick_replies(*, workspace_id: int, items: list[dict[str, str]]) -> list[dict[str, str]]:
    """Replace the workspace's quick replies (each needs a title of at most 40 characters and a text of at
    most 1000; at most 30 replies).

    Raises:
        Invalid: a reply without title or text, or too long, or too many (shown translated).
    """
    clean = []
    for item in items:
        title, text = " ".join(str(item.get("title") or "").split()), str(item.get("text") or "").strip()
        if not title or not text:
            raise Invalid("errors.quick_replies.needs_title_and_text")
        if len(title) > MAX_TITLE or len(text) > MAX_TEXT:
            raise Invalid("errors.quick_replies.too_long", title=MAX_TITLE, text=MAX_TEXT)
        clean.append({"title": title, "text": text})
    if len(clean) > MAX_QUICK_REPLIES:
        raise Invalid("errors.quick_replies.too_many", limit=MAX_QUICK_REPLIES)
    path = _quick_replies_path(workspace_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(clean, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)
    return clean
