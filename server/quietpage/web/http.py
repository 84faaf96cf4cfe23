"""What every handler and middleware shares about HTTP: JSON in, JSON out, the one error shape,
and the public shape of our records."""
from __future__ import annotations

import orjson
from aiohttp import web

from ..errors import InvalidJSON, QuietPageError
from ..notes import note_html
from .validate import obj

# Record fields that are internal bookkeeping, never sent (deleted_at is, for what is in the trash).
# tags_edited is sent: whether the user has set the tags (the pages offer suggestions as chips until then)
PRIVATE_FIELDS = frozenset({"url_key", "rev", "capture_rev", "deleted_at"})


def json_response(data, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


def error_response(exc: QuietPageError) -> web.Response:
    return json_response(exc.to_json(), status=exc.status)


async def read_json(request: web.Request) -> dict:
    """The request body as a JSON object, or a clear 4xx. Its size (client_max_size, 413) and its
    Content-Type (the guard's rule 4, 415) were checked before any handler ran."""
    raw = await request.read()
    if not raw.strip():
        raise InvalidJSON("The request body is empty; send a JSON object.")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidJSON(f"The request body is not valid JSON: {exc}.") from None
    return obj(data)


def article_json(record: dict, request: web.Request) -> dict:
    out = {k: v for k, v in record.items() if k not in PRIVATE_FIELDS and k != "thumbnail"}
    if record.get("thumbnail"):  # the list's picture: an archived image, from our own origin
        out["thumbnail_url"] = f"/images/{record['thumbnail']}"
    if record.get("deleted_at"):
        out["deleted_at"] = record["deleted_at"]
    out["reader_url"] = f"{origin(request)}/read/{record['id']}"
    return out


def highlight_json(record: dict) -> dict:
    """A highlight as the API gives it: its note as written (Markdown) and as safe HTML."""
    keys = ("id", "article_id", "selectors", "color", "note", "status", "created_at", "updated_at")
    out = {k: record.get(k) for k in keys}
    out["note_html"] = note_html(out["note"])
    return out


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"
