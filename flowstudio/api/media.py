"""`GET /api/v1/media/{workspace}/{token}/{name}`: files agents send from the inbox, for the channels and the
customer to fetch. The random token in the path is the only key, as with a channel's own media links.

Images are shown inline; anything else is a download (never rendered by the browser as a page).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from flowstudio.services.inbox.files import media_file

router = APIRouter(tags=["media"])


@router.get("/api/v1/media/{workspace_id}/{token}/{name}", include_in_schema=False)
async def media(workspace_id: int, token: str, name: str) -> FileResponse:
    """Serve one stored file."""
    found = media_file(workspace_id, token, name)
    if found is None:
        raise HTTPException(404, "file not found")
    path, content_type, inline = found
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=86400",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Access-Control-Allow-Origin": "*",
    }
    return FileResponse(
        path,
        media_type=content_type,
        headers=headers,
        filename=None if inline else name,
        content_disposition_type="inline" if inline else "attachment",
    )
