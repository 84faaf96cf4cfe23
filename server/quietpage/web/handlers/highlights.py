"""/api/articles/{id}/highlights, /api/highlights (?url=, or the notebook) and /api/highlights/{id}."""
from __future__ import annotations

from aiohttp import web

from ...library import NotebookQuery
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


async def highlights_index(request: web.Request) -> web.Response:
    """GET /api/highlights?url= -> one page's highlights; without `url` -> the notebook."""
    return await (highlights_for_url if "url" in request.query else notebook)(request)


async def notebook(request: web.Request) -> web.Response:
    """GET /api/highlights?q=&color=&tag=&sort=newest|oldest|article&limit=&cursor=
    -> {items (each with its `article`), next_cursor, total, colors}"""
    c = ctx(request)
    p = schema.NOTEBOOK.check(request.query, c.settings)
    page = await c.db(c.library.notebook, NotebookQuery(**p))
    page["items"] = [{**highlight_json(h), "article": h["article"]} for h in page["items"]]
    return json_response(page)


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
