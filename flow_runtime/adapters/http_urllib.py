"""A small standard-library HTTP adapter (for the terminal chat; the app injects its own)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from flow_runtime.ports import HttpResponse


class UrllibHttpClient:
    """``HttpClient`` over ``urllib``: JSON bodies in, JSON parsed out when possible."""

    def request(self, *, method: str, url: str, headers: dict[str, str], body: Any, timeout: float) -> HttpResponse:
        data = None
        headers = dict(headers)
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - URL comes from the designer
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return HttpResponse(status, parsed, text)
