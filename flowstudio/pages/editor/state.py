"""The studio's state: the draft document (backend only), what the canvas shows, undo/redo and autosave.

The document lives in `_doc`; the canvas gets a view model (`canvas_doc`, replaced when `doc_rev` moves)
or incremental `patch` ops. Moves made in the browser are not sent back to it.
"""

from __future__ import annotations

import copy
import json
import re
import time
import zlib
from typing import Any

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from flow_runtime.validate import validate_flow
from flowstudio.db import session_scope
from flowstudio.errors import error_text
from flowstudio.i18n import LANGUAGES, translate
from flowstudio.nodes.items import new_item
from flowstudio.pages.editor.forms import assign, coerce, lookup
from flowstudio.services.identity import permissions as can
from flowstudio.services.studio import drafts, flow_editing
from flowstudio.services.studio.action_catalog import WorkspaceActions
from flowstudio.services.studio.flow_view import (
    canvas_view,
    channel_warnings,
    flow_settings,
    intents_by_topic,
    known_variables,
    markers,
    node_view,
    palette_view,
    problem_rows,
)
from flowstudio.state.guard import requires
from flowstudio.state.session import SessionState

UNDO_LIMIT = 100
COALESCE_SECONDS = 2.0


def _pack(document: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(document, separators=(",", ":")).encode(), 3)


def _unpack(blob: bytes) -> dict[str, Any]:
    return json.loads(zlib.decompress(blob))


def _node_op(document: dict[str, Any], node_id: str, lang: str, *, selected: bool = False) -> dict[str, Any]:
    """A canvas patch op that draws (or redraws) one node."""
    node = next(n for n in document["nodes"] if n["id"] == node_id)
    return {"op": "upsert_node", "node": {**node_view(node, lang), "selected": selected}}


class EditorState(rx.State):
    """One bot's draft in the editor."""

    bot_id: int = 0
    bot_name: str = ""
    bot_language: str = "pt"
    loaded: bool = False
    missing: bool = False
    canvas_doc: dict[str, Any] = {"nodes": [], "edges": []}
    doc_rev: int = 0
    patch: dict[str, Any] = {"rev": 0, "ops": []}
    markers: dict[str, str] = {}
    problems: list[dict[str, str]] = []
    highlight: list[str] = []
    diff_marks: dict[str, str] = {}
    focus: dict[str, Any] = {"id": "", "rev": 0}
    selected_ids: list[str] = []
    selected: dict[str, Any] = {}
    topics: list[dict[str, Any]] = []
    variables: list[str] = []
    intent_search: str = ""
    flow_settings: dict[str, Any] = {}
    can_undo: bool = False
    can_redo: bool = False
    save_status: str = "saved"
    notice: str = ""
    notice_detail: str = ""
    side_tab: str = "inspector"
    palette: list[dict[str, Any]] = []
    ui_lang: str = "pt-BR"

    _doc: dict[str, Any] = {}
    _undo: list[bytes] = []
    _redo: list[bytes] = []
    _revision: int = 0
    _workspace_id: int = 0
    _user_id: int = 0
    _lang: str = "pt-BR"
    _channel_kinds: list[str] = []
    _edit_key: str = ""
    _edit_at: float = 0.0

    # ---------------------------------------------------------------- loading

    @rx.event
    @requires(can.FLOWS_EDIT)
    async def load(self):
        """Open the bot named in the URL (after the login guard)."""
        session_state = await self.get_state(SessionState)
        if session_state._workspace_id is None:
            return
        self._workspace_id, self._user_id = session_state._workspace_id, session_state._user_id or 0
        self._lang = self.ui_lang = session_state.lang
        match = re.search(r"/bots/(\d+)/editor", self.router.url.path or "")
        bot_id = int(match.group(1)) if match else 0
        with session_scope() as session:
            draft = drafts.load_draft(session=session, workspace_id=self._workspace_id, bot_id=bot_id)
        self.missing = draft is None
        if draft is None:
            self.loaded = True
            return
        # A reconnect (or a reload of the tab) finds this tab's own draft still current: keep its history and
        # any edit the store could not take yet; anything else starts over from what is stored.
        resumed = (
            self.bot_id == draft.bot_id
            and bool(self._doc)
            and self._revision == draft.revision
            and self.save_status in ("saved", "unsaved")
        )
        self.bot_id, self.bot_name, self.bot_language = draft.bot_id, draft.bot_name, draft.language
        with session_scope() as session:
            self._channel_kinds = drafts.channel_kinds(session=session, bot_id=draft.bot_id)
        if not resumed:
            self._doc, self._revision, self._undo, self._redo = draft.document, draft.revision, [], []
            self.selected_ids, self.selected, self.save_status = [], {}, "saved"
        self.highlight, self.diff_marks, self.notice, self.side_tab = [], {}, "", "inspector"
        self.palette = palette_view(self._lang)
        self._refresh(full=True)
        if self.save_status == "unsaved":
            self._save()
        self.loaded = True

    @rx.event
    async def change_language(self, lang: str):
        """Switch the UI language and redraw the canvas, palette and problems in it."""
        if lang not in LANGUAGES:
            return
        session_state = await self.get_state(SessionState)
        session_state.lang = lang
        self._lang = self.ui_lang = lang
        self.palette = palette_view(self._lang)
        self._refresh(full=True)

    # ---------------------------------------------------------------- derived views

    def _refresh(
        self, *, full: bool = False, ops: list[dict[str, Any]] | None = None, recompile: bool = True, fit: bool = False
    ) -> None:
        """Recompute problems and side lists; push the document (full) or patch ops to the canvas."""
        actions = WorkspaceActions(self._workspace_id) if self._workspace_id else None  # unknown action nodes
        found = (
            [*validate_flow(self._doc, actions=actions)[1], *channel_warnings(self._doc, self._channel_kinds)]
            if recompile or full
            else []
        )
        if recompile:
            self.problems = problem_rows(found, self._doc, self._lang)
            self.markers = markers(found)
            self.topics = intents_by_topic(self._doc)
            self.variables = known_variables(self._doc)
            self.flow_settings = flow_settings(self._doc)
        if full:  # the selection travels with the document, so the browser and this state agree on it
            self.selected_ids = [i for i in self.selected_ids if self._node(i)]
            self.canvas_doc = {
                **canvas_view(self._doc, self._lang, found),
                "fit": fit,
                "selected": list(self.selected_ids),
            }
            self.doc_rev += 1
        elif ops:
            self.patch = {"rev": self.patch.get("rev", 0) + 1, "ops": ops}
        if self.selected_ids:
            node = self._node(self.selected_ids[0]) if len(self.selected_ids) == 1 else None
            self.selected = copy.deepcopy(node) if node else {}
        self.can_undo, self.can_redo = bool(self._undo), bool(self._redo)

    def _node(self, node_id: str) -> dict[str, Any] | None:
        return next((n for n in self._doc.get("nodes", []) if n.get("id") == node_id), None)

    @rx.var
    def path_glow(self) -> list[str]:
        """The emulator's path on the canvas: only while the emulator is open (never over a diff)."""
        return self.highlight if self.side_tab == "emulator" and not self.diff_marks else []

    @rx.var
    def error_count(self) -> int:
        """Problems that block publishing."""
        return sum(1 for p in self.problems if p["severity"] == "error")

    @rx.var
    def warning_count(self) -> int:
        """Problems that do not block publishing."""
        return sum(1 for p in self.problems if p["severity"] == "warning")

    @rx.var
    def filtered_topics(self) -> list[dict[str, Any]]:
        """The topics/intents side list, filtered by the search box (names and trigger phrases)."""
        query = self.intent_search.strip().lower()
        if not query:
            return self.topics
        result = []
        for topic in self.topics:
            hits = [i for i in topic["intents"] if query in i["name"].lower() or query in i["triggers"].lower()]
            if hits or query in topic["name"].lower():
                result.append({**topic, "intents": hits or topic["intents"]})
        return result

    # ---------------------------------------------------------------- committing edits

    def _commit(
        self,
        document: dict[str, Any],
        *,
        ops: list[dict[str, Any]] | None = None,
        full: bool = False,
        recompile: bool = True,
        coalesce: str = "",
        fit: bool = False,
        stored: int | None = None,
    ) -> None:
        """Adopt an edited document: undo history, canvas update, problems, autosave.

        Args:
            stored: the revision the store returned when the caller already wrote `document` (a restore):
                adopted as is, never computed, so the next autosave expects exactly what the store holds.
        """
        now = time.monotonic()
        if not (coalesce and coalesce == self._edit_key and now - self._edit_at < COALESCE_SECONDS):
            self._undo = [*self._undo[-(UNDO_LIMIT - 1) :], _pack(self._doc)]
        self._edit_key, self._edit_at = coalesce, now
        self._redo = []
        self._doc = document
        self._refresh(full=full, ops=ops, recompile=recompile, fit=fit)
        if stored is None:
            self._save()
        else:
            self._revision, self.save_status = stored, "saved"

    def _save(self) -> None:
        """Autosave: write the draft unless someone else saved it meanwhile ("conflict"); a store that cannot
        be reached leaves it "unsaved", written whole by the next edit or reconnect."""
        try:
            with session_scope() as session:
                self._revision = drafts.save_draft(
                    session=session, bot_id=self.bot_id, document=self._doc, expected_revision=self._revision
                )
            self.save_status = "saved"
        except drafts.DraftConflict:
            self.save_status = "conflict"
        except SQLAlchemyError:
            self.save_status = "unsaved"

    def _say(self, key: str, detail: str = "") -> None:
        self.notice, self.notice_detail = key, detail

    # ---------------------------------------------------------------- canvas events

    @rx.event
    @requires(can.FLOWS_EDIT)
    def on_canvas_change(self, payload: dict[str, Any]):
        """A completed change made on the canvas."""
        kind = payload.get("type")
        self._say("")
        try:
            if kind == "move":
                self._commit(flow_editing.move_nodes(self._doc, payload.get("positions", {})), recompile=False)
            elif kind == "connect":
                self._connect(payload, edge_id=None)
            elif kind == "reconnect":
                self._connect(payload, edge_id=payload.get("edge"))
            elif kind == "delete":
                self._delete(payload.get("nodes", []), payload.get("edges", []))
            elif kind == "add":
                self._add_node(payload.get("kind", ""), payload.get("position") or {"x": 0, "y": 0})
            elif kind == "paste":
                self._paste(payload.get("ids", []), payload.get("offset") or {"x": 40, "y": 40})
            elif kind in ("undo", "redo"):
                self._step_history(backwards=kind == "undo")
            elif kind == "save":
                return self._save_now()
        except flow_editing.EditError as error:
            self._say("editor.edit_refused", error_text(error, self._lang))
            self._refresh(full=True, recompile=False)  # put the canvas back as the document says
        return None

    def _connect(self, payload: dict[str, Any], *, edge_id: str | None) -> None:
        doc, edge, replaced = flow_editing.connect(
            self._doc,
            source=payload.get("source", ""),
            source_handle=payload.get("sourceHandle"),
            target=payload.get("target", ""),
            edge_id=edge_id,
        )
        ops = [{"op": "remove_edge", "id": i} for i in replaced]
        ops.append({"op": "remove_edge", "id": f"tmp:{edge['source']}:{edge['source_handle']}"})
        ops.append(
            {
                "op": "upsert_edge",
                "edge": {
                    "id": edge["id"],
                    "source": edge["source"],
                    "sourceHandle": edge["source_handle"],
                    "target": edge["target"],
                },
            }
        )
        self._commit(doc, ops=ops)

    def _delete(self, node_ids: list[str], edge_ids: list[str]) -> None:
        doc = flow_editing.delete(self._doc, node_ids=node_ids, edge_ids=edge_ids)
        if set(self.selected_ids) & set(node_ids):
            self.selected_ids, self.selected = [], {}
        self._commit(doc)

    @rx.event
    @requires(can.FLOWS_EDIT)
    def add_node(self, kind: str, position: dict[str, float]):
        """Add a node of `kind` (palette drop or click) and select it."""
        self._add_node(kind, position)

    def _add_node(self, kind: str, position: dict[str, float]) -> None:
        try:
            doc, node_id = flow_editing.add_node(self._doc, kind=kind, position=position, lang=self._lang)
        except flow_editing.EditError as error:
            self._say("editor.edit_refused", error_text(error, self._lang))
            return
        self.selected_ids = [node_id]
        self.side_tab = "inspector"
        self._commit(doc, ops=[_node_op(doc, node_id, self._lang, selected=True)])

    @rx.event
    @requires(can.FLOWS_EDIT)
    def palette_add(self, kind: str):
        """A palette click: add the node below the selected one (or below everything)."""
        nodes = self._doc.get("nodes", [])
        anchor = self._node(self.selected_ids[0]) if self.selected_ids else None
        if anchor is not None:
            position = {"x": anchor["position"]["x"], "y": anchor["position"]["y"] + 170}
        else:
            position = {"x": 0, "y": max((n["position"]["y"] for n in nodes), default=-170) + 170}
        self._add_node(kind, position)

    def _paste(self, ids: list[str], offset: dict[str, float]) -> None:
        doc, new_ids = flow_editing.paste(self._doc, node_ids=ids, offset=offset)
        if not new_ids:
            return
        self._commit(doc, full=True)

    @rx.event
    def on_select(self, ids: list[str]):
        """The canvas selection changed."""
        self._select(ids)

    def _select(self, ids: list[str]) -> None:
        self.selected_ids = list(ids)
        node = self._node(ids[0]) if len(ids) == 1 else None
        self.selected = copy.deepcopy(node) if node else {}
        if node:
            self.side_tab = "inspector"

    @rx.event
    @requires(can.FLOWS_EDIT)
    def undo(self):
        """Step back one edit."""
        self._step_history(backwards=True)

    @rx.event
    @requires(can.FLOWS_EDIT)
    def redo(self):
        """Step forward one undone edit."""
        self._step_history(backwards=False)

    def _step_history(self, *, backwards: bool) -> None:
        source, target = (self._undo, self._redo) if backwards else (self._redo, self._undo)
        if not source:
            return
        target.append(_pack(self._doc))
        self._doc = _unpack(source.pop())
        self._undo, self._redo = list(self._undo), list(self._redo)  # mark both as changed
        self._edit_key = ""
        self._refresh(full=True)
        self._save()

    @rx.event
    @requires(can.FLOWS_EDIT)
    def auto_layout(self):
        """Arrange the flow top-down, one lane per entry."""
        self._commit(flow_editing.auto_layout(self._doc), full=True, recompile=False, fit=True)

    @rx.event
    @requires(can.FLOWS_EDIT)
    def save_now(self):
        """Explicit save (autosave already ran); confirms to the designer."""
        return self._save_now()

    def _save_now(self):
        self._save()
        if self.save_status == "conflict":
            return None
        return rx.toast.success(self._t("editor.saved"), duration=2000)

    @rx.event
    @requires(can.FLOWS_EDIT)
    def reload_draft(self):
        """After a conflict: drop local changes and load what is stored."""
        return EditorState.load

    def _t(self, key: str) -> str:
        return translate(key, self._lang)

    @rx.event
    def focus_node(self, node_id: str):
        """Centre the canvas on a node and select it (intents list, problems list)."""
        self.focus = {"id": node_id, "rev": self.focus.get("rev", 0) + 1}
        self._select([node_id])

    @rx.event
    def set_side_tab(self, tab: str):
        """Switch the right-hand panel."""
        self.side_tab = tab

    @rx.event
    def set_intent_search(self, value: str):
        """Filter the intents list."""
        self.intent_search = value

    # ---------------------------------------------------------------- inspector edits

    def _replace_selected(self, node: dict[str, Any], coalesce: str) -> None:
        doc, removed = flow_editing.replace_node(self._doc, node)
        self.selected = copy.deepcopy(node)
        ops = [_node_op(doc, node["id"], self._lang, selected=True), *({"op": "remove_edge", "id": i} for i in removed)]
        self._commit(doc, ops=ops, coalesce=coalesce)

    def _selected_copy(self) -> dict[str, Any] | None:
        node = self._node(self.selected_ids[0]) if len(self.selected_ids) == 1 else None
        return copy.deepcopy(node) if node else None

    @rx.event
    @requires(can.FLOWS_EDIT)
    def set_field(self, path: str, value: Any):
        """Set a field of the selected node; `path` is dotted (`text`, `input.type`, `buttons.0.label`)."""
        node = self._selected_copy()
        if node is None:
            return
        assign(node, path, coerce(path, value))
        self._replace_selected(node, coalesce=f"{node['id']}:{path}")

    @rx.event
    @requires(can.FLOWS_EDIT)
    def set_lines(self, path: str, text: str):
        """Set a list field from a text with one item per line (triggers, tags, variants, options)."""
        node = self._selected_copy()
        if node is None:
            return
        items = [line.strip() for line in text.splitlines() if line.strip()]
        if path == "input.options":
            items = [{"value": item} for item in items]
        assign(node, path, items)
        self._replace_selected(node, coalesce=f"{node['id']}:{path}")

    @rx.event
    @requires(can.FLOWS_EDIT)
    def add_item(self, path: str):
        """Append a button, card, card button, branch or rule to a list of the selected node."""
        node = self._selected_copy()
        if node is None:
            return
        items = lookup(node, path)
        if not isinstance(items, list):
            return
        items.append(new_item(path.rsplit(".", 1)[-1], len(items) + 1, lang=self._lang))
        self._replace_selected(node, coalesce="")

    @rx.event
    @requires(can.FLOWS_EDIT)
    def remove_item(self, path: str, index: int):
        """Remove one element of a list of the selected node (its edge goes with it)."""
        node = self._selected_copy()
        if node is None:
            return
        items = lookup(node, path)
        if isinstance(items, list) and 0 <= index < len(items):
            items.pop(index)
            self._replace_selected(node, coalesce="")

    @rx.event
    @requires(can.FLOWS_EDIT)
    def set_assign_target(self, target: str | list[str]):
        """Hand off to a `queue`, an `agent` or a `bot` (keeps the value typed so far)."""
        node = self._selected_copy()
        target = target[0] if isinstance(target, list) and target else target
        if node is None or target not in {"queue", "agent", "bot"}:
            return
        value = next((v for v in (node.get("to") or {}).values() if v), "")
        node["to"] = {target: value}
        self._replace_selected(node, coalesce="")

    @rx.event
    @requires(can.FLOWS_EDIT)
    def set_node_json(self, text: str):
        """The advanced editor: replace the selected node by JSON (its id cannot change)."""
        node = self._selected_copy()
        if node is None:
            return
        try:
            edited = json.loads(text)
        except json.JSONDecodeError as error:
            self._say("editor.bad_json", f"{error.msg} (line {error.lineno})")
            return
        if not isinstance(edited, dict) or edited.get("id") != node["id"] or edited.get("kind") != node["kind"]:
            self._say("editor.bad_json", self._t("editor.json_keep_id"))
            return
        self._say("")
        self._replace_selected(edited, coalesce="")

    @rx.event
    def complete_variable(self, name: str):
        """Finish the `${...` at the end of the selected node's text with `name`."""
        node = self._selected_copy()
        if node is None:
            return
        text = str(node.get("text", ""))
        start = text.rfind("${")
        node["text"] = (text[:start] if start >= 0 else text) + "${" + name + "}"
        self._replace_selected(node, coalesce="")

    @rx.event
    @requires(can.FLOWS_EDIT)
    def insert_variable(self, name: str):
        """Append `${name}` to the selected node's text."""
        node = self._selected_copy()
        if node is None:
            return
        node["text"] = f"{node.get('text', '')}${{{name}}}"
        self._replace_selected(node, coalesce="")
