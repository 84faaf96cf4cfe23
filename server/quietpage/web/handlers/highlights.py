"""/api/articles/{id}/highlights, /api/highlights?url= and /api/highlights/{id}."""
from __future__ import annotations

from aiohttp import web

from .. import schema
from .. import validate as v
from ..context import ctx
from ..http import highlight_json, json_response, read_json


async def add_highlight(request: web.Request) -> web.Response:
    """POST /api/articles/{id}/highlights {selectors, color?, note?} -> 201"""
    c = ctx(request)
    h = schema.NEW_HIGHLIGHT.check(await read_json(request), c.settings)
    record = await c.db(c.library.add_highlight, request.match_info["id"], h["selectors"], h["color"], h["note"])
    return json_response(highlight_json(record), status=201)


async def list_highlights(request: web.Request) -> web.Response:
    c = ctx(request)
    items = await c.db(c.library.highlights, request.match_info["id"])
    return json_response({"items": [highlight_json(h) for h in items]})


async def highlights_for_url(request: web.Request) -> web.Response:
    """GET /api/highlights?url=<page url> -> {article_id, items}: what the extension paints on
    the live page. article_id is null (and items empty) when that page was never saved."""
    c = ctx(request)
    url = v.page_url(request.query.get("url", ""), "The parameter 'url'", max_chars=c.settings.max_url_chars)
    article_id, items = await c.db(c.library.highlights_for_url, url)
    return json_response({"article_id": article_id, "items": [highlight_json(h) for h in items]})


async def patch_highlight(request: web.Request) -> web.Response:
    """PATCH /api/highlights/{id} {color?, note?}"""
    c = ctx(request)
    changes = schema.HIGHLIGHT_PATCH.check(await read_json(request), c.settings)
    record = await c.db(c.library.patch_highlight, request.match_info["id"], changes)
    return json_response(highlight_json(record))


async def delete_highlight(request: web.Request) -> web.Response:
    c = ctx(request)
    record = await c.db(c.library.delete_highlight, request.match_info["id"])
    return json_response({"id": record["id"], "deleted": True})
