"""'Forget this contact' in the inbox (GDPR right to erasure): a button for supervisors and administrators,
a confirmation, then `forgetting.forget_contact` erases the person now."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.dialogs import confirm_delete_dialog
from flowstudio.components.layout import t
from flowstudio.i18n import translate
from flowstudio.pages.inbox.state import InboxState
from flowstudio.services.privacy import forgetting
from flowstudio.state.guard import request_ip
from flowstudio.state.session import SessionState, scope_of


class ForgetState(rx.State):
    """The confirmation dialog of the open conversation's contact."""

    open: bool = False

    @rx.event
    def set_open(self, value: bool):
        """Open or close the confirmation."""
        self.open = bool(value)

    @rx.event
    async def confirm(self):
        """Erase the open conversation's contact (the service checks the member's role now)."""
        workspace_id, user_id, lang = await scope_of(self)
        self.open = False
        inbox_state = await self.get_state(InboxState)
        conversation_id = inbox_state.selected_id
        if workspace_id is None or not conversation_id:
            return None
        try:
            await rx.run_in_thread(
                lambda: forgetting.forget_conversation_contact(
                    workspace_id=workspace_id, conversation_id=conversation_id, user_id=user_id, ip=request_ip(self)
                )
            )
        except forgetting.RetentionError as error:
            return rx.toast.error(translate(error.key, lang))
        await inbox_state._reload()
        return rx.toast.success(translate("privacy.forgotten", lang))


def forget_section() -> rx.Component:
    """The button and its confirmation (shown to supervisors and administrators)."""
    return rx.cond(
        (SessionState.role == "admin") | (SessionState.role == "supervisor"),
        rx.box(
            rx.divider(margin_y="8px"),
            rx.button(
                rx.icon("user-x", size=14),
                t("privacy.forget_button"),
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=ForgetState.set_open(True),
                data_testid="forget-contact",
            ),
            confirm_delete_dialog(
                title_key="privacy.forget_title",
                text_key="privacy.forget_text",
                name=InboxState.contact_name,
                on_confirm=ForgetState.confirm,
                open=ForgetState.open,
                on_open_change=ForgetState.set_open,
                testid="forget-confirm",
                confirm_key="privacy.forget_confirm",
            ),
            width="100%",
        ),
    )
