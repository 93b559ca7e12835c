"""Outbound HTTP through pooled, keep-alive clients: one `httpx.Client` per process and per origin.

`httpx.post` builds a client for every call, and with it a TLS context (`ssl.create_default_context` loading
the CA bundle): a measurement of the delivery worker found two thirds of its CPU there, and each message paid a
new TCP and TLS handshake on top. Here a client is made the first time an origin (scheme, host, port) is called
and kept: its connections stay open between messages (`LIMITS`), and it speaks HTTP/2 where the server offers it
over TLS (the Graph API does: one connection carries every concurrent send). Channel adapters, outgoing webhooks
and the "Test connection" probes all call out through here.

A client is never shared across a fork: the key holds the process id, so a forked child (a Celery prefork pool
process) makes its own instead of writing on its parent's sockets, and the table and its lock are replaced in
the child (`os.register_at_fork`) so a lock held by another thread at fork time cannot stall it. The parent's
clients are left alone in the child, not closed (closing would act on sockets the parent still uses).

Clients are thread-safe: a worker's threads share them. There are at most MAX_ORIGINS per process (outgoing
webhooks may point anywhere): past that the oldest is dropped (its requests in flight finish; it is then
collected).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any
from urllib.parse import urlsplit

import httpx

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
"""The default of every request (callers pass their own, as channel adapters do for typing indicators)."""
LIMITS = httpx.Limits(max_connections=32, max_keepalive_connections=16, keepalive_expiry=30.0)
"""Per origin and process: a worker's threads each hold one connection at a time (HTTP/1.1), a few more may wait."""
MAX_ORIGINS = 256

logging.getLogger("httpx").setLevel(logging.WARNING)
"""httpx logs each request at INFO with its whole URL: a Telegram URL holds the bot token, and a worker at INFO
wrote a line per message sent. Failures still reach the logs, as the callers' own events."""

_clients: dict[tuple[int, str], httpx.Client] = {}
_lock = threading.Lock()


def origin(url: str) -> str:
    """`scheme://host:port` of a URL (the port explicit), the key its client is kept under."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"https": 443, "http": 80}.get(scheme, 0)
    except ValueError:  # a malformed port: httpx refuses the URL itself (InvalidURL), as without a pool
        port = 0
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def client_for(url: str) -> httpx.Client:
    """This process's client for the origin of `url`, made on first use."""
    key = (os.getpid(), origin(url))
    client = _clients.get(key)
    if client is not None:
        return client
    with _lock:
        client = _clients.get(key)
        if client is None:
            if len(_clients) >= MAX_ORIGINS:
                _clients.pop(next(iter(_clients)))
            client = _clients[key] = httpx.Client(http2=True, timeout=TIMEOUT, limits=LIMITS)
        return client


def post(url: str, **options: Any) -> httpx.Response:
    """POST through the pooled client of `url`'s origin (`options` as `httpx.Client.post` takes them).

    Raises:
        httpx.HTTPError: as `httpx.post` does (a timeout, a refused connection, a protocol error).
    """
    return client_for(url).post(url, **options)


def get(url: str, **options: Any) -> httpx.Response:
    """GET through the pooled client of `url`'s origin (see `post`)."""
    return client_for(url).get(url, **options)


def close_all() -> None:
    """Close this process's clients (tests; a process that ends needs not)."""
    with _lock:
        mine = [key for key in _clients if key[0] == os.getpid()]
        for key in mine:
            _clients.pop(key).close()


def _after_fork_in_child() -> None:
    global _clients, _lock
    _clients, _lock = {}, threading.Lock()  # the parent's clients are not ours to close, nor its lock's holder


os.register_at_fork(after_in_child=_after_fork_in_child)
