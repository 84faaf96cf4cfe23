"""/api/articles/{id}/highlights, /api/highlights?url= and /api/highlights/{id}."""
from __future__ import annotations

from aiohttp import web

from .. import anchoring
from .. import validate as v
from ..context import ctx
from ..errors import Invalid
from ..library import COLORS
from .common import highlight_json, json_response, read_json

SELECTOR_TYPES = (anchoring.QUOTE, anchoring.POSITION)


def check_selectors(value, max_quote: int, max_selectors: int) -> list[dict]:
    if not isinstance(value, list) or not value:
        raise Invalid("The field 'selectors' must be a non-empty array of W3C selectors "
                      "(a TextQuoteSelector with 'exact' is enough).")
    if len(value) > max_selectors:
        raise Invalid(f"Too many selectors (at most {max_selectors}).", code="too_many")
    out = []
    for s in value:
        if not isinstance(s, dict) or s.get("type") not in SELECTOR_TYPES:
            raise Invalid(f"Each selector must be an object whose 'type' is one of {', '.join(SELECTOR_TYPES)}.")
        if s["type"] == anchoring.QUOTE:
            for key in ("exact", "prefix", "suffix"):
                if key in s and s[key] is not None and not isinstance(s[key], str):
                    raise Invalid(f"TextQuoteSelector '{key}' must be a string.")
            exact = s.get("exact")
            if not exact or not exact.strip():
                raise Invalid("TextQuoteSelector needs a non-empty 'exact' quote.", code="empty_field")
            if len(exact) > max_quote or len(s.get("prefix") or "") > 1000 or len(s.get("suffix") or "") > 1000:
                raise Invalid(f"The quote is too long (at most {max_quote} characters).", code="too_long")
            out.append({"type": s["type"], "exact": exact, "prefix": s.get("prefix") or "",
                        "suffix": s.get("suffix") or ""})
        else:
            start, end = s.get("start"), s.get("end")
            if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)) \
                    or not 0 <= start < end:
                raise Invalid("TextPositionSelector needs whole numbers 0 <= start < end.")
            out.append({"type": s["type"], "start": start, "end": end})
    return out


def _color_and_note(body: dict, max_note: int, *, defaults: bool) -> dict:
    out = {}
    if "color" in body or defaults:
        color = body.get("color", "yellow") if defaults else body["color"]
        if color not in COLORS:
            raise Invalid(f"The field 'color' must be one of: {', '.join(COLORS)}.")
        out["color"] = color
    if "note" in body or defaults:
        note = v.string(body, "note", max_chars=max_note, required_=False, allow_empty=True, default="")
        out["note"] = note
    return out


async def add_highlight(request: web.Request) -> web.Response:
    """POST /api/articles/{id}/highlights {selectors, color?, note?} -> 201"""
    c = ctx(request)
    body = await read_json(request)
    v.only(body, {"selectors", "color", "note"})
    selectors = check_selectors(v.required(body, "selectors"), c.settings.max_quote_chars, c.settings.max_selectors)
    extra = _color_and_note(body, c.settings.max_note_chars, defaults=True)
    record = await c.db(c.library.add_highlight, request.match_info["id"], selectors, extra["color"], extra["note"])
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
    body = await read_json(request)
    v.only(body, {"color", "note"})
    if not body:
        raise Invalid("Nothing to change: send 'color' or 'note'.", code="empty_patch")
    changes = _color_and_note(body, c.settings.max_note_chars, defaults=False)
    record = await c.db(c.library.patch_highlight, request.match_info["id"], changes)
    return json_response(highlight_json(record))


async def delete_highlight(request: web.Request) -> web.Response:
    c = ctx(request)
    record = await c.db(c.library.delete_highlight, request.match_info["id"])
    return json_response({"id": record["id"], "deleted": True})
