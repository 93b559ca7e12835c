"""A Python code editor with syntax highlighting (CodeMirror 6 in `code_editor.jsx`, beside this file).

The browser keeps the text while the designer types; `on_change` fires after a pause in typing and on blur
with the whole text. Render it with a `key` per node so selecting another node starts a fresh editor.
"""

from __future__ import annotations

import reflex as rx

CODEMIRROR = [
    "@uiw/react-codemirror@4.25.12",
    "@codemirror/lang-python@6.2.1",
    "@codemirror/language@6.13.1",
    "@codemirror/state@6.7.6",
    "@codemirror/view@6.43.15",
    "@codemirror/commands@6.11.1",
]


def _text(value: rx.Var[str]) -> list[rx.Var[str]]:
    return [value]


class CodeEditor(rx.NoSSRComponent):
    """Python source editor: `value`, `height` (CSS), `debounce` (ms), `placeholder`, `testid`; `on_change(text)`."""

    library = "$/public" + rx.asset("code_editor.jsx", shared=True)
    tag = "CodeEditor"
    alias = "FlowStudioCodeEditor"
    lib_dependencies: list[str] = CODEMIRROR

    value: rx.Var[str]
    height: rx.Var[str]
    debounce: rx.Var[int]
    placeholder: rx.Var[str]
    testid: rx.Var[str]

    on_change: rx.EventHandler[_text]


code_editor = CodeEditor.create
