"""The pages: the reading list (/) and the reader (/read/{id}), rendered on the server."""
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


def _host(url: str | None) -> str:
    return urlsplit(url or "").hostname or ""


SWATCHES = "\n".join(f'  <button type="button" class="swatch {c}" data-color="{c}" aria-label="Highlight {c}"></button>'
                     for c in COLORS)


async def reader(request: web.Request) -> web.Response:
    """The article; its highlights are painted by static/js/reader.js from /api/.../highlights.
    Its HTML was sanitised when it was read (every way into the library reads pages through the
    reader, or sanitises what a backup brings), so it is served as stored."""
    c = ctx(request)
    article_id = request.match_info["id"]
    a = await c.db(c.library.get, article_id, with_body=True)
    notice, placeholder = reader_notice(a)  # a page not read yet, a saved copy gone missing
    items = await c.db(c.library.image_items, article_id)
    content, remote = localise("" if placeholder else a["content_html"], items,
                               remote=c.settings.remote_images == "until_archived",
                               local_src=lambda name: f"/images/{name}", keep_local=c.settings.fetch_allow_private)
    byline = " · ".join(escape(x) for x in (a.get("byline"), a.get("site_name") or _host(a.get("url"))) if x)
    published = a.get("published")
    date = (f'<time datetime="{escape(published)}">{escape(published[:10])}</time>' if published else "")
    tags = "".join(f'<li class="tag">{escape(t["name"])}</li>' for t in a.get("tags", []))
    response = page(
        request, "reader.html",
        title=a.get("title") or "Untitled", url=a.get("url"), article_id=a["id"],
        lang=a.get("lang") or "", dir=a.get("direction") or "auto",
        minutes=a.get("reading_minutes") or 1,
        raw={"byline": byline, "date": date, "tags": tags, "swatches": SWATCHES, "content": content, "notice": notice},
    )
    # Images from our own origin (and data:) only, unless one still comes from its site.
    response.headers["Content-Security-Policy"] = page_csp(nonce_of(request), remote_images=remote)
    return response
