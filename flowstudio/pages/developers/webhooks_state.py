"""The webhooks tab's state: the subscriptions, the signing secret shown once, and the delivery log."""

from __future__ import annotations

import dataclasses
import json

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.pages.developers.common import error_text, scope, when
from flowstudio.services.identity.permissions import DEVELOPERS_MANAGE
from flowstudio.services.integrations import webhook_deliveries, webhook_subscriptions, webhooks
from flowstudio.state.guard import requires


@dataclasses.dataclass
class SubscriptionRow:
    """One subscription as the list shows it."""

    id: int
    url: str
    events: list[str]
    active: bool
    description: str
    delivered: int
    failed: int


@dataclasses.dataclass
class DeliveryRow:
    """One delivery of the log."""

    id: int
    event: str
    status: str
    attempts: int
    code: str
    error: str
    created_at: str
    next_attempt_at: str
    url: str
    payload: str


class WebhooksState(rx.State):
    """Subscriptions, the new-subscription form, the secret of the one just created, the delivery log."""

    subscriptions: list[SubscriptionRow] = []
    deliveries: list[DeliveryRow] = []
    url: str = ""
    description: str = ""
    chosen: list[str] = ["message.created"]
    error: str = ""
    new_secret: str = ""
    open_payload: int = 0

    def _read(self, workspace_id: int) -> None:
        with session_scope() as session:
            views = webhook_subscriptions.list_subscriptions(session=session, workspace_id=workspace_id)
            self.subscriptions = [
                SubscriptionRow(
                    id=v.id,
                    url=v.url,
                    events=v.events,
                    active=v.active,
                    description=v.description,
                    delivered=v.delivered,
                    failed=v.failed,
                )
                for v in views
            ]
            urls = {v.id: v.url for v in views}
            self.deliveries = [
                DeliveryRow(
                    id=d.id,
                    event=d.event,
                    status=getattr(d.status, "value", d.status),
                    attempts=d.attempts,
                    code="" if d.last_status_code is None else str(d.last_status_code),
                    error=d.last_error[:160],
                    created_at=when(d.created_at),
                    next_attempt_at=when(d.next_attempt_at),
                    url=urls.get(d.subscription_id, ""),
                    payload=json.dumps(d.payload, ensure_ascii=False, indent=2),
                )
                for d in webhook_deliveries.deliveries(session=session, workspace_id=workspace_id, limit=50)
            ]

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def load(self):
        """Read subscriptions and the newest deliveries."""
        workspace_id, _, _ = await scope(self)
        self.new_secret = ""
        self._read(workspace_id)

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def refresh(self):
        """Read the log again."""
        workspace_id, _, _ = await scope(self)
        self._read(workspace_id)

    @rx.event
    def set_url(self, value: str):
        """The URL being typed."""
        self.url = value

    @rx.event
    def set_description(self, value: str):
        """The description being typed."""
        self.description = value

    @rx.event
    def toggle_event(self, event: str, on: bool):
        """An event checkbox of the form."""
        self.chosen = [e for e in webhooks.EVENTS if (e in self.chosen and e != event) or (e == event and on)]

    @rx.event
    def dismiss_secret(self):
        """The developer has copied the secret: forget it."""
        self.new_secret = ""

    @rx.event
    def toggle_payload(self, delivery_id: int):
        """Show or hide a delivery's payload."""
        self.open_payload = 0 if self.open_payload == delivery_id else delivery_id

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def create(self):
        """Subscribe the typed URL to the chosen events; its secret is shown once."""
        workspace_id, actor, lang = await scope(self)
        try:
            with session_scope() as session:
                _, secret = webhook_subscriptions.create_subscription(
                    session=session,
                    workspace_id=workspace_id,
                    url=self.url,
                    events=list(self.chosen),
                    description=self.description,
                    actor=actor,
                )
        except webhook_subscriptions.WebhookError as error:
            self.error = error_text(error, lang)
            return None
        self.url, self.description, self.error, self.new_secret = "", "", "", secret
        self._read(workspace_id)
        return rx.toast.success(translate("developers.webhooks.created", lang))

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def set_active(self, subscription_id: int, active: bool):
        """Pause or resume a subscription."""
        workspace_id, actor, lang = await scope(self)
        try:
            with session_scope() as session:
                webhook_subscriptions.update_subscription(
                    session=session,
                    workspace_id=workspace_id,
                    subscription_id=subscription_id,
                    active=active,
                    actor=actor,
                )
        except webhook_subscriptions.WebhookError as error:
            return rx.toast.error(error_text(error, lang))
        self._read(workspace_id)
        return None

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def delete(self, subscription_id: int):
        """Delete a subscription and its log."""
        workspace_id, actor, lang = await scope(self)
        try:
            with session_scope() as session:
                webhook_subscriptions.delete_subscription(
                    session=session, workspace_id=workspace_id, subscription_id=subscription_id, actor=actor
                )
        except webhook_subscriptions.WebhookError as error:
            return rx.toast.error(error_text(error, lang))
        self._read(workspace_id)
        return rx.toast.success(translate("developers.webhooks.deleted", lang))

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def redeliver(self, delivery_id: int):
        """Send a delivery's event again now."""
        workspace_id, _, lang = await scope(self)
        try:
            with session_scope() as session:
                webhook_deliveries.redeliver(session=session, workspace_id=workspace_id, delivery_id=delivery_id)
        except webhook_subscriptions.WebhookError as error:
            return rx.toast.error(error_text(error, lang))
        self._read(workspace_id)
        return rx.toast.success(translate("developers.webhooks.redelivering", lang))
