"""A real SMTP server for tests (aiosmtpd on a free port) that keeps what it receives."""

from __future__ import annotations

import email
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message

from aiosmtpd.controller import Controller

from tests.browser.server import free_port


class Sink:
    """An aiosmtpd handler keeping every message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, to: str, count: int = 1, timeout: float = 10) -> Message:
        """The `count`-th message to `to`, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.messages if to.lower() in (m["To"] or "").lower()]
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.05)
        raise AssertionError(f"no message #{count} to {to} (got {[m['To'] for m in self.messages]})")

    def code_for(self, to: str, count: int = 1, timeout: float = 10) -> str:
        """The 6-digit code in the `count`-th message to `to`."""
        body = self.wait_for(to, count, timeout).get_payload(decode=True).decode()
        return re.search(r"\b(\d{6})\b", body).group(1)


@contextmanager
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    """Run a sink on a free local port for the duration of the block."""
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()
