"""What keeps the REST API true to its OpenAPI spec (checked by tests/app/api/test_schemathesis.py):

- `UtcDatetime` for response fields: always an RFC 3339 time with its offset (SQLite hands back naive
  datetimes, which JSON-encode without one and are not a `date-time`).
- Refusals of well-formed requests are 422 with a reason (a string, or an object with a `message`), not only
  FastAPI's list of validation errors: the spec's `HTTPValidationError.detail` says so, and its `error` is the
  key and parameters of a service's refusal (`flowstudio.api.errors`).
- A number too large for the database (an id like 2**70 in a path, an int column overflowing) is a 422 with
  the reason, never a 500.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import AfterValidator
from sqlalchemy.exc import DataError

from flowstudio.models.base import as_utc

UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
"""A timezone-aware UTC datetime (naive values from SQLite are UTC)."""

OUT_OF_RANGE = "a value in the request is out of range for the database (an id or number too large?)"


async def _out_of_range(_request: Request, _error: Exception) -> JSONResponse:
    return JSONResponse({"detail": OUT_OF_RANGE}, status_code=422)


def _document_refusals(api: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            schema = get_openapi(title=api.title, version=api.version, description=api.description, routes=api.routes)
            error = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError")
            if error is not None:
                error["properties"]["detail"] = {
                    "title": "Detail",
                    "description": "The request's validation errors, or why a well-formed request is refused "
                    "(a sentence, or an object with a `message` and the problems found).",
                    "anyOf": [
                        {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
                        {"type": "string"},
                        {"type": "object"},
                    ],
                }
                error["properties"]["error"] = {
                    "title": "Error",
                    "description": "A refusal of a service (docs/developers.md#errors): its i18n key (`code`), "
                    "the English `message` and the `params` the key's text names.",
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "params": {"type": "object"},
                    },
                }
            api.openapi_schema = schema
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]


def install(api: FastAPI) -> None:
    """Out-of-range numbers as 422, and the spec of 422 answers as they really are."""
    api.add_exception_handler(OverflowError, _out_of_range)
    api.add_exception_handler(DataError, _out_of_range)
    _document_refusals(api)
