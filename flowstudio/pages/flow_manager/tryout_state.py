"""The flow manager's tryout: where a new conversation starting with a sample message would go, and why."""

from __future__ import annotations

from typing import Any

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.pages.admin_forms import FormError, can_manage, member_role, parse_list, parse_pairs
from flowstudio.pages.flow_manager.rows import CheckRow, ScoreRow, tie_text
from flowstudio.services.flow_manager import deciding, placement
from flowstudio.services.identity import permissions as can
from flowstudio.state.guard import requires
from flowstudio.state.session import scope_of


class TryoutState(rx.State, mixin=True):
    """The sample message, its contact, and the decision explained."""

    sample: str = ""
    sample_channel: str = "webchat"
    sample_language: str = "auto"
    sample_variables: str = ""
    sample_tags: str = ""
    try_done: bool = False
    try_error: str = ""
    try_owner_type: str = ""
    try_owner_name: str = ""
    try_rule_name: str = ""
    try_fallback: bool = False
    try_reason: str = ""
    try_language: str = ""
    try_area: str = ""
    try_tie: str = ""  # bots tied on score, said out loud (the oldest one is taken)
    try_scores: list[ScoreRow] = []
    try_checks: list[CheckRow] = []

    # -------------------------------------------------------------------------------- tryout

    @rx.event
    def set_sample(self, value: str):
        """The sample message."""
        self.sample = value

    @rx.event
    def set_sample_channel(self, value: str):
        """The channel the sample arrives on."""
        self.sample_channel = value

    @rx.event
    def set_sample_language(self, value: str):
        """The sample's language (``auto`` = detect it)."""
        self.sample_language = value

    @rx.event
    def set_sample_variables(self, value: str):
        """The sample contact's variables."""
        self.sample_variables = value

    @rx.event
    def set_sample_tags(self, value: str):
        """The sample contact's tags."""
        self.sample_tags = value

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def try_sample(self, _form: dict[str, Any] | None = None):
        """Show where a new conversation starting with the sample would go, and why."""
        workspace_id, user_id, lang = await scope_of(self)
        if workspace_id is None:
            return
        self.try_error = ""
        if not self.sample.strip():
            self.try_error, self.try_done = translate("flowmgr.sample_needed", lang), False
            return
        try:
            variables = parse_pairs(self.sample_variables)
        except FormError as error:
            self.try_error, self.try_done = translate(error.key, lang) + f": {error.detail}", False
            return
        sample, channel, tags = self.sample, self.sample_channel, parse_list(self.sample_tags)
        language = None if self.sample_language == "auto" else self.sample_language

        def explain() -> dict[str, Any] | None:
            with session_scope() as session:
                if not can_manage(member_role(session=session, workspace_id=workspace_id, user_id=user_id)):
                    return None
                decision = placement.explain(
                    session,
                    workspace_id,
                    sample,
                    channel_kind=channel,
                    language=language,
                    variables=variables,
                    tags=tags,
                )
                return decision.to_dict()

        result = await rx.run_in_thread(explain)
        if result is None:
            self.try_error, self.try_done = translate("forms.not_allowed", lang), False
            return
        self.try_owner_type, self.try_owner_name = result["owner_type"], result["owner_name"]
        self.try_fallback = result["rule_id"] is None
        self.try_rule_name = result["rule_name"]
        self.try_reason = (
            translate(result["reason"], lang)
            if result["rule_id"] is None
            else translate("routing_reason.rule", lang, name=result["rule_name"])
        )
        self.try_language = result["language"] or ""
        self.try_area = result["knowledge_area"] or ""
        self.try_tie = tie_text(result["tied"], result["owner_type"], result["owner_name"], lang)
        self.try_scores = [
            ScoreRow(
                bot_name=s["bot_name"],
                score=f"{s['score']:.2f}",
                intent=s["intent"] or "",
                areas_named=", ".join(s["areas_named"]),
                qualified=s["qualified"],
            )
            for s in result["scores"]
        ]
        self.try_checks = [
            CheckRow(name=c["name"], matched=c["matched"], reasons=deciding.reasons_text(c["reasons"], lang))
            for c in result["checks"]
        ]
        self.try_done = True
