"""Webhook subscriptions: create, change, delete and list them; each has a signing secret sealed at rest, shown
once when created.
"""

from __future__ import annotations

import secrets as random_secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.crypto import open_sealed, seal
from flowstudio.errors import Invalid, NotFound
from flowstudio.models import (
    User,
    WebhookDelivery,
    WebhookSubscription,
    utcnow,
)
from flowstudio.services.integrations.webhooks import EVENTS, invalidate
from flowstudio.services.privacy import audit

MAX_URL = 500


class WebhookError(Invalid):
    """A subscription that cannot be saved, or a delivery that cannot be redelivered; the message says why."""


class WebhookNotFound(WebhookError, NotFound):
    """No such subscription or delivery in the workspace (or its subscription is gone)."""


def _user_id(actor: Any) -> int | None:
    """The acting user's id: a `Principal`'s `user_id`, a `User`'s `id`, else None."""
    return getattr(actor, "user_id", None) or (actor.id if isinstance(actor, User) else None)


@dataclass(frozen=True)
class SubscriptionView:
    """A subscription as pages and the API show it (never its secret)."""

    id: int
    url: str
    events: list[str]
    active: bool
    description: str
    created_at: datetime
    delivered: int
    failed: int


def _sealed_with(workspace_id: int, subscription_id: int) -> str:
    return f"webhook:{workspace_id}:{subscription_id}"


def signing_secret(subscription: WebhookSubscription) -> str:
    """The subscription's signing secret in clear (for the delivery task only)."""
    return open_sealed(subscription.secret, _sealed_with(subscription.workspace_id, subscription.id))


def _clean(url: str, events: list[str]) -> tuple[str, list[str]]:
    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise WebhookError("developers.err.url")
    if len(url) > MAX_URL:
        raise WebhookError("developers.err.url_long", max=MAX_URL)
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise WebhookError("developers.err.events_unknown", unknown=", ".join(unknown), known=", ".join(EVENTS))
    chosen = [e for e in EVENTS if e in events]
    if not chosen:
        raise WebhookError("developers.err.events_none")
    return url, chosen


def _owned(session: Session, workspace_id: int, subscription_id: int) -> WebhookSubscription:
    row = session.get(WebhookSubscription, subscription_id)
    if row is None or row.workspace_id != workspace_id:
        raise WebhookNotFound("developers.err.no_webhook")
    return row


def create_subscription(
    *, session: Session, workspace_id: int, url: str, events: list[str], description: str = "", actor: Any = None
) -> tuple[WebhookSubscription, str]:
    """A new active subscription; returns it and its signing secret, shown this once.

    Raises:
        WebhookError: a bad URL, no events or an unknown one.
    """
    url, chosen = _clean(url, events)
    row = WebhookSubscription(
        workspace_id=workspace_id,
        url=url,
        events=chosen,
        description=description.strip()[:200],
        created_by=_user_id(actor),
    )
    session.add(row)
    session.flush()
    secret = "whsec_" + random_secrets.token_urlsafe(24)
    row.secret = seal(secret, _sealed_with(workspace_id, row.id))
    session.add(row)
    audit.record(
        session,
        "webhook.created",
        workspace_id=workspace_id,
        actor=actor,
        target=("webhook", row.id),
        details={"url": url, "events": chosen},
    )
    session.flush()
    invalidate(workspace_id)
    return row, secret


def update_subscription(
    *,
    session: Session,
    workspace_id: int,
    subscription_id: int,
    url: str | None = None,
    events: list[str] | None = None,
    active: bool | None = None,
    description: str | None = None,
    actor: Any = None,
) -> WebhookSubscription:
    """Change a subscription's URL, events, description or whether it is active.

    Raises:
        WebhookError: not found in the workspace, or bad values.
    """
    row = _owned(session, workspace_id, subscription_id)
    clean_url, chosen = _clean(row.url if url is None else url, row.events if events is None else events)
    row.url, row.events = clean_url, chosen
    if active is not None:
        row.active = bool(active)
    if description is not None:
        row.description = description.strip()[:200]
    row.updated_at = utcnow()
    session.add(row)
    audit.record(
        session,
        "webhook.changed",
        workspace_id=workspace_id,
        actor=actor,
        target=("webhook", row.id),
        details={"url": row.url, "events": chosen, "active": row.active},
    )
    session.flush()
    invalidate(workspace_id)
    return row


def delete_subscription(*, session: Session, workspace_id: int, subscription_id: int, actor: Any = None) -> None:
    """Delete a subscription and its delivery log."""
    row = _owned(session, workspace_id, subscription_id)
    session.exec(sa.delete(WebhookDelivery).where(WebhookDelivery.subscription_id == row.id))
    session.delete(row)
    audit.record(
        session,
        "webhook.deleted",
        workspace_id=workspace_id,
        actor=actor,
        target=("webhook", row.id),
        details={"url": row.url},
    )
    session.flush()
    invalidate(workspace_id)


def list_subscriptions(*, session: Session, workspace_id: int) -> list[SubscriptionView]:
    """The workspace's subscriptions, oldest first, with their delivered and failed counts."""
    counts: dict[tuple[int, str], int] = {
        (sid, getattr(st, "value", st)): n
        for sid, st, n in session.exec(
            select(WebhookDelivery.subscription_id, WebhookDelivery.status, sa.func.count())
            .where(WebhookDelivery.workspace_id == workspace_id)
            .group_by(WebhookDelivery.subscription_id, WebhookDelivery.status)
        ).all()
    }
    rows = session.exec(
        select(WebhookSubscription)
        .where(WebhookSubscription.workspace_id == workspace_id)
        .order_by(WebhookSubscription.id)
    ).all()
    return [
        SubscriptionView(
            id=r.id,
            url=r.url,
            events=list(r.events),
            active=r.active,
            description=r.description,
            created_at=r.created_at,
            delivered=counts.get((r.id, "delivered"), 0),
            failed=counts.get((r.id, "failed"), 0),
        )
        for r in rows
    ]


def get_subscription(*, session: Session, workspace_id: int, subscription_id: int) -> SubscriptionView:
    """One subscription of the workspace (raises `WebhookError` when it is not there)."""
    _owned(session, workspace_id, subscription_id)
    return next(s for s in list_subscriptions(session=session, workspace_id=workspace_id) if s.id == subscription_id)
