"""The flow manager's routing rules: the rule dialog, their order, on/off and deletion."""

from __future__ import annotations

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.pages.admin_forms import managers_only, pairs_text, parse_list, parse_pairs
from flowstudio.pages.flow_manager.rows import moved
from flowstudio.services.flow_manager import rules as routing
from flowstudio.services.identity import permissions as can
from flowstudio.state.guard import requires
from flowstudio.state.session import scope_of


class RuleDialogState(rx.State, mixin=True):
    """The rule being edited and the list actions (each through `PageActions._perform`)."""

    rule_open: bool = False
    rule_id: int = 0
    rule_name: str = ""
    rule_target_type: str = "bot"
    rule_target_id: str = ""
    rule_channels: list[str] = []
    rule_languages: list[str] = []
    rule_variables: str = ""
    rule_tags: str = ""
    rule_areas: list[str] = []
    rule_enabled: bool = True
    rule_error: str = ""

    # ---------------------------------------------------------------------------------- rules

    @rx.event
    def open_new_rule(self):
        """Open the rule dialog for a new rule."""
        self.rule_id, self.rule_name, self.rule_error = 0, "", ""
        self.rule_target_type = "bot"
        self.rule_target_id = self.bot_options[0].value if self.bot_options else ""
        self.rule_channels, self.rule_languages, self.rule_areas = [], [], []
        self.rule_variables = self.rule_tags = ""
        self.rule_enabled = True
        self.rule_open = True

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def open_edit_rule(self, rule_id: int):
        """Open the rule dialog on an existing rule."""
        workspace_id, _, _ = await scope_of(self)
        with session_scope() as session:
            view = next(
                (v for v in routing.list_rules(session=session, workspace_id=workspace_id) if v.id == rule_id), None
            )
        if view is None:
            return
        conditions = view.conditions or {}
        self.rule_id, self.rule_name, self.rule_error = view.id, view.name, ""
        self.rule_target_type, self.rule_target_id = view.target_type, str(view.target_id or "")
        self.rule_channels = list(conditions.get("channels", []))
        self.rule_languages = list(conditions.get("languages", []))
        self.rule_areas = list(conditions.get("knowledge_areas", []))
        self.rule_variables = pairs_text(conditions.get("variables") or {})
        self.rule_tags = ", ".join(conditions.get("tags", []))
        self.rule_enabled = view.enabled
        self.rule_open = True

    @rx.event
    def set_rule_open(self, value: bool):
        """Close the rule dialog (Escape, outside click, cancel)."""
        self.rule_open = value

    @rx.event
    def set_rule_name(self, value: str):
        """The rule's name."""
        self.rule_name = value

    @rx.event
    def set_rule_target_type(self, value: str):
        """Send matches to a bot, a queue or the best bot for the message."""
        self.rule_target_type = value
        options = self.bot_options if value == "bot" else self.queue_options if value == "queue" else []
        if options and self.rule_target_id not in {o.value for o in options}:
            self.rule_target_id = options[0].value

    @rx.event
    def set_rule_target_id(self, value: str):
        """The bot or queue matches go to."""
        self.rule_target_id = value

    @rx.event
    def toggle_rule_value(self, kind: str, value: str, checked: bool):
        """Tick or untick a channel, language or knowledge area of the rule."""
        attribute = {"channels": "rule_channels", "languages": "rule_languages", "areas": "rule_areas"}[kind]
        current = [v for v in getattr(self, attribute) if v != value]
        setattr(self, attribute, [*current, value] if checked else current)

    @rx.event
    def set_rule_variables(self, value: str):
        """``name = value`` lines the contact's variables must equal."""
        self.rule_variables = value

    @rx.event
    def set_rule_tags(self, value: str):
        """Tags (any of them) the contact must have."""
        self.rule_tags = value

    @rx.event
    def set_rule_enabled(self, value: bool):
        """Whether the rule is tried."""
        self.rule_enabled = value

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def save_rule(self):
        """Create or update the rule from the dialog."""
        rule_id, target_type = self.rule_id, self.rule_target_type
        target_id = int(self.rule_target_id) if target_type != "knowledge" and self.rule_target_id.isdigit() else None
        name, enabled = self.rule_name, self.rule_enabled
        channels, languages, areas = list(self.rule_channels), list(self.rule_languages), list(self.rule_areas)
        variables_text, tags_text = self.rule_variables, self.rule_tags

        def save(session, workspace_id: int, _user_id: int | None) -> None:
            conditions = {
                "channels": channels,
                "languages": languages,
                "knowledge_areas": areas,
                "variables": parse_pairs(variables_text),
                "tags": parse_list(tags_text),
            }
            if rule_id:
                routing.update_rule(
                    session=session,
                    workspace_id=workspace_id,
                    rule_id=rule_id,
                    name=name,
                    conditions=conditions,
                    target_type=target_type,
                    target_id=target_id,
                    enabled=enabled,
                )
            else:
                routing.create_rule(
                    session=session,
                    workspace_id=workspace_id,
                    name=name,
                    target_type=target_type,
                    target_id=target_id,
                    conditions=conditions,
                    enabled=enabled,
                )

        result = await self._perform(
            save, permit=managers_only, error_field="rule_error", success_key="flowmgr.rule_saved"
        )
        if not self.rule_error:
            self.rule_open = False
            return result
        return None

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def move_rule(self, rule_id: int, delta: int):
        """Move a rule up (-1) or down (+1) in the evaluation order."""
        order = moved([row.id for row in self.rules], rule_id, delta)
        await self._perform(
            lambda session, workspace_id, _user: routing.reorder_rules(
                session=session, workspace_id=workspace_id, rule_ids=order
            ),
            permit=managers_only,
        )

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def toggle_rule(self, rule_id: int, enabled: bool):
        """Switch a rule on or off without opening it."""
        await self._perform(
            lambda session, workspace_id, _user: routing.update_rule(
                session=session, workspace_id=workspace_id, rule_id=rule_id, enabled=enabled
            ),
            permit=managers_only,
        )

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def delete_rule(self):
        """Delete the rule being confirmed."""
        rule_id = self._take_confirmed()
        return await self._perform(
            lambda session, workspace_id, _user: routing.delete_rule(
                session=session, workspace_id=workspace_id, rule_id=rule_id
            ),
            permit=managers_only,
            success_key="flowmgr.rule_deleted",
        )
