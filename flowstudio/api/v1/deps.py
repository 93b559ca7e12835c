"""Dependencies of the REST API: the caller (bearer token), what its role may do, and a database session.

Every route takes `Caller` (401 without a valid token; 403 when the workspace's IP rules refuse the
request's address) and says what it needs: `allow(who, capability)` in the body, or
`dependencies=[Depends(requires(capability))]` on the route or router. The matrix is
`flowstudio.services.identity.permissions`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from flowstudio.db import session_scope
from flowstudio.services.identity import ip_rules, permissions
from flowstudio.services.identity.api_tokens import ApiCaller, authenticate

_bearer = HTTPBearer(auto_error=False, description="A token from `flowstudio token create`.")


def db() -> Iterator[Session]:
    """A unit of work per request (committed when the route returns)."""
    with session_scope() as session:
        yield session


DB = Annotated[Session, Depends(db)]


def request_ip(request: Request) -> str:
    """The client's address: the socket peer, or the trusted `X-Forwarded-For` entry (`ip_rules.client_ip`)."""
    return ip_rules.client_ip(request.client.host if request.client else "", request.headers.get("x-forwarded-for"))


def caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)], session: DB
) -> ApiCaller:
    """The token's caller; 401 with the reason, or 403 from an address the workspace's IP rules refuse."""
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "send 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"}
        )
    found = authenticate(session=session, token=credentials.credentials)
    if found is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"}
        )
    if ip_rules.refusal(session=session, workspace_id=found.workspace_id, ip=request_ip(request), role=found.role):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the workspace's IP rules refuse requests from this address")
    return found


Caller = Annotated[ApiCaller, Depends(caller)]


def allow(who: ApiCaller, capability: str) -> None:
    """403 unless the token's role has the capability."""
    if not permissions.allows(who.role, capability):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"the {who.role.value} role of this token may not {capability}")


def requires(capability: str) -> Callable[[ApiCaller], ApiCaller]:
    """A dependency: the caller, after checking their role has the capability."""
    permissions.allows(None, capability)  # an unknown capability fails at import

    def dependency(who: Caller) -> ApiCaller:
        allow(who, capability)
        return who

    return dependency


def require_admin(who: ApiCaller) -> None:
    """403 unless the token may change the operation's configuration (admins and supervisors).

    Kept for routes written before the permission matrix; new routes name their capability with `allow`.
    """
    allow(who, permissions.MEMBERS_MANAGE)
