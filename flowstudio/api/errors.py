"""The one answer of every route to a refused request: a `flowstudio.errors.DomainError` raised by a service
(or a route) becomes its status and a JSON body, so routes call services without a try/except.

- `NotFound` -> 404, `Conflict` -> 409, `Forbidden` -> 403, any other `Invalid` -> 422.
- Body: ``{"detail": message, "error": {"code": key, "message": message, "params": {...}}}``: `detail` is the
  English sentence (FastAPI's own errors use the same field), `code` the i18n key a client can translate
  with `params`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from flowstudio.errors import Conflict, DomainError, Forbidden, NotFound

STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, status.HTTP_404_NOT_FOUND),
    (Conflict, status.HTTP_409_CONFLICT),
    (Forbidden, status.HTTP_403_FORBIDDEN),
)
"""The first kind an error is decides its status (a `WebhookNotFound` is a `WebhookError` too: 404)."""


def status_of(error: DomainError) -> int:
    """The HTTP status for `error` (422 for `Invalid` and any other kind)."""
    return next((code for kind, code in STATUS if isinstance(error, kind)), status.HTTP_422_UNPROCESSABLE_CONTENT)


def _plain(value: object) -> Any:
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def body_of(error: DomainError) -> dict[str, Any]:
    """The JSON body that says why (English text, the key and its parameters)."""
    message = str(error)
    params = {name: _plain(value) for name, value in error.params.items()}
    return {"detail": message, "error": {"code": error.key, "message": message, "params": params}}


async def _refused(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    return JSONResponse(body_of(error), status_code=status_of(error))


def install(api: FastAPI) -> None:
    """Answer every `DomainError` raised under `api`'s routes (REST API v1, channel webhooks...)."""
    api.add_exception_handler(DomainError, _refused)
