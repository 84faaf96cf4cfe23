"""The pages: the reading list (/), the reader (/read/{id}), the trash (/trash) and the notebook
(/highlights), rendered on the server; their scripts fill them in from the API."""
from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from aiohttp import web

from ...library import COLORS
from ...library.images import localise
from ..context import ctx
from ..middleware import page_csp
from ..notices import reader_notice
from ..render import nonce_of, page


async def reading_list(request: web.Request) -> web.Response:
    """The list is drawn by static/js/list.js from /api/articles; this is its shell."""
    return page(request, "list.html")


async def trash(request: web.Request) -> web.Response:
    """Deleted articles, drawn by static/js/trash.js from /api/articles?state=trash."""
    return page(request, "trash.html", trash_days=ctx(request).settings.trash_ttl_s // 86400)


async def notebook(request: web.Request) -> web.Response:
    """Every highlight, drawn by static/js/notebook.js from /api/highlights."""
    return page(request, "highlights.html", raw={"color_filters": COLOR_FILTERS})


async def tag_manager(request: web.Request) -> web.Response:
    """Every tag with its count: rename, merge, delete with Undo, the one-time clean-up
    (static/js/tag-manager.js, from /api/tags)."""
    return page(request, "tags.html")


def _host(url: str | None) -> str:
    return urlsplit(url or "").hostname or ""


SWATCHES = "\n".join(f'  <button type="button" class="swatch {c}" data-color="{c}" aria-label="Highlight {c}"></button>'
                     for c in COLORS)
COLOR_FILTERS = "\n".join(f'<button type="button" role="radio" aria-checked="false" data-color="{c}">'
                          f'<span class="dot {c}" aria-hidden="true"></span>{c.capitalize()} '
                          f'<span class="n" data-count="{c}"></span></button>' for c in COLORS)


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def byline_html(a: dict) -> str:
    """"Byline · Site", each isolated in its own direction; the site once when they are the same."""
    site = a.get("site_name") or _host(a.get("url"))
    parts = [a.get("byline"), site]
    if parts[0] and site and _same(parts[0], site):
        parts = [site]
    return " · ".join(f"<bdi>{escape(x)}</bdi>" for x in parts if x)


async def reader(request: web.Request) -> web.Response:
    """The article; its highlights are painted by static/js/reader.js from /api/.../highlights.
    Its HTML was sanitised when it was read (every way into the library reads pages through the
    reader, or sanitises what a backup brings), so it is served as stored. The meta lines are
    the UI's (left to right, dates in the browser's locale), not the article's."""
    c = ctx(request)
    article_id = request.match_info["id"]
    a = await c.db(c.library.get, article_id, with_body=True)
    notice, placeholder = reader_notice(a)  # not read yet, a saved copy gone missing, no text, not an article
    items = await c.db(c.library.image_items, article_id)
    content, remote = localise("" if placeholder else a["content_html"], items,
                               remote=c.settings.remote_images == "until_archived",
                               local_src=lambda name: f"/images/{name}", keep_local=c.settings.fetch_allow_private)
    published = a.get("published")
    date = f'<time datetime="{escape(published)}">{escape(published[:10])}</time>' if published else ""
    minutes = "" if a.get("needs_fetch") else f'<span class="minutes">{a.get("reading_minutes") or 1} min read</span>'
    tags = "".join(f'<li class="tag">{escape(t["name"])}</li>' for t in a.get("tags", []))
    response = page(
        request, "reader.html",
        title=a.get("title") or "Untitled", url=a.get("url"), article_id=a["id"],
        lang=a.get("lang") or "", dir=a.get("direction") or "auto",
        raw={"byline": byline_html(a), "date": date, "minutes": minutes, "tags": tags, "swatches": SWATCHES,
             "content": content, "notice": notice},
    )
    # Images from our own origin (and data:) only, unless one still comes from its site.
    response.headers["Content-Security-Policy"] = page_csp(nonce_of(request), remote_images=remote)
    return response
