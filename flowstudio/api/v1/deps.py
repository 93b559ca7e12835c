"""Dependencies of the REST API: the caller (bearer token) and a database session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from flowstudio.db import session_scope
from flowstudio.models import Role
from flowstudio.services.api_tokens import ApiCaller, authenticate

_bearer = HTTPBearer(auto_error=False, description="A token from `flowstudio token create`.")


def db() -> Iterator[Session]:
    """A unit of work per request (committed when the route returns)."""
    with session_scope() as session:
        yield session


DB = Annotated[Session, Depends(db)]


def caller(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)], session: DB) -> ApiCaller:
    """The token's caller, or 401 with the reason."""
    if credentials is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    found = authenticate(session=session, token=credentials.credentials)
    if found is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown or revoked token",
                            headers={"WWW-Authenticate": "Bearer"})
    return found


Caller = Annotated[ApiCaller, Depends(caller)]


def require_admin(who: ApiCaller) -> None:
    """403 unless the token may change configuration."""
    if who.role not in (Role.ADMIN, Role.SUPERVISOR):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"a {who.role.value} token cannot change configuration")
