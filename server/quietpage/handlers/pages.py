"""The pages: the reading list (/) and the reader (/read/{id}), rendered on the server."""
from __future__ import annotations

from html import escape

from aiohttp import web

from ..context import ctx
from ..reader.sanitize import sanitize
from .render import page

LIST_PAGE_SIZE = 100


async def reading_list(request: web.Request) -> web.Response:
    c = ctx(request)
    cursor = request.query.get("cursor") or None
    items, next_cursor = await c.db(c.library.list, q=None, tag=None, state="all",
                                    limit=LIST_PAGE_SIZE, cursor=cursor)
    rows = "\n".join(_list_item(a) for a in items)
    if not items and not cursor:
        rows = _empty_state()
    more = (f'<a class="more" href="/?cursor={escape(next_cursor)}">Older articles</a>'
            if next_cursor else "")
    return page(request, "list.html", raw={"items": rows, "more": more},
                count=f"{len(items)}{'+' if next_cursor else ''} saved")


def _list_item(a: dict) -> str:
    tags = "".join(f'<li class="tag">{escape(t["name"])}</li>' for t in a.get("tags", []))
    meta = " · ".join(escape(x) for x in (
        a.get("site_name") or _host(a.get("url")),
        a.get("byline"),
        f"{a.get('reading_minutes') or 1} min read",
    ) if x)
    hl = a.get("highlight_count") or 0
    highlights = f' · {hl} highlight{"s" if hl != 1 else ""}' if hl else ""
    saved = escape(a["created_at"][:10])
    return (f'<li class="item" data-id="{escape(a["id"])}">'
            f'<a class="title" href="/read/{escape(a["id"])}">{escape(a.get("title") or a.get("url"))}</a>'
            f'<div class="meta">{meta}{highlights} · saved <time datetime="{escape(a["created_at"])}">{saved}</time></div>'
            f'{f"<ul class=tags>{tags}</ul>" if tags else ""}</li>')


def _empty_state() -> str:
    return ('<li class="empty"><h2>Nothing saved yet</h2>'
            "<p>Install the QuietPage extension (see the README), open any article in your browser "
            "and press the QuietPage button: a clean copy lands here, with your highlights.</p></li>")


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
