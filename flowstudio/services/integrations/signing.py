"""Signed webhooks (REST channel messages and outgoing event webhooks): HMAC-SHA256 over `<timestamp>.<body>`.

Requests carry `X-FlowStudio-Timestamp` (Unix seconds) and `X-FlowStudio-Signature: sha256=<hex>`;
receivers recompute the signature with their secret and refuse old timestamps, which stops replays.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-FlowStudio-Signature"
TIMESTAMP_HEADER = "X-FlowStudio-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """JSON content type, user agent, timestamp and signature headers for one request body."""
    timestamp = str(int(now if now is not None else time.time()))
    return {
        "Content-Type": "application/json",
        "User-Agent": "FlowStudio-Webhook/1",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }


def signature_ok(
    secret: str,
    timestamp: str | None,
    body: bytes,
    header: str | None,
    *,
    tolerance_s: int = 300,
    now: float | None = None,
) -> bool:
    """Whether a webhook request is genuine and recent (what a receiver checks; used by the tests)."""
    if not secret or not timestamp or not header or not timestamp.isdigit():
        return False
    if abs((now if now is not None else time.time()) - int(timestamp)) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)
