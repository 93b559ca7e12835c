"""The ``send_email`` kind in the studio: to ``${email}`` when dropped; the card shows the recipient."""

from __future__ import annotations

from flowstudio.nodes.registry import StudioKind, clip

STUDIO = StudioKind(
    "send_email",
    "act",
    "mail",
    defaults=lambda document, lang: {"to": "${email}", "subject": "", "body": ""},
    lines=lambda raw, t: [f"✉ {clip(raw.get('to'), 60)}"],
    texts=("editor.email_to", "editor.subject", "editor.body"),
)
