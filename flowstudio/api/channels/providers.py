"""Provider webhooks: `POST /webhooks/<kind>/<channel key>` for every registered channel kind, and Meta's
subscription check. The route only calls the kind's adapter (`flowstudio.channels.registry`): verify, parse,
then each message is a turn, each edit recorded, each delivery status applied."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from flowstudio.api.channels.common import apply_statuses, find_channel, json_body, take_turn
from flowstudio.channels import whatsapp
from flowstudio.channels.base import Refused
from flowstudio.channels.registry import adapter_for
from flowstudio.services.conversations.edits import record_edit

router = APIRouter(prefix="/webhooks", tags=["channels"])


@router.get("/whatsapp/{key}", response_class=Response)
async def verify_whatsapp(
    key: str,
    mode: str = Query("", alias="hub.mode"),
    token: str = Query("", alias="hub.verify_token"),
    challenge: str = Query("", alias="hub.challenge"),
) -> Response:
    """Meta's webhook verification: echo `hub.challenge` when the verify token matches."""
    channel = await find_channel("whatsapp", key)
    if not whatsapp.subscription_ok(channel, mode, token):
        raise HTTPException(status_code=403, detail="verify token does not match")
    return Response(challenge, media_type="text/plain")


@router.post("/{kind}/{key}")
async def receive(kind: str, key: str, request: Request) -> dict[str, Any]:
    """One provider webhook; refused (401) unless the adapter verifies it came from the provider."""
    adapter = adapter_for(kind)
    if adapter is None or not adapter.capabilities.webhook:
        raise HTTPException(status_code=404, detail=f"no channel kind '{kind}'")
    channel = await find_channel(kind, key)
    try:
        adapter.verify(channel, request.headers, await request.body())
    except Refused as refused:
        raise HTTPException(status_code=refused.status, detail=refused.reason) from refused
    inbound = adapter.parse(channel, await json_body(request))
    answer: dict[str, Any] = {"received": 0, "duplicates": 0, "statuses": len(inbound.statuses)}
    if inbound.edits:  # recorded on the messages they change; no new turn, no answer
        answer["edited"] = sum([await run_in_threadpool(record_edit, edit) for edit in inbound.edits])
    if inbound.acknowledge is not None:
        await run_in_threadpool(inbound.acknowledge)
    for event in inbound.events:
        result = await take_turn(event)
        answer["duplicates"] += result.duplicate
        answer["received"] += not result.duplicate
    if inbound.statuses:
        await run_in_threadpool(apply_statuses, inbound.statuses)
    return answer
