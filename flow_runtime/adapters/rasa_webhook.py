"""``ActionServer`` over the ``HttpClient`` port: POST the Rasa webhook payload, explain every failure."""

from __future__ import annotations

import socket
import urllib.error
from typing import Any

from flow_runtime.ports import ActionServerError, HttpClient

MAX_RESPONSE_BYTES = 1_000_000


def describe(exc: BaseException) -> str:
    """A short human reason for a network failure (``connection refused``, ``timed out``...)."""
    reason: Any = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "unknown host"
    return str(reason) or type(reason).__name__


class RasaWebhookClient:
    """Calls ``<server_url>/webhook`` (Rasa SDK's action endpoint) through ``client``."""

    def __init__(self, client: HttpClient) -> None:
        self.client = client

    def call(self, *, server_url: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        """POST ``payload``; the response body, or ``ActionServerError`` saying what went wrong."""
        url = server_url.rstrip("/") + "/webhook"
        action = payload.get("next_action", "")
        try:
            response = self.client.request(
                method="POST",
                url=url,
                headers={"Content-Type": "application/json"},
                body=payload,
                timeout=timeout,
                max_bytes=MAX_RESPONSE_BYTES,
            )
        except Exception as exc:  # every transport failure is the node's error, explained
            reason = describe(exc)
            if reason == "timed out":
                raise ActionServerError(
                    f"the action server at {server_url} did not answer within {timeout:g} s"
                ) from None
            raise ActionServerError(f"could not reach the action server at {server_url}: {reason}") from None
        body = response.json if isinstance(response.json, dict) else {}
        if response.status != 200:
            detail = body.get("error") or response.text[:200] or "no details"
            raise ActionServerError(f"the action server answered HTTP {response.status} for {action}: {detail}")
        if not isinstance(response.json, dict):
            raise ActionServerError(f"the action server's answer for {action} is not a JSON object")
        return body
