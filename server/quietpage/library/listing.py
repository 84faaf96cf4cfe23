"""Listing the library: filters, sort orders and paging, over the in-memory index (index.py).

Runs on the store thread. Nothing is scanned for a page: the index walks its sorted list from
the cursor. A search (`q`) is the full-text index's (indexing.py, search.py); its pages are
numbered by offset, with the same kind of cursor.
"""
from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, replace
from datetime import timedelta

import orjson

from ..clock import iso, parse_iso
from ..errors import Invalid
from ..store import Store
from ..tags import normalize
from .index import ArticleIndex, ArticleQuery

# API sort name -> (index order, its key's type, newest/largest first by default). Without a
# search, "relevance" is the newest saved first; with one, it is the default. "added": when the
# article entered QuietPage (an import keeps its own "saved" date); "deleted": for the trash.
SORTS = {"saved": ("saved", str, True), "added": ("added", str, True), "published": ("published", str, True),
         "reading_time": ("reading", int, False), "relevance": ("saved", str, True),
         "deleted": ("deleted", str, True)}
LIBRARY_STATES = ("unread", "archived", "all")  # the library, out of the trash
LIST_STATES = (*LIBRARY_STATES, "trash")  # trash: the deleted articles, until purged


@dataclass(frozen=True)
class ListQuery:
    q: str | None = None
    tag: str | None = None
    state: str = "all"
    favorite: bool = False
    highlighted: bool = False
    sort: str | None = None  # None: relevance for a search, else saved
    descending: bool | None = None  # None: the sort's natural direction
    limit: int = 50
    cursor: str | None = None


def list_page(store: Store, index: ArticleIndex, query: ListQuery, trash_ttl_s: int) -> dict:
    """{items, next_cursor, total, counts} for one page of the list (its `q` aside; the trash's
    items also say when they go for good: `purge_at`)."""
    sort = query.sort or "saved"
    order, key_type, natural = SORTS[sort]
    descending = natural if query.descending is None else query.descending
    trash = query.state == "trash"
    base = ArticleQuery(sort=order, descending=descending, state=None if query.state in ("all", "trash") else query.state,
                        tag=normalize(query.tag) if query.tag else None, favorite=query.favorite,
                        highlighted=query.highlighted, trash=trash)
    after = _decode(query.cursor, sort, key_type) if query.cursor else None
    page = list(itertools.islice(index.ids(replace(base, after=after)), query.limit + 1))
    ids = page[:query.limit]
    next_cursor = _cursor_after(index, sort, order, ids[-1]) if len(page) > query.limit else None
    items = [store.get_article(article_id, include_deleted=trash) for article_id in ids]
    for a in items:
        a["highlight_count"] = store.highlight_count(a["id"])
        if trash:
            a["purge_at"] = purge_time(a.get("deleted_at"), trash_ttl_s)
    return {"items": items, "next_cursor": next_cursor, "total": index.count(base), "counts": index.counts()}


def purge_time(deleted_at, trash_ttl_s: int) -> str | None:
    """When an article deleted at `deleted_at` goes for good (None: a time that cannot be read,
    which the purge keeps)."""
    try:
        return iso(parse_iso(deleted_at) + timedelta(seconds=trash_ttl_s))
    except (TypeError, ValueError, AttributeError):
        return None


def offset_of(cursor: str) -> int:
    """Where a search's page starts, from its cursor."""
    return _decode(cursor, "search", int)


def cursor_after_offset(offset: int) -> str:
    return _encode(["search", offset])


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
