"""/api/extract and /api/articles: pages in, reader views out."""
from __future__ import annotations

from dataclasses import replace

from aiohttp import web

from .. import validate as v
from ..context import ctx
from ..errors import Invalid
from ..library import STATES
from ..listing import LIST_STATES, SORTS, ListQuery
from .common import article_json, json_response, read_json

PATCHABLE = {"tags", "state", "favorite", "progress"}


async def _page_input(request: web.Request, allowed: set[str]) -> tuple[str, str, str | None]:
    c = ctx(request)
    body = await read_json(request)
    v.only(body, allowed)
    url = v.page_url(v.string(body, "url", max_chars=c.settings.max_url_chars), "The field 'url'",
                     max_chars=c.settings.max_url_chars)
    html = v.string(body, "html", max_chars=c.settings.max_html_chars)
    title = v.string(body, "title", max_chars=2000, required_=False, allow_empty=True)
    return url, html, title


async def extract_page(request: web.Request) -> web.Response:
    """POST /api/extract {url, html} -> the article and its suggested tags; nothing stored."""
    c = ctx(request)
    url, html, _ = await _page_input(request, {"url", "html", "title"})
    article = await c.extract(html, url)
    tags = await c.db(c.library.suggest_tags, article)
    return json_response({**article.to_dict(), "tags": tags, "suggested_tags": tags})


async def save_article(request: web.Request) -> web.Response:
    """POST /api/articles {url, html, title?} -> 201 new / 200 updated (same normalised URL)."""
    c = ctx(request)
    url, html, title = await _page_input(request, {"url", "html", "title"})
    article = await c.extract(html, url)
    if title and title.strip() and not article.title:  # the tab's title, if the page had none
        article = replace(article, title=title.strip())
    record, created, counts = await c.db(c.library.save, url, article, html)
    record = await c.db(c.library.get, record["id"], with_body=True)
    out = article_json(record, request)
    out["highlights"] = counts
    return json_response(out, status=201 if created else 200)


async def list_articles(request: web.Request) -> web.Response:
    """GET /api/articles?q=&tag=&state=&favorite=&highlighted=&sort=&order=&limit=&cursor=
    -> {items, next_cursor, total, counts}"""
    c = ctx(request)
    s, query = c.settings, request.query
    q = query.get("q", "").strip() or None
    if q and len(q) > s.max_query_chars:
        raise Invalid(f"The search is too long (at most {s.max_query_chars} characters).", code="too_long")
    state = v.choice_param(query.get("state"), "state", LIST_STATES, default="all")
    tag = query.get("tag", "").strip() or None
    if tag and len(tag) > s.max_tag_chars:
        raise Invalid(f"The tag is too long (at most {s.max_tag_chars} characters).", code="too_long")
    limit = v.int_param(query.get("limit"), "limit", default=s.default_page_size, lo=1, hi=s.max_page_size)
    sort = v.choice_param(query.get("sort"), "sort", SORTS, default="saved")
    order = v.choice_param(query.get("order"), "order", ("asc", "desc"), default=None)
    page = await c.db(c.library.page, ListQuery(
        q=q, tag=tag, state=state, favorite=_flag(query, "favorite"), highlighted=_flag(query, "highlighted"),
        sort=sort, descending=None if order is None else order == "desc", limit=limit,
        cursor=query.get("cursor") or None))
    page["items"] = [article_json(a, request) for a in page["items"]]
    return json_response(page)


def _flag(query, name: str) -> bool:
    value = query.get(name, "false").lower()
    if value not in ("true", "false", "1", "0", ""):
        raise Invalid(f"The parameter '{name}' must be true or false.")
    return value in ("true", "1")


async def get_article(request: web.Request) -> web.Response:
    c = ctx(request)
    record = await c.db(c.library.get, request.match_info["id"], with_body=True)
    return json_response(article_json(record, request))


async def patch_article(request: web.Request) -> web.Response:
    """PATCH /api/articles/{id} {tags?, state?, favorite?, progress?}"""
    c = ctx(request)
    body = await read_json(request)
    v.only(body, PATCHABLE)
    if not body:
        raise Invalid(f"Nothing to change: send one of {', '.join(sorted(PATCHABLE))}.", code="empty_patch")
    changes: dict = {}
    if "tags" in body:
        changes["tags"] = tag_names(body["tags"], c.settings.max_tags, c.settings.max_tag_chars)
    if "state" in body:
        changes["state"] = v.choice(body, "state", STATES)
    if "favorite" in body:
        changes["favorite"] = v.boolean(body, "favorite")
    if "progress" in body:
        changes["progress"] = v.number(body, "progress", lo=0.0, hi=1.0)
    record = await c.db(c.library.patch, request.match_info["id"], changes)
    return json_response(article_json(record, request))


def tag_names(value, max_tags: int, max_chars: int) -> list[str]:
    """Tags as sent by clients: a list of names (or of {name} objects)."""
    if not isinstance(value, list):
        raise Invalid(f"The field 'tags' must be an array of names, not {v.type_name(value)}.")
    if len(value) > max_tags:
        raise Invalid(f"Too many tags ({len(value)}; at most {max_tags}).", code="too_many")
    return [v.tag_name(item.get("name") if isinstance(item, dict) else item, "A tag", max_chars=max_chars)
            for item in value]


async def delete_article(request: web.Request) -> web.Response:
    """DELETE /api/articles/{id}: to the trash; POST .../restore brings it back."""
    c = ctx(request)
    record = await c.db(c.library.delete, request.match_info["id"])
    return json_response({"id": record["id"], "deleted": True, "deleted_at": record["deleted_at"]})


async def restore_article(request: web.Request) -> web.Response:
    c = ctx(request)
    record = await c.db(c.library.restore, request.match_info["id"])
    return json_response(article_json(record, request))
