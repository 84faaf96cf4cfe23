"""/api/extract and /api/articles: pages in, reader views out."""
from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from ...errors import TooSlow
from ...library import ListQuery
from ...store.files import gzip_bytes
from .. import schema
from ..context import ctx
from ..http import article_json, json_response, origin, read_json


async def extract_page(request: web.Request) -> web.Response:
    """POST /api/extract {url, html, title?} -> the article and its suggested tags; nothing stored."""
    c = ctx(request)
    page = schema.PAGE.check(await read_json(request), c.settings)
    reading = await c.read(page["html"], page["url"], title=page.get("title"), pack=False)
    return json_response({**reading.article.to_dict(), "tags": reading.suggested, "suggested_tags": reading.suggested})


async def save_article(request: web.Request) -> web.Response:
    """POST /api/articles {url, html, title?} -> 201 new / 200 updated (same normalised URL). The
    answer is made from what the save has in hand: nothing is read back."""
    c = ctx(request)
    page = schema.PAGE.check(await read_json(request), c.settings)
    with c.images.saving() if c.images is not None else contextlib.nullcontext():
        try:
            reading = await c.read(page["html"], page["url"], title=page.get("title"))
        except TooSlow as exc:
            raise await _kept_unread(request, page, exc) from None
        record, created, counts = await c.db(c.library.save, page["url"], reading)
    return _saved(request, record, reading, counts, status=201 if created else 200)


async def read_again(request: web.Request) -> web.Response:
    """POST /api/articles/{id}/read-again -> the article, as a save answers: its page as captured
    read again (it took too long to read, or its saved text went missing). 409 if that page is
    gone too; 422 too_slow if it takes too long again."""
    c = ctx(request)
    url, title, html = await c.db(c.library.captured_page, request.match_info["id"])
    with c.images.saving() if c.images is not None else contextlib.nullcontext():
        reading = await c.read(html, url, title=title)
        record, counts = await c.db(c.library.read_again, request.match_info["id"], reading)
    return _saved(request, record, reading, counts)


def _saved(request: web.Request, record: dict, reading, counts: dict, status: int = 200) -> web.Response:
    c = ctx(request)
    if c.images is not None and _images_pending(record.get("images")):
        c.images.add(record["id"])  # archived in the background: the save answers now
    out = article_json({**record, **reading.body}, request)
    out["highlights"] = counts
    return json_response(out, status=status)


async def _kept_unread(request: web.Request, page: dict, exc: TooSlow) -> TooSlow:
    """A page that took too long to read is kept as captured (library.keep_unread), so it can be
    read again; the 422 says where it is."""
    c = ctx(request)
    raw = page["html"].encode("utf-8", "surrogatepass")
    raw_gz = await asyncio.get_running_loop().run_in_executor(None, gzip_bytes, raw)
    record, created = await c.db(c.library.keep_unread, page["url"], page.get("title"), raw_gz, exc.message)
    kept = "it is in your reading list, not read yet" if created else "the version you saved before stays as it was"
    return TooSlow(f"{exc.message} The page as captured is kept - {kept} - and can be read again from its reader: "
                   f"{origin(request)}/read/{record['id']}")


def _images_pending(counts: dict | None) -> bool:
    return counts is not None and counts["total"] > counts["archived"] + counts["failed"]


async def list_articles(request: web.Request) -> web.Response:
    """GET /api/articles?q=&tag=&state=&favorite=&highlighted=&sort=&order=&limit=&cursor=
    -> {items, next_cursor, total, counts}; with a q, each item also says why it matched
    (`snippet`, `matched_in`)."""
    c = ctx(request)
    p = schema.ARTICLE_LIST.check(request.query, c.settings)
    order = p.pop("order")
    page = await c.db(c.library.page, ListQuery(**p, descending=None if order is None else order == "desc"))
    page["items"] = [article_json(a, request) for a in page["items"]]
    return json_response(page)


async def get_article(request: web.Request) -> web.Response:
    """GET /api/articles/{id}[?body=true] -> the article; its reader HTML and text only when asked."""
    c = ctx(request)
    with_body = schema.ARTICLE_READ.check(request.query, c.settings)["body"]
    record = await c.db(c.library.get, request.match_info["id"], with_body=with_body)
    return json_response(article_json(record, request))


async def patch_article(request: web.Request) -> web.Response:
    """PATCH /api/articles/{id} {tags?, state?, favorite?, progress?}"""
    c = ctx(request)
    changes = schema.ARTICLE_PATCH.check(await read_json(request), c.settings)
    record = await c.db(c.library.patch, request.match_info["id"], changes)
    return json_response(article_json(record, request))


async def delete_article(request: web.Request) -> web.Response:
    """DELETE /api/articles/{id}: to the trash; POST .../restore brings it back."""
    c = ctx(request)
    record = await c.db(c.library.delete, request.match_info["id"])
    return json_response({"id": record["id"], "deleted": True, "deleted_at": record["deleted_at"]})


async def restore_article(request: web.Request) -> web.Response:
    c = ctx(request)
    record = await c.db(c.library.restore, request.match_info["id"])
    return json_response(article_json(record, request))


async def empty_trash(request: web.Request) -> web.Response:
    """DELETE /api/trash -> {purged}: everything in the trash, deleted for good now."""
    c = ctx(request)
    return json_response({"purged": await c.db(c.library.empty_trash)})
