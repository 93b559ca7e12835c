"""Files agents send: stored in the data folder under an unguessable token, served back by `media_file`."""

from __future__ import annotations

import mimetypes
import re
import secrets
from pathlib import Path

from flowstudio.services.inbox.listing import InboxError
from flowstudio.settings import get_settings

MAX_UPLOAD_BYTES = 16 * 1024 * 1024


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
INLINE_IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


def media_dir() -> Path:
    """Where files agents send are kept (inside the data folder)."""
    return get_settings().data_dir / "media"


def store_file(*, workspace_id: int, filename: str, data: bytes) -> dict[str, str]:
    """Keep a file an agent sends under an unguessable path; returns the payload of a media message
    (``media_type`` image or document, relative ``path`` served by `/api/v1/media/...`, ``filename``).

    Raises:
        InboxError: empty or larger than `MAX_UPLOAD_BYTES`.
    """
    if not data:
        raise InboxError("errors.inbox.file_empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InboxError("errors.inbox.file_big", mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    original = Path(filename or "file").name
    safe = _SAFE_NAME.sub("_", original).strip("._") or "file"
    safe = safe[-100:]
    token = secrets.token_urlsafe(12)
    folder = media_dir() / str(int(workspace_id)) / token
    folder.mkdir(parents=True, exist_ok=True)
    (folder / safe).write_bytes(data)
    media_type = "image" if Path(safe).suffix.lower() in INLINE_IMAGES else "document"
    return {
        "media_type": media_type,
        "path": f"/api/v1/media/{int(workspace_id)}/{token}/{safe}",
        "filename": original[:200],
    }


def media_file(workspace_id: int, token: str, name: str) -> tuple[Path, str, bool] | None:
    """The stored file for a media URL, its content type, and whether it may be shown inline (images only);
    None for anything else (no path tricks: every part must be a plain name)."""
    if (
        not re.fullmatch(r"[A-Za-z0-9_-]{8,40}", token)
        or not re.fullmatch(r"[A-Za-z0-9._-]{1,100}", name)
        or name.startswith(".")
    ):
        return None
    path = media_dir() / str(int(workspace_id)) / token / name
    if not path.is_file():
        return None
    inline = path.suffix.lower() in INLINE_IMAGES
    content_type = mimetypes.guess_type(name)[0] if inline else "application/octet-stream"
    return path, content_type or "application/octet-stream", inline
