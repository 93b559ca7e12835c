"""Fresh ids and list items for nodes (buttons, cards, branches, rules), labelled in the UI language."""

from __future__ import annotations

import secrets
from typing import Any

from flowstudio.i18n import DEFAULT_LANGUAGE, translate


def new_id(prefix: str) -> str:
    """A short random id with a readable prefix (`message_3fa9c1`)."""
    return f"{prefix}_{secrets.token_hex(3)}"


def new_item(leaf: str, number: int, *, lang: str = DEFAULT_LANGUAGE) -> Any:
    """A fresh element for the list named `leaf` (`buttons`, `cards`, `branches`, `rules`) of a node, as its
    `number`-th element, labelled in the UI language."""
    match leaf:
        case "buttons":
            return {"id": new_id("b"), "label": translate("editor.option", lang) + f" {number}"}
        case "cards":
            return {
                "id": new_id("card"),
                "title": translate("editor.default_card", lang) + f" {number}",
                "subtitle": "",
                "image": None,
                "buttons": [{"id": new_id("b"), "label": translate("editor.default_choose", lang)}],
            }
        case "branches":
            return {
                "id": new_id("if"),
                "label": "",
                "match": "all",
                "rules": [{"source": "variable", "name": "", "op": "eq", "value": ""}],
            }
        case "rules":
            return {"source": "variable", "name": "", "op": "eq", "value": ""}
        case _:
            return ""
