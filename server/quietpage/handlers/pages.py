"""The pages: the reading list (/) and the reader (/read/{id}), rendered on the server."""
from __future__ import annotations

from html import escape

from aiohttp import web

from ..context import ctx
from ..reader.sanitize import sanitize
from .render import page


async def reading_list(request: web.Request) -> web.Response:
    """The list is drawn by static/js/list.js from /api/articles; this is its shell."""
    return page(request, "list.html")


def _host(url: str | None) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url or "").hostname or ""


async def reader(request: web.Request) -> web.Response:
    c = ctx(request)
    article_id = request.match_info["id"]
    a = await c.db(c.library.get, article_id, with_body=True)
    highlights = await c.db(c.library.highlights, article_id)
    byline = " · ".join(escape(x) for x in (a.get("byline"), a.get("site_name") or _host(a.get("url"))) if x)
    published = a.get("published")
    date = (f'<time datetime="{escape(published)}">{escape(published[:10])}</time>' if published else "")
    tags = "".join(f'<li class="tag">{escape(t["name"])}</li>' for t in a.get("tags", []))
    return page(
        request, "reader.html",
        title=a.get("title") or "Untitled", url=a.get("url"), article_id=a["id"],
        lang=a.get("lang") or "", dir=a.get("direction") or "auto",
        minutes=a.get("reading_minutes") or 1,
        raw={"byline": byline, "date": date, "tags": tags,
             "content": sanitize(a["content_html"]),  # sanitised on the way in; again on the way out
             "highlights": _highlight_list(highlights)},
    )


def _highlight_list(highlights: list[dict]) -> str:
    if not highlights:
        return ""
    items = []
    for h in highlights:
        quote = next((s.get("exact") for s in h["selectors"] if s.get("type") == "TextQuoteSelector"), "")
        note = f'<p class="note">{escape(h["note"])}</p>' if h.get("note") else ""
        items.append(f'<li class="highlight {escape(h["color"])} {escape(h["status"])}" data-id="{escape(h["id"])}">'
                     f"<blockquote>{escape(quote)}</blockquote>{note}</li>")
    return f'<section class="highlights" aria-label="Your highlights"><h2>Your highlights</h2><ul>{"".join(items)}</ul></section>'
