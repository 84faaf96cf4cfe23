"""/api/tags: the user's tags, renaming and merging them."""
from __future__ import annotations

from aiohttp import web

from .. import validate as v
from ..context import ctx
from ..errors import Invalid
from ..tags import normalize
from .common import json_response, read_json


def check_tag_name(value, field: str, max_chars: int) -> str:
    if not isinstance(value, str):
        raise Invalid(f"The field '{field}' must be a string, not {v.type_name(value)}.")
    name = " ".join(value.split())
    if not name:
        raise Invalid(f"The field '{field}' must not be empty.", code="empty_field")
    if len(name) > max_chars:
        raise Invalid(f"The tag is too long ({len(name)} characters; at most {max_chars}).", code="too_long")
    if not normalize(name):
        raise Invalid(f"The tag {name!r} has no letters or digits in it.", code="invalid_tag")
    return name


async def list_tags(request: web.Request) -> web.Response:
    """GET /api/tags -> {items: [{name, count}]}"""
    c = ctx(request)
    return json_response({"items": await c.db(c.library.tags)})


async def rename_tag(request: web.Request) -> web.Response:
    """POST /api/tags/{name}/rename {to} -> {name, count, renamed}; merges on collision."""
    c = ctx(request)
    max_chars = c.settings.max_tag_chars
    name = check_tag_name(request.match_info["name"], "name", max_chars)
    body = await read_json(request)
    v.only(body, {"to"})
    to = check_tag_name(v.required(body, "to"), "to", max_chars)
    return json_response(await c.db(c.library.rename_tag, name, to))
