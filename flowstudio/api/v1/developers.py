"""Developer tools over HTTP: code actions, write-only secrets, webhook subscriptions and their deliveries.

Admin and developer tokens only (`developers.manage`); everything is scoped to the token's workspace.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, Field

from flowstudio.api.v1.deps import DB, Caller, requires
from flowstudio.services.identity import permissions as can
from flowstudio.services.integrations import secrets, webhook_deliveries, webhook_subscriptions, webhooks
from flowstudio.services.privacy import audit
from flowstudio.services.studio import action_catalog, action_test_runs, code_actions
from flowstudio.services.studio.code_actions import ActionInput

router = APIRouter(tags=["developers"], dependencies=[Depends(requires(can.DEVELOPERS_MANAGE))])


def _actor(who: Any) -> audit.Actor:
    """Who the audit log names for a token's action."""
    return audit.Actor(email=f"api-token:{who.token_id}")


# ------------------------------------------------------------------------------------------- code actions


class ActionParameterIn(BaseModel):
    """One parameter designers fill in on the node."""

    name: str = Field(description="A Python identifier; the code reads flow.params[name].")
    type: Literal["text", "number", "boolean", "json"] = "text"
    required: bool = False
    default: Any = None
    label: str = ""


class ActionBody(BaseModel):
    """A code action: Python run in the sandbox, or an action on a Rasa SDK action server."""

    key: str = Field(description="Lowercase slug, unique in the workspace (the node refers to it).")
    name: str = Field(min_length=1, max_length=120)
    flavour: Literal["python", "rasa"] = "python"
    description: str = ""
    code: str = Field("", description="Python (flavour python): the body of a function; see docs/developers.md.")
    server_url: str = Field("", description="Action server base URL (flavour rasa), e.g. http://actions:5055.")
    rasa_action: str = Field("", description="The Rasa action's name (flavour rasa; default: the key).")
    parameters: list[ActionParameterIn] = []
    outcomes: list[str] = Field([], description="Exits besides ok and error.")
    allowed_hosts: list[str] = Field([], description="Hosts flow.http may call: api.example.com, *.example.com.")
    timeout: float = Field(5.0, gt=0, le=30)

    def as_input(self) -> ActionInput:
        return ActionInput(**{**self.model_dump(), "parameters": [p.model_dump() for p in self.parameters]})


class ActionPublic(ActionBody):
    """A stored code action."""

    id: int
    updated_at: datetime


class TestRunBody(BaseModel):
    """Sample input for a test run."""

    params: dict[str, Any] = {}
    variables: dict[str, Any] = {}


class TestRunPublic(BaseModel):
    """What the test run did."""

    outcome: str
    variables: dict[str, Any]
    messages: list[dict[str, Any]]
    error: str
    stdout: str


def _action_public(row: Any) -> ActionPublic:
    data = vars(code_actions.as_input(row))
    return ActionPublic(id=row.id, updated_at=row.updated_at, **data)


@router.get("/actions", response_model=list[ActionPublic])
def list_actions(session: DB, who: Caller) -> list[ActionPublic]:
    """The workspace's code actions."""
    return [_action_public(r) for r in action_catalog.list_actions(session=session, workspace_id=who.workspace_id)]


@router.post("/actions", response_model=ActionPublic, status_code=status.HTTP_201_CREATED)
def create_action(body: ActionBody, session: DB, who: Caller) -> ActionPublic:
    """A new code action (422 with the reason: bad key, taken key, syntax error with its line...)."""
    row = code_actions.save_action(
        session=session, workspace_id=who.workspace_id, data=body.as_input(), actor=_actor(who)
    )
    return _action_public(row)


@router.get("/actions/{key}", response_model=ActionPublic)
def get_action(key: str, session: DB, who: Caller) -> ActionPublic:
    """One code action."""
    return _action_public(code_actions.get_action(session=session, workspace_id=who.workspace_id, key=key))


@router.put("/actions/{key}", response_model=ActionPublic)
def update_action(key: str, body: ActionBody, session: DB, who: Caller) -> ActionPublic:
    """Replace a code action (its key may change)."""
    row = code_actions.save_action(
        session=session, workspace_id=who.workspace_id, data=body.as_input(), original_key=key, actor=_actor(who)
    )
    return _action_public(row)


@router.delete("/actions/{key}", status_code=status.HTTP_204_NO_CONTENT)
def delete_action(key: str, session: DB, who: Caller) -> Response:
    """Delete a code action (nodes using it then take their error exit)."""
    code_actions.delete_action(session=session, workspace_id=who.workspace_id, key=key, actor=_actor(who))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/actions/{key}/test", response_model=TestRunPublic)
def test_action(key: str, body: TestRunBody, session: DB, who: Caller) -> TestRunPublic:
    """Run a stored action once with sample parameters and variables through the real runner."""
    row = code_actions.get_action(session=session, workspace_id=who.workspace_id, key=key)
    run = action_test_runs.test_run(
        workspace_id=who.workspace_id, data=code_actions.as_input(row), params=body.params, variables=body.variables
    )
    return TestRunPublic(**vars(run))


# ------------------------------------------------------------------------------------------------ secrets


class SecretBody(BaseModel):
    """A secret's value (write-only: never returned)."""

    value: str = Field(min_length=1, max_length=secrets.MAX_VALUE)


class SecretPublic(BaseModel):
    """A secret as the API shows it: name and when, never the value."""

    name: str
    updated_at: datetime
    updated_by: str


@router.get("/secrets", response_model=list[SecretPublic])
def list_secrets(session: DB, who: Caller) -> list[SecretPublic]:
    """The workspace's secrets by name."""
    return [
        SecretPublic(name=s.name, updated_at=s.updated_at, updated_by=s.updated_by)
        for s in secrets.list_secrets(session=session, workspace_id=who.workspace_id)
    ]


@router.put("/secrets/{name}", response_model=SecretPublic)
def set_secret(name: str, body: SecretBody, session: DB, who: Caller) -> SecretPublic:
    """Create or replace a secret; flows use it as {{secret.NAME}} in http_request headers and URLs."""
    view = secrets.set_secret(
        session=session, workspace_id=who.workspace_id, name=name, value=body.value, actor=_actor(who)
    )
    return SecretPublic(name=view.name, updated_at=view.updated_at, updated_by=view.updated_by)


@router.delete("/secrets/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_secret(name: str, session: DB, who: Caller) -> Response:
    """Delete a secret."""
    secrets.delete_secret(session=session, workspace_id=who.workspace_id, name=name, actor=_actor(who))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ----------------------------------------------------------------------------------------------- webhooks


class WebhookBody(BaseModel):
    """A webhook subscription."""

    url: str = Field(min_length=1, max_length=webhook_subscriptions.MAX_URL)
    events: list[str] = Field(description="Any of: " + ", ".join(webhooks.EVENTS))
    description: str = Field("", max_length=200)
    active: bool = True


class WebhookUpdate(BaseModel):
    """Fields to change."""

    url: str | None = Field(None, min_length=1, max_length=webhook_subscriptions.MAX_URL)
    events: list[str] | None = None
    description: str | None = Field(None, max_length=200)
    active: bool | None = None


class WebhookPublic(BaseModel):
    """A subscription (its signing secret is shown only once, when it is created)."""

    id: int
    url: str
    events: list[str]
    active: bool
    description: str
    created_at: datetime
    delivered: int
    failed: int


class WebhookCreated(WebhookPublic):
    """A new subscription, with its signing secret: store it now, it is never shown again."""

    secret: str


class DeliveryPublic(BaseModel):
    """One delivery of an event to a subscription."""

    id: int
    subscription_id: int
    event: str
    event_id: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    next_attempt_at: datetime | None
    duration_ms: int | None
    created_at: datetime
    payload: dict[str, Any]


def _delivery_public(row: Any) -> DeliveryPublic:
    return DeliveryPublic(
        **{name: getattr(row, name) for name in DeliveryPublic.model_fields if name != "status"},
        status=getattr(row.status, "value", row.status),
    )


@router.get("/webhooks", response_model=list[WebhookPublic])
def list_webhooks(session: DB, who: Caller) -> list[WebhookPublic]:
    """The workspace's webhook subscriptions."""
    return [
        WebhookPublic(**vars(v))
        for v in webhook_subscriptions.list_subscriptions(session=session, workspace_id=who.workspace_id)
    ]


@router.post("/webhooks", response_model=WebhookCreated, status_code=status.HTTP_201_CREATED)
def create_webhook(body: WebhookBody, session: DB, who: Caller) -> WebhookCreated:
    """Subscribe a URL to events; the answer carries the signing secret, shown this once."""
    row, secret = webhook_subscriptions.create_subscription(
        session=session,
        workspace_id=who.workspace_id,
        url=body.url,
        events=body.events,
        description=body.description,
        actor=_actor(who),
    )
    if not body.active:
        webhook_subscriptions.update_subscription(
            session=session, workspace_id=who.workspace_id, subscription_id=row.id, active=False
        )
    view = webhook_subscriptions.get_subscription(
        session=session, workspace_id=who.workspace_id, subscription_id=row.id
    )
    return WebhookCreated(**vars(view), secret=secret)


def _webhook(session: Any, who: Any, webhook_id: int) -> webhook_subscriptions.SubscriptionView:
    return webhook_subscriptions.get_subscription(
        session=session, workspace_id=who.workspace_id, subscription_id=webhook_id
    )


@router.get("/webhooks/{webhook_id}", response_model=WebhookPublic)
def get_webhook(webhook_id: int, session: DB, who: Caller) -> WebhookPublic:
    """One subscription."""
    return WebhookPublic(**vars(_webhook(session, who, webhook_id)))


@router.patch("/webhooks/{webhook_id}", response_model=WebhookPublic)
def update_webhook(webhook_id: int, body: WebhookUpdate, session: DB, who: Caller) -> WebhookPublic:
    """Change the URL, events, description, or pause/resume (`active`)."""
    webhook_subscriptions.update_subscription(
        session=session,
        workspace_id=who.workspace_id,
        subscription_id=webhook_id,
        actor=_actor(who),
        **body.model_dump(exclude_unset=True),
    )
    return WebhookPublic(**vars(_webhook(session, who, webhook_id)))


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: int, session: DB, who: Caller) -> Response:
    """Delete a subscription and its delivery log."""
    webhook_subscriptions.delete_subscription(
        session=session, workspace_id=who.workspace_id, subscription_id=webhook_id, actor=_actor(who)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryPublic])
def list_deliveries(
    webhook_id: int,
    session: DB,
    who: Caller,
    status_filter: Literal["pending", "delivered", "failed"] | None = Query(None, alias="status"),
    limit: int = Query(50, ge=1, le=500),
) -> list[DeliveryPublic]:
    """The subscription's deliveries, newest first."""
    _webhook(session, who, webhook_id)
    return [
        _delivery_public(d)
        for d in webhook_deliveries.deliveries(
            session=session,
            workspace_id=who.workspace_id,
            subscription_id=webhook_id,
            status=status_filter,
            limit=limit,
        )
    ]


@router.post(
    "/webhooks/deliveries/{delivery_id}/redeliver", response_model=DeliveryPublic, status_code=status.HTTP_202_ACCEPTED
)
def redeliver(delivery_id: int, session: DB, who: Caller) -> DeliveryPublic:
    """Send a delivery's event again now (a new delivery with the same event id)."""
    row = webhook_deliveries.redeliver(session=session, workspace_id=who.workspace_id, delivery_id=delivery_id)
    return _delivery_public(row)
