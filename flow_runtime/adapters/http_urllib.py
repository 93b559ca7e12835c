"""A small standard-library HTTP adapter (the terminal chat, the emulator and production)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from flow_runtime.ports import HttpResponse


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_no_redirect_opener = urllib.request.build_opener(_NoRedirect)


class UrllibHttpClient:
    """``HttpClient`` over ``urllib``: JSON bodies in, JSON parsed out when possible."""

    def request(
        self,
        *,
        method: str,
        url: str,
        headers: dict[str, str],
        body: Any,
        timeout: float,
        follow_redirects: bool = True,
        max_bytes: int | None = None,
    ) -> HttpResponse:
        data = None
        headers = dict(headers)
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        opener = urllib.request.urlopen if follow_redirects else _no_redirect_opener.open
        try:
            with opener(req, timeout=timeout) as resp:
                status, raw, response_headers = resp.status, _read(resp, max_bytes), dict(resp.headers.items())
        except urllib.error.HTTPError as exc:
            status, raw, response_headers = exc.code, _read(exc, max_bytes), dict(exc.headers.items())
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return HttpResponse(status, parsed, text, response_headers)


def _read(resp: Any, max_bytes: int | None) -> bytes:
    if max_bytes is None:
        return resp.read()
    raw = resp.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValueError(f"the response is larger than {max_bytes} bytes")
    return raw
