"""The notebook: every highlight across the library, newest first, oldest first or by article,
filtered by colour, by the article's tag and by words, in pages.

Runs on the store thread. `HighlightIndex` keeps what a notebook page needs of each highlight
in memory (when, where in its text, colour, its quote and note case- and accent-folded), so a
page never decodes highlight records it will not show: built on the first notebook page (a
library that never opens its notebook pays nothing at start-up), then refreshed per article by
Library._highlights_changed and _purge_article. Which articles count (out of the trash, with a
tag) comes from the article index. A search: every word must appear (parts of words count),
case and accents aside, in the quote, the note, or the article's title, byline, site, address
or tags.
"""
from __future__ import annotations

import base64
import itertools
import re
import unicodedata
from collections import Counter
from bisect import bisect_left, insort
from dataclasses import dataclass
from typing import NamedTuple

import orjson

from ..anchoring import POSITION, quote_of
from ..errors import Invalid, NotFound
from ..store import Store
from ..tags import normalize
from . import collector
from .index import ArticleIndex, ArticleQuery
from .record_fields import tag_names_of

NOTEBOOK_SORTS = ("newest", "oldest", "article")
ARTICLE_FIELDS = ("id", "title", "url", "site_name", "state")  # what each highlight says of its article
ABOUT_FIELDS = ("title", "byline", "site_name", "url")  # what a search looks at in a highlight's article
ORPHAN_PLACE = 1 << 62  # orphans, placed nowhere in the text, come last in reading order
SORT_OR_WALK = 16  # a search that finds more than 1/16 of the highlights walks them in order


@dataclass(frozen=True)
class NotebookQuery:
    q: str | None = None
    color: str | None = None
    tag: str | None = None
    sort: str = "newest"
    limit: int = 50
    cursor: str | None = None


# The combining marks that accents decompose into (the Unicode blocks of combining diacritics).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def fold(text: str) -> str:
    """Case and accents aside: 'Café' and 'cafe' read the same."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))


class Entry(NamedTuple):
    created_at: str
    id: str
    article_id: str
    color: str
    place: int  # where it starts in its article's text
    words: str  # its quote and note, folded


def _entry(h: dict) -> Entry:
    place = ORPHAN_PLACE if h.get("status") == "orphan" else next(
        (s["start"] for s in h.get("selectors", []) if s.get("type") == POSITION), ORPHAN_PLACE - 1)
    return Entry(str(h.get("created_at") or ""), h["id"], h["article_id"], str(h.get("color") or ""), place,
                 fold(f"{quote_of(h.get('selectors', []))} {h.get('note') or ''}"))


class HighlightIndex:
    def __init__(self):
        self._of: dict[str, list[Entry]] | None = None  # article id -> its highlights in reading order
        self._order: list[tuple[str, str]] = []  # (created_at, id) of every highlight, oldest first
        self._entries: dict[str, Entry] = {}
        self._colors: dict[str, dict[str, int]] = {}  # article id -> how many of each colour
        self._totals: dict[str, int] = {}  # the same, for every article
        self._about: dict[str, str] = {}  # article id -> what a search finds it by (about())
        self._flat_lists: tuple[list[str], list[str]] | None = None  # see _flat

    def ensure(self, store: Store) -> None:
        if self._of is not None:
            return
        self._of = {}
        self._flat_lists = None
        by_article: dict[str, list[dict]] = {}
        with collector.paused():
            for highlight_id, raw in store.highlight_bytes():  # one pass over them, not a read each
                highlight = orjson.loads(raw)
                highlight["id"] = highlight_id
                by_article.setdefault(highlight["article_id"], []).append(highlight)
            for article_id, highlights in by_article.items():
                self._file(article_id, highlights)
            self._order = sorted((e.created_at, e.id) for e in self._entries.values())

    def refresh(self, store: Store, article_id: str) -> None:
        """After an article's highlights changed (or it was purged): file them again."""
        self._about.pop(article_id, None)
        if self._of is None:
            return  # not built yet: it will read the store as it is
        self._flat_lists = None
        for old in self._of.pop(article_id, ()):
            del self._entries[old.id]
            del self._order[bisect_left(self._order, (old.created_at, old.id))]
        self._count(self._colors.pop(article_id, {}), -1)
        for e in self._file(article_id, store.highlights_of(article_id)):
            insort(self._order, (e.created_at, e.id))

    def _file(self, article_id: str, highlights: list[dict]) -> list[Entry]:
        entries = sorted((_entry(h) for h in highlights), key=lambda e: (e.place, e.created_at, e.id))
        if entries:
            self._of[article_id] = entries
            self._entries.update((e.id, e) for e in entries)
            self._colors[article_id] = dict(Counter(e.color for e in entries))
            self._count(self._colors[article_id], 1)
        return entries

    def _count(self, colors: dict[str, int], sign: int) -> None:
        for color, n in colors.items():
            self._totals[color] = self._totals.get(color, 0) + sign * n

    def colors(self, articles=None, *, but=()) -> dict[str, int]:
        """How many highlights of each colour `articles` hold (None: all), less those of `but`."""
        if articles is None:
            out, articles, sign = dict(self._totals), but, -1
        else:
            out, sign = {}, 1
        for a in articles:
            for color, n in self._colors.get(a, {}).items():
                out[color] = out.get(color, 0) + sign * n
        return {c: n for c, n in out.items() if n > 0}

    def about(self, store: Store, article_id: str, missing: str | None = None) -> str:
        """An article's title, byline, site, address and tags, folded: what a search may find
        its highlights by besides their own words (kept until the article changes); `missing`
        for an article without a record (else NotFound)."""
        if (found := self._about.get(article_id)) is None:
            try:
                record = store.get_article(article_id, include_deleted=True)
            except NotFound:
                if missing is None:
                    raise
                return missing
            found = self._about[article_id] = fold(" ".join(
                [*(str(record.get(k) or "") for k in ABOUT_FIELDS), *tag_names_of(record)]))
        return found

    def article_changed(self, article_id: str) -> None:
        self._about.pop(article_id, None)

    def matching(self, store: Store, terms: list[str]) -> set[str]:
        """The ids of the highlights that every (folded) term finds: in their own quote or note,
        or in their article's title, byline, site, address or tags (about). The first term is
        looked for in every highlight's words at once; each further one among those found."""
        for article_id in self._of.keys() - self._about.keys():
            self.about(store, article_id, missing="")
        found: set[str] | None = None
        for term in terms:
            about = [a for a, words in self._about.items() if term in words]
            if found is None:
                ids, words = self._flat()
                found = set(itertools.compress(ids, [term in w for w in words]))
                found.update(e.id for a in about for e in self._of.get(a, ()))
            else:
                about = set(about)
                found = {i for i in found if term in self._entries[i].words or self._entries[i].article_id in about}
            if not found:
                break
        return found or set()

    def _flat(self) -> tuple[list[str], list[str]]:
        """(every highlight's id, its words), made again after a change, on the next search."""
        if self._flat_lists is None:
            self._flat_lists = ([e.id for e in self._entries.values()], [e.words for e in self._entries.values()])
        return self._flat_lists

    def in_time_order(self, newest_first: bool):
        ids = reversed(self._order) if newest_first else iter(self._order)
        return (self._entries[i] for _, i in ids)

    def of(self, article_id: str) -> list[Entry]:
        return self._of.get(article_id, [])

    def entry(self, highlight_id: str) -> Entry:
        return self._entries[highlight_id]

    def count(self) -> int:
        return len(self._entries)


def notebook_page(store: Store, index: ArticleIndex, highlights: HighlightIndex, query: NotebookQuery) -> dict:
    """{items, next_cursor, total, colors}: one page of highlights, each with `article` (its id,
    title, url, site and state); `colors` counts the matches of each colour before the colour
    filter, so a page can offer them."""
    highlights.ensure(store)
    terms = fold(query.q).split() if query.q else []
    offset = _decode(query.cursor) if query.cursor else 0
    articles = ArticleQuery(highlighted=True, tag=normalize(query.tag) if query.tag else None)
    if query.sort == "article":  # the articles newest saved first, each one's highlights in reading order
        candidates = (e for a in index.ids(articles) for e in highlights.of(a))
    elif query.tag:  # the tag's articles' highlights, sorted (no walk through everyone else's)
        candidates = iter(sorted((e for a in index.ids(articles) for e in highlights.of(a)),
                                 key=lambda e: (e.created_at, e.id), reverse=query.sort == "newest"))
    else:
        candidates = (e for e in highlights.in_time_order(query.sort == "newest") if not index.in_trash(e.article_id))
    if terms:  # what every term finds, then in the page's order; counted as they go
        matched = highlights.matching(store, terms)
        if query.sort == "article":
            articles_matched = {highlights.entry(i).article_id for i in matched}
            candidates = (e for a in index.ids(articles) if a in articles_matched
                          for e in highlights.of(a) if e.id in matched)
        elif query.tag:
            candidates = (e for e in candidates if e.id in matched)
        elif len(matched) * SORT_OR_WALK < highlights.count():  # few: sorted
            candidates = sorted((e for e in map(highlights.entry, matched) if not index.in_trash(e.article_id)),
                                key=lambda e: (e.created_at, e.id), reverse=query.sort == "newest")
        else:  # many: picked out of every highlight in time order
            candidates = (e for e in candidates if e.id in matched)
        found, colors = [], {}
        for e in candidates:
            colors[e.color] = colors.get(e.color, 0) + 1
            if query.color is None or e.color == query.color:
                found.append(e)
        total = len(found)
    else:  # counted from the index; only the entries up to this page are walked
        colors = highlights.colors(index.ids(articles)) if query.tag else \
            highlights.colors(but=index.ids(ArticleQuery(trash=True)))
        total = colors.get(query.color, 0) if query.color else sum(colors.values())
        wanted = (e for e in candidates if query.color is None or e.color == query.color)
        found = list(itertools.islice(wanted, offset + query.limit))
    summaries: dict[str, dict] = {}
    items = []
    for e in found[offset:offset + query.limit]:
        if e.article_id not in summaries:
            record = store.get_article(e.article_id)
            summaries[e.article_id] = {k: record.get(k) for k in ARTICLE_FIELDS}
        items.append({**store.get_highlight(e.id), "article": summaries[e.article_id]})
    more = offset + query.limit < total
    return {"items": items, "next_cursor": _encode(offset + query.limit) if more else None,
            "total": total, "colors": colors}


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(["notebook", offset])).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        value = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        value = None
    if isinstance(value, list) and len(value) == 2 and value[0] == "notebook" \
            and isinstance(value[1], int) and not isinstance(value[1], bool) and value[1] >= 0:
        return value[1]
    raise Invalid("The cursor is not one this server gave out for the notebook; start again without it.",
                  code="invalid_cursor")
