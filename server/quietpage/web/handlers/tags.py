"""/api/tags: the user's tags, renaming and merging them."""
from __future__ import annotations

from aiohttp import web

from .. import schema
from .. import validate as v
from ..context import ctx
from ..http import json_response, read_json


async def list_tags(request: web.Request) -> web.Response:
    """GET /api/tags -> {items: [{name, count}]}"""
    c = ctx(request)
    return json_response({"items": await c.db(c.library.tags)})


async def rename_tag(request: web.Request) -> web.Response:
    """POST /api/tags/{name}/rename {to} -> {name, count, renamed}; merges on collision."""
    c = ctx(request)
    name = v.tag_name(request.match_info["name"], "The tag's name", max_chars=c.settings.max_tag_chars)
    to = schema.TAG_RENAME.check(await read_json(request), c.settings)["to"]
    return json_response(await c.db(c.library.rename_tag, name, to))
