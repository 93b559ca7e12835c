"""Studio side of the kinds that act: code, rasa_action, action, http_request, send_email, search, assign,
mute_bot, archive, end."""

from __future__ import annotations

from typing import Any

from flowstudio.nodes.registry import StudioKind, Translate, clip


def _code_lines(raw: dict[str, Any], t: Translate) -> list[str]:
    first = next((line for line in (raw.get("code") or "").splitlines() if line.strip()), "")
    return [clip(first, 60)]


def _assign_lines(raw: dict[str, Any], t: Translate) -> list[str]:
    target = raw.get("to") or {}
    who = next(((k, v) for k, v in target.items() if v), ("?", "?"))
    return [f"→ {t('assign.' + who[0]) if who[0] != '?' else '?'}: {who[1]}"]


KINDS = (
    StudioKind(
        "code",
        "act",
        "code",
        defaults=lambda document, lang: {
            "language": "python",
            "code": "# flow.vars['total'] = 10\n# flow.say('Olá!')\n# return 'ok'\n",
            "outcomes": [],
            "allowed_hosts": [],
        },
        lines=_code_lines,
        named_exits=True,
        texts=("code_actions.help", "code_actions.outcomes", "code_actions.allowed_hosts"),
    ),
    StudioKind(
        "rasa_action",
        "act",
        "bot",
        defaults=lambda document, lang: {"server_url": "http://localhost:5055", "action": "", "timeout_seconds": 10},
        lines=lambda raw, t: [f"{raw.get('action') or '?'} @ {clip(raw.get('server_url'), 50)}"],
        texts=("code_actions.rasa_hint", "code_actions.server_url", "code_actions.timeout"),
    ),
    StudioKind(
        "action",
        "act",
        "puzzle",
        defaults=lambda document, lang: {"action": "", "params": {}, "outcomes": []},
        lines=lambda raw, t: [f"{raw.get('action') or '?'}({', '.join(raw.get('params') or {})})"],
        named_exits=True,
        texts=("developers.inspector.choose", "developers.inspector.none", "developers.inspector.outcomes"),
    ),
    StudioKind(
        "http_request",
        "act",
        "globe",
        defaults=lambda document, lang: {
            "method": "GET",
            "url": "https://api.example.com/",
            "headers": {},
            "response_map": {},
        },
        lines=lambda raw, t: [f"{raw.get('method', 'GET')} {clip(raw.get('url'), 60)}"],
        texts=("editor.method", "editor.url"),
    ),
    StudioKind(
        "send_email",
        "act",
        "mail",
        defaults=lambda document, lang: {"to": "${email}", "subject": "", "body": ""},
        lines=lambda raw, t: [f"✉ {clip(raw.get('to'), 60)}"],
        texts=("editor.email_to", "editor.subject", "editor.body"),
    ),
    StudioKind(
        "search",
        "act",
        "search",
        defaults=lambda document, lang: {
            "source": "knowledge",
            "query": "${last_message}",
            "max_results": 3,
            "reply": True,
        },
        lines=lambda raw, t: [f"{raw.get('source', 'knowledge')}: {clip(raw.get('query'), 50)}"],
        texts=("editor.search_source", "editor.query"),
        in_palette=False,  # until it is rebuilt on the knowledge base (flows that have one load, with a warning)
    ),
    StudioKind(
        "assign",
        "act",
        "user-round-plus",
        defaults=lambda document, lang: {"to": {"queue": "atendimento"}},
        lines=_assign_lines,
        texts=("editor.assign_to", "assign.queue", "assign.agent", "assign.bot"),
    ),
    StudioKind(
        "mute_bot",
        "act",
        "volume-x",
        defaults=lambda document, lang: {"minutes": 60},
        lines=lambda raw, t: [t("canvas.mute", minutes=raw.get("minutes") or "∞")],
        texts=("editor.minutes", "canvas.mute"),
    ),
    StudioKind("archive", "act", "archive", texts=("editor.no_fields",)),
    StudioKind("end", "act", "circle-stop", texts=("editor.no_fields",)),
)
