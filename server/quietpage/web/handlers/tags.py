"""/api/tags: the user's tags - listing, renaming and merging, deleting, the one-time clean-up,
Undo - and /api/preferences ("apply my own tags automatically")."""
from __future__ import annotations

from aiohttp import web

from .. import schema
from .. import validate as v
from ..context import ctx
from ..http import json_response, read_json


def _name(request: web.Request) -> str:
    return v.tag_name(request.match_info["name"], "The tag's name", max_chars=ctx(request).settings.max_tag_chars)


async def list_tags(request: web.Request) -> web.Response:
    """GET /api/tags -> {items: [{name, count}], cleanup: {articles}}"""
    c = ctx(request)
    items = await c.db(c.library.tags)
    return json_response({"items": items, "cleanup": {"articles": await c.db(c.library.tag_cleanup_count)}})


async def rename_tag(request: web.Request) -> web.Response:
    """POST /api/tags/{name}/rename {to} -> {name, count, renamed, undo}; merges on collision."""
    c = ctx(request)
    name = _name(request)
    to = schema.TAG_RENAME.check(await read_json(request), c.settings)["to"]
    return json_response(await c.db(c.library.rename_tag, name, to))


async def delete_tag(request: web.Request) -> web.Response:
    """DELETE /api/tags/{name} -> {name, removed, undo}: off every article."""
    c = ctx(request)
    return json_response(await c.db(c.library.delete_tag, _name(request)))


async def clean_up_tags(request: web.Request) -> web.Response:
    """POST /api/tags/cleanup -> {articles, removed, undo}: the suggestions old saves applied unasked, off."""
    c = ctx(request)
    return json_response(await c.db(c.library.clean_up_tags))


async def undo_tags(request: web.Request) -> web.Response:
    """POST /api/tags/undo {undo} -> {restored, skipped}"""
    c = ctx(request)
    token = schema.TAG_UNDO.check(await read_json(request), c.settings)["undo"]
    return json_response(await c.db(c.library.undo_tags, token))


async def get_preferences(request: web.Request) -> web.Response:
    """GET /api/preferences -> {auto_apply_tags}"""
    c = ctx(request)
    return json_response(await c.db(c.library.preferences))


async def patch_preferences(request: web.Request) -> web.Response:
    """PATCH /api/preferences {auto_apply_tags} -> the preferences (written to config.toml)."""
    c = ctx(request)
    changes = schema.PREFERENCES.check(await read_json(request), c.settings)
    return json_response(await c.db(c.library.set_preferences, changes["auto_apply_tags"]))
