"""Listing the library: filters, sort orders, search and paging, over the store's indexes.

Runs on the store thread. Nothing is scanned for a plain page: the index walks its sorted list
from the cursor. A search tests each candidate against its words (metadata, tags, highlight
notes, then text); with `sort=relevance` articles whose title holds every word come first,
then those whose title, byline, site, excerpt or tags do, then those that only mention them
in their text or highlights.
"""
from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, replace

import orjson

from ..errors import Invalid
from ..store import Store
from ..tags import normalize
from . import search
from .index import ArticleIndex, ArticleQuery

# API sort name -> (index order, its key's type, newest/largest first by default)
SORTS = {"saved": ("saved", str, True), "published": ("published", str, True),
         "reading_time": ("reading", int, False), "relevance": ("saved", str, True)}
LIST_STATES = ("unread", "archived", "all")


@dataclass(frozen=True)
class ListQuery:
    q: str | None = None
    tag: str | None = None
    state: str = "all"
    favorite: bool = False
    highlighted: bool = False
    sort: str = "saved"
    descending: bool | None = None  # None: the sort's natural direction
    limit: int = 50
    cursor: str | None = None


def list_page(store: Store, index: ArticleIndex, query: ListQuery) -> dict:
    """{items, next_cursor, total, counts} for one page of the query."""
    order, key_type, natural = SORTS[query.sort]
    descending = natural if query.descending is None else query.descending
    terms = query.q.casefold().split() if query.q else []
    base = ArticleQuery(sort=order, descending=descending, state=None if query.state == "all" else query.state,
                        tag=normalize(query.tag) if query.tag else None, favorite=query.favorite,
                        highlighted=query.highlighted)
    if terms:
        ids, next_cursor, total = _searched(store, index, base, terms, query)
    else:
        after = _decode(query.cursor, query.sort, key_type) if query.cursor else None
        page = list(itertools.islice(index.ids(replace(base, after=after)), query.limit + 1))
        ids = page[:query.limit]
        next_cursor = _cursor_after(index, query.sort, order, ids[-1]) if len(page) > query.limit else None
        total = index.count(base)
    items = [store.get_article(article_id) for article_id in ids]
    for a in items:
        a["highlight_count"] = store.highlight_count(a["id"])
    return {"items": items, "next_cursor": next_cursor, "total": total, "counts": index.counts()}


def _searched(store: Store, index: ArticleIndex, base: ArticleQuery, terms: list[str], query: ListQuery):
    """A search: every match in order (ranked when asked), then the page at the cursor's offset."""
    found = [a for a in index.ids(base) if search.matches(store, index, a, terms)]
    if query.sort == "relevance":  # stable: within a rank, the order of `base`
        found.sort(key=lambda a: -search.rank(index, a, terms))
    offset = _decode(query.cursor, "search", int) if query.cursor else 0
    ids = found[offset:offset + query.limit]
    more = offset + query.limit < len(found)
    return ids, _encode(["search", offset + query.limit]) if more else None, len(found)


def _cursor_after(index: ArticleIndex, sort: str, order: str, article_id: str) -> str:
    key = index.sort_key(order, article_id)
    return _encode([sort, key[0], key[1]])


def _encode(value) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode().rstrip("=")


def _decode(cursor: str, sort: str, key_type: type):
    """The position a cursor stands for: (sort key, id) for pages, an offset for searches."""
    try:
        value = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        value = None
    if isinstance(value, list) and value and value[0] == sort:
        if sort == "search" and len(value) == 2 and isinstance(value[1], int) and value[1] >= 0:
            return value[1]
        if len(value) == 3 and isinstance(value[1], key_type) and not isinstance(value[1], bool) \
                and isinstance(value[2], str):
            return (value[1], value[2])
    raise Invalid("The cursor is not one this server gave out for this list; start again without it.",
                  code="invalid_cursor")
