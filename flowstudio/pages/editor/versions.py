"""Publishing, version history with a visual diff and rollback, and the bot's conversation tests."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.db import session_scope
from flowstudio.models import User
from flowstudio.models.base import as_utc
from flowstudio.pages.editor.state import EditorState
from flowstudio.services.identity import permissions as can
from flowstudio.services.studio import drafts
from flowstudio.services.studio.flow_view import diff_documents
from flowstudio.services.system.workspace_settings import zone_of
from flowstudio.state.guard import requires
from flowstudio.tasks.nlu import schedule_training


def local_time(moment: datetime, zone: tzinfo | None, pattern: str) -> str:
    """A stored (UTC) moment in the workspace's time zone, written the way the UI language writes dates."""
    return as_utc(moment).astimezone(zone or UTC).strftime(pattern)


class VersionsState(EditorState):
    """History, publishing and tests of the open bot."""

    versions: list[dict[str, Any]] = []
    compared: int = 0
    diff_summary: dict[str, Any] = {}
    publish_open: bool = False
    changelog: str = ""
    publish_errors: list[str] = []
    tests: list[dict[str, Any]] = []
    test_results: dict[str, str] = {}
    test_reports: dict[str, str] = {}

    async def _editor(self) -> EditorState:
        return await self.get_state(EditorState)

    @rx.event
    @requires(can.BOTS_VIEW)
    async def load_versions(self):
        """Read the history and the tests (when the panels open)."""
        editor = await self._editor()
        with session_scope() as session:
            found = drafts.list_versions(session=session, bot_id=editor.bot_id)
            zone = zone_of(session, editor._workspace_id) if editor._workspace_id else None
            tests = drafts.list_tests(session=session, bot_id=editor.bot_id)
        self.versions = [
            {
                "number": v.number,
                "changelog": v.changelog or "—",
                "author": v.author,
                "created_at": local_time(v.created_at, zone, self._t("versions.date_format")),
                "nodes": v.node_count,
            }
            for v in found
        ]
        self.tests = [{"id": x.id, "name": x.name, "lines": len(x.content.splitlines())} for x in tests]

    @rx.event
    @requires(can.BOTS_VIEW)
    async def compare(self, number: int):
        """Show what the draft changed since version `number`, on the canvas and as lists."""
        editor = await self._editor()
        with session_scope() as session:
            old = drafts.version_document(session=session, bot_id=editor.bot_id, number=number)
        if old is None:
            return
        diff = diff_documents(old, editor._doc)
        names = {
            n["id"]: n.get("label") or n.get("name") or (n.get("text") or "")[:32] or n["id"]
            for n in [*old["nodes"], *editor._doc["nodes"]]
        }
        self.compared = number
        self.diff_summary = {
            "added": [names[i] for i in diff.added],
            "removed": [names[i] for i in diff.removed],
            "changed": [names[i] for i in diff.changed],
            "edges_added": diff.edges_added,
            "edges_removed": diff.edges_removed,
            "empty": diff.empty,
        }
        editor.diff_marks = {**{i: "added" for i in diff.added}, **{i: "changed" for i in diff.changed}}

    @rx.event
    async def clear_diff(self):
        """Hide the diff."""
        self.compared, self.diff_summary = 0, {}
        (await self._editor()).diff_marks = {}

    @rx.event
    @requires(can.FLOWS_EDIT)
    async def rollback(self, number: int):
        """Make version `number` the draft again (undoable)."""
        editor = await self._editor()
        try:
            with session_scope() as session:
                document, revision = drafts.rollback(
                    session=session,
                    bot_id=editor.bot_id,
                    number=number,
                    expected_revision=editor._revision,
                    actor=session.get(User, editor._user_id) if editor._user_id else None,
                )
        except drafts.DraftConflict:
            editor.save_status = "conflict"
            return None
        editor.selected_ids, editor.selected = [], {}
        editor._commit(document, full=True, stored=revision)
        self.compared, self.diff_summary, editor.diff_marks = 0, {}, {}
        return rx.toast.success(self._t("versions.restored").format(number=number))

    @rx.event
    def open_publish(self):
        """Open the publish dialog."""
        self.publish_open, self.publish_errors, self.changelog = True, [], ""

    @rx.event
    def set_publish_open(self, value: bool):
        """Close (or open) the publish dialog."""
        self.publish_open = value

    @rx.event
    def set_changelog(self, value: str):
        """The changelog line of the version to publish."""
        self.changelog = value

    @rx.event
    @requires(can.FLOWS_PUBLISH)
    async def publish(self):
        """Publish the draft, unless it has errors or failing tests (then say which)."""
        editor = await self._editor()
        editor._save()
        if editor.save_status == "conflict":
            self.publish_errors = [self._t("editor.conflict")]
            return None
        try:
            with session_scope() as session:
                version = drafts.publish(
                    session=session, bot_id=editor.bot_id, author_id=editor._user_id or None, changelog=self.changelog
                )
                number = version.number
        except drafts.PublishBlocked as blocked:
            self.publish_errors = [
                *(f"{p.node_id or '—'}: {p.message}" for p in blocked.problems),
                *(f"{self._t('versions.test_failed')}: {f.name}\n{f.report}" for f in blocked.failures),
            ]
            return None
        self.publish_open = False
        schedule_training(editor.bot_id, number)
        await self.load_versions()
        return rx.toast.success(self._t("versions.published").format(number=number))

    @rx.event
    @requires(can.FLOWS_TEST)
    async def run_tests(self):
        """Run every conversation test against the draft."""
        editor = await self._editor()
        with session_scope() as session:
            tests = drafts.list_tests(session=session, bot_id=editor.bot_id)
        workspace_id = editor._workspace_id or None
        outcomes = await rx.run_in_thread(lambda: drafts.run_tests(editor._doc, tests, workspace_id=workspace_id))
        self.test_results = {o.name: "passed" if o.passed else "failed" for o in outcomes}
        self.test_reports = {o.name: o.report for o in outcomes if not o.passed}

    @rx.event
    @requires(can.FLOWS_TEST)
    async def delete_test(self, test_id: int):
        """Remove a conversation test."""
        editor = await self._editor()
        with session_scope() as session:
            drafts.delete_test(session=session, bot_id=editor.bot_id, test_id=test_id)
        await self.load_versions()


def _names(key: str, label_key: str, color: str) -> rx.Component:
    items = VersionsState.diff_summary[key].to(list[str])
    return rx.cond(
        items.length() > 0,
        rx.vstack(
            rx.text(t(label_key), " (", items.length().to_string(), ")", size="1", weight="bold"),
            rx.flex(rx.foreach(items, lambda name: rx.badge(name, color_scheme=color, size="1")), wrap="wrap", gap="1"),
            spacing="1",
            data_testid=f"diff-{key}",
        ),
    )


def versions_panel() -> rx.Component:
    """History with diff and rollback."""
    return rx.vstack(
        rx.button(
            rx.icon("refresh-cw", size=12),
            t("versions.refresh"),
            size="1",
            variant="soft",
            on_click=VersionsState.load_versions,
        ),
        rx.cond(
            VersionsState.compared > 0,
            rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.text(
                            t("versions.diff_since"), " v", VersionsState.compared.to_string(), weight="bold", size="2"
                        ),
                        rx.spacer(),
                        rx.button(
                            t("versions.hide_diff"), size="1", variant="ghost", on_click=VersionsState.clear_diff
                        ),
                    ),
                    rx.cond(VersionsState.diff_summary["empty"].to(bool), rx.text(t("versions.no_changes"), size="1")),
                    _names("added", "versions.added", "green"),
                    _names("changed", "versions.changed", "amber"),
                    _names("removed", "versions.removed", "red"),
                    spacing="2",
                ),
                width="100%",
                data_testid="diff-panel",
            ),
        ),
        rx.cond(VersionsState.versions.length() == 0, rx.text(t("versions.none"), size="2", color_scheme="gray")),
        rx.foreach(
            VersionsState.versions,
            lambda v: rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.badge("v" + v["number"].to_string(), size="2"),
                        rx.text(v["changelog"], size="2", weight="medium"),
                        align="center",
                    ),
                    rx.text(
                        v["created_at"],
                        " · ",
                        v["author"],
                        " · ",
                        v["nodes"].to_string(),
                        " ",
                        t("bots.nodes"),
                        size="1",
                        color_scheme="gray",
                    ),
                    rx.hstack(
                        rx.button(
                            rx.icon("git-compare", size=12),
                            t("versions.compare"),
                            size="1",
                            variant="soft",
                            on_click=VersionsState.compare(v["number"].to(int)),
                            data_testid="compare-version",
                        ),
                        rx.alert_dialog.root(
                            rx.alert_dialog.trigger(
                                rx.button(
                                    rx.icon("history", size=12),
                                    t("versions.rollback"),
                                    size="1",
                                    variant="soft",
                                    color_scheme="amber",
                                    data_testid="rollback-version",
                                )
                            ),
                            rx.alert_dialog.content(
                                rx.alert_dialog.title(t("versions.rollback_title")),
                                rx.alert_dialog.description(t("versions.rollback_text")),
                                rx.hstack(
                                    rx.alert_dialog.cancel(
                                        rx.button(t("common.cancel"), variant="soft", color_scheme="gray")
                                    ),
                                    rx.alert_dialog.action(
                                        rx.button(
                                            t("versions.rollback"),
                                            color_scheme="amber",
                                            on_click=VersionsState.rollback(v["number"].to(int)),
                                            data_testid="confirm-rollback",
                                        )
                                    ),
                                    justify="end",
                                    spacing="2",
                                    margin_top="12px",
                                ),
                            ),
                        ),
                        spacing="2",
                    ),
                    spacing="1",
                ),
                width="100%",
                data_testid="version-item",
            ),
        ),
        spacing="2",
        width="100%",
        on_mount=VersionsState.load_versions,
    )


def tests_panel() -> rx.Component:
    """The bot's conversation tests: run them all, see which fail and why."""
    return rx.vstack(
        rx.hstack(
            rx.button(
                rx.icon("play", size=12),
                t("tests.run_all"),
                size="1",
                on_click=VersionsState.run_tests,
                data_testid="run-tests",
            ),
            rx.button(
                rx.icon("refresh-cw", size=12),
                t("versions.refresh"),
                size="1",
                variant="soft",
                on_click=VersionsState.load_versions,
            ),
        ),
        rx.cond(VersionsState.tests.length() == 0, rx.text(t("tests.none"), size="2", color_scheme="gray")),
        rx.foreach(
            VersionsState.tests,
            lambda test: rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.match(
                            VersionsState.test_results[test["name"].to(str)],
                            ("passed", rx.icon("circle-check", size=16, color=rx.color("green", 10))),
                            ("failed", rx.icon("circle-x", size=16, color=rx.color("red", 10))),
                            rx.icon("circle-dashed", size=16, color=rx.color("gray", 9)),
                        ),
                        rx.text(test["name"], size="2", weight="medium", data_testid="test-name-label"),
                        rx.spacer(),
                        rx.text(test["lines"].to_string(), " ", t("tests.lines"), size="1", color_scheme="gray"),
                        rx.icon_button(
                            rx.icon("trash-2", size=12),
                            size="1",
                            variant="ghost",
                            color_scheme="gray",
                            on_click=VersionsState.delete_test(test["id"].to(int)),
                        ),
                        align="center",
                        width="100%",
                    ),
                    rx.cond(
                        VersionsState.test_reports.contains(test["name"].to(str)),
                        rx.code_block(VersionsState.test_reports[test["name"].to(str)], font_size="11px", width="100%"),
                    ),
                    spacing="1",
                ),
                width="100%",
                data_testid="test-item",
                data_status=VersionsState.test_results[test["name"].to(str)],
            ),
        ),
        spacing="2",
        width="100%",
        on_mount=VersionsState.load_versions,
    )


def publish_dialog() -> rx.Component:
    """Publish: a changelog line; errors and failing tests block it, and are listed."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("versions.publish_title")),
            rx.dialog.description(t("versions.publish_text"), size="2"),
            rx.input(
                placeholder=t("versions.changelog"),
                value=VersionsState.changelog,
                on_change=VersionsState.set_changelog,
                margin_top="12px",
                data_testid="changelog",
            ),
            rx.cond(
                VersionsState.publish_errors.length() > 0,
                rx.callout(
                    rx.vstack(
                        rx.text(t("versions.blocked"), weight="bold"),
                        rx.foreach(
                            VersionsState.publish_errors, lambda e: rx.text(e, size="1", white_space="pre-wrap")
                        ),
                        spacing="1",
                    ),
                    icon="circle-x",
                    color_scheme="red",
                    margin_top="12px",
                    data_testid="publish-errors",
                ),
            ),
            rx.hstack(
                rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                rx.button(
                    rx.icon("rocket", size=14),
                    t("editor.publish"),
                    on_click=VersionsState.publish,
                    data_testid="confirm-publish",
                ),
                justify="end",
                spacing="2",
                margin_top="16px",
            ),
        ),
        open=VersionsState.publish_open,
        on_open_change=VersionsState.set_publish_open,
    )
