"""The library's in-memory index over its article records, so that listing and filtering never scan.

`ArticleIndex` keeps, per sort order, a sorted list of (sort key, id), and per filter a set of
ids (state, normalised tag, trash, favourite, highlighted). (Search has its own full-text
index: fulltext.py.) A page walks the sorted list from the cursor and tests set membership; a
filter that few articles pass (SPARSE) is sorted directly. Counts come from set sizes.
Adding a sort order is one entry in SORTS; adding a filter is one set and one ArticleQuery field.
"""
from __future__ import annotations

import functools
from collections import Counter
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..tags import SiteKeywords, keyword_keys
from .record_fields import site_of


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _whole(value) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value else 0


# How each sort order ranks an article (ties broken by id). Missing values sort first; a value
# of the wrong type (a damaged or doctored record) sorts as missing instead of breaking the order.
SORTS: dict[str, Callable[[dict], object]] = {
    "saved": lambda r: _text(r.get("created_at")),
    # when it entered QuietPage (an import keeps its old "saved" date); records from before
    # added_at existed entered when they were saved
    "added": lambda r: _text(r.get("added_at") or r.get("created_at")),
    "published": lambda r: _text(r.get("published")),
    "reading": lambda r: _whole(r.get("reading_minutes")),
    "deleted": lambda r: _text(r.get("deleted_at")),  # the trash, most recently deleted first
}
# A filter that keeps fewer than 1/SPARSE of the articles is sorted directly, not walked.
SPARSE = 16


@dataclass(frozen=True)
class ArticleQuery:
    sort: str = "saved"
    descending: bool = True
    after: tuple | None = None  # (sort key, id) of the last article already shown
    state: str | None = None    # None: any state
    tag: str | None = None      # a normalised tag name
    trash: bool = False         # the trash instead of the library
    favorite: bool = False      # only favourites
    highlighted: bool = False   # only articles with highlights


class ArticleIndex:
    def __init__(self, tag_key: Callable[[str], str]):
        self._tag_key = functools.lru_cache(maxsize=1 << 16)(tag_key)  # names repeat a lot
        self._sorted: dict[str, list[tuple]] = {name: [] for name in SORTS}
        self._keys: dict[str, dict[str, tuple]] = {name: {} for name in SORTS}
        self._state: dict[str, set[str]] = {}
        self._tag: dict[str, set[str]] = {}
        self._trash: set[str] = set()
        self._favorite: set[str] = set()
        # articles with highlights, as the Store (which knows the highlights) says: all of them,
        # and those of them indexed here (what the counts and the filter use)
        self._with_highlights: set[str] = set()
        self._highlighted: set[str] = set()
        # (tag key, spelling) -> live articles carrying it; and only those the user chose
        self._names: Counter = Counter()
        self._chosen_names: Counter = Counter()
        self._untouched: set[str] = set()  # live articles with tags an old save applied unasked
        # site -> [live pages saved from it, Counter(keyword key -> pages declaring it)]
        self._sites: dict[str, list] = {}
        # id -> (state, tag keys, tag names, chosen, site, keywords) as indexed: every article
        self._filed: dict[str, tuple] = {}

    def __len__(self) -> int:
        return len(self._filed)

    def all_ids(self) -> list[str]:
        """Every indexed article, the trash too."""
        return list(self._filed)

    def load(self, records: Iterator[tuple[str, dict]]) -> None:
        """Index many articles at once (sorting once instead of inserting one by one)."""
        filed = []
        for article_id, record in records:
            self._file(article_id, record)
            filed.append((article_id, record))
        for name, key_of in SORTS.items():
            entries = [(key_of(record), article_id) for article_id, record in filed]
            self._keys[name].update(zip((a for a, _ in filed), entries))
            self._sorted[name].extend(entries)
            self._sorted[name].sort()

    def add(self, article_id: str, record: dict) -> None:
        if article_id in self._filed:
            self.remove(article_id)
        self._file(article_id, record)
        for name, key_of in SORTS.items():
            entry = (key_of(record), article_id)
            self._keys[name][article_id] = entry
            insort(self._sorted[name], entry)

    def _file(self, article_id: str, record: dict) -> None:
        # (one pass over the tags: filing every record is most of the library's start-up)
        get, key = record.get, self._tag_key
        state = get("state")
        state = state if isinstance(state, str) else None
        tags = get("tags")
        live = not get("deleted_at")
        names: dict[str, str] = {}     # key -> spelling as it first comes
        picked: dict[str, str] = {}    # the same, of the tags the user chose
        applied = False                # a tag an old save applied unasked (untouched_tags)
        if isinstance(tags, list) and tags:
            edited = get("tags_edited")
            auto = None
            for t in tags:
                name = t.get("name") if isinstance(t, dict) else None
                if not isinstance(name, str):
                    continue
                k = key(name)
                names.setdefault(k, name)
                if edited or t.get("source") == "user":
                    picked.setdefault(k, name)
                elif live and not applied:
                    if auto is None:
                        auto = {key(n) for n in get("auto_tags") or () if isinstance(n, str)}
                    applied = k not in auto
        ids = self._state.get(state)
        if ids is None:
            ids = self._state[state] = set()
        ids.add(article_id)
        tag_sets = self._tag
        for k in names:
            ids = tag_sets.get(k)
            if ids is None:
                ids = tag_sets[k] = set()
            ids.add(article_id)
        if not live:
            self._trash.add(article_id)
        if get("favorite"):
            self._favorite.add(article_id)
        filed_names = chosen = ()
        site, keywords = "", frozenset()
        if live:
            filed_names, chosen = tuple(names.items()), tuple(picked.items())
            counts = self._names
            for item in filed_names:
                counts[item] += 1
            counts = self._chosen_names
            for item in chosen:
                counts[item] += 1
            if applied:
                self._untouched.add(article_id)
            site = site_of(get("url"))
        if site:
            keywords = keyword_keys(get("keywords"))
            entry = self._sites.get(site)
            if entry is None:
                entry = self._sites[site] = [0, Counter()]
            entry[0] += 1
            counts = entry[1]
            for k in keywords:
                counts[k] += 1
        self._filed[article_id] = (state, tuple(names), filed_names, chosen, site, keywords)
        if article_id in self._with_highlights:
            self._highlighted.add(article_id)

    def remove(self, article_id: str) -> None:
        if article_id not in self._filed:
            return
        state, tags, names, chosen, site, keywords = self._filed.pop(article_id)
        self._names.subtract(names)
        self._chosen_names.subtract(chosen)
        self._untouched.discard(article_id)
        if site:
            entry = self._sites[site]
            entry[0] -= 1
            entry[1].subtract(keywords)
            if entry[0] <= 0:
                del self._sites[site]
        self._state[state].discard(article_id)
        for tag in tags:
            ids = self._tag[tag]
            ids.discard(article_id)
            if not ids:
                del self._tag[tag]
        self._trash.discard(article_id)
        self._favorite.discard(article_id)
        self._highlighted.discard(article_id)  # (back when it is filed again: _with_highlights)
        for name in SORTS:
            entries = self._sorted[name]
            entry = self._keys[name].pop(article_id)
            del entries[bisect_left(entries, entry)]

    def has(self, article_id: str) -> bool:
        return article_id in self._filed

    def sort_key(self, order: str, article_id: str) -> tuple:
        """(sort key, id) of an article in one of the SORTS orders: what a cursor remembers."""
        return self._keys[order][article_id]

    def in_trash(self, article_id: str) -> bool:
        return article_id in self._trash

    def set_highlighted(self, article_id: str, has_highlights: bool) -> None:
        if has_highlights:
            self._with_highlights.add(article_id)
            if article_id in self._filed:
                self._highlighted.add(article_id)
        else:
            self._with_highlights.discard(article_id)
            self._highlighted.discard(article_id)

    def counts(self) -> dict[str, int]:
        """How many articles are in the library ("all"), in each state, favourites and with
        highlights - the trash aside - and in the trash."""
        live = self._live
        out = {"all": len(self._filed) - len(self._trash), "unread": 0, "archived": 0,
               "favorites": live(self._favorite), "highlighted": live(self._highlighted),
               "trash": len(self._trash)}
        for state, ids in self._state.items():
            if state is not None:
                out[state] = live(ids)
        return out

    def tag_names(self, *, chosen_only: bool = False) -> list[tuple[str, int]]:
        """[(spelling, articles)] of the tags on live articles, most used first, each tag once in
        its most common spelling; `chosen_only`: only where the user chose the tag (chosen_tag_names)."""
        counts, best = Counter(), {}
        for (key, name), n in (self._chosen_names if chosen_only else self._names).items():
            if n <= 0:
                continue
            counts[key] += n
            if key not in best or n > best[key][1] or (n == best[key][1] and name < best[key][0]):
                best[key] = (name, n)
        return sorted(((best[k][0], n) for k, n in counts.items()), key=lambda e: (-e[1], e[0].casefold()))

    def tagged(self, key: str) -> set[str]:
        """Every article carrying the tag (by key), the trash too."""
        return set(self._tag.get(key, ()))

    def untouched(self) -> set[str]:
        """Live articles with tags an old save applied unasked (untouched_tags)."""
        return set(self._untouched)

    def site_keywords(self, url: str, own: Iterable[str] | None = None) -> SiteKeywords:
        """What the site of `url` declares across the live pages saved from it, the page itself
        aside (`own`: its declared keywords when it is one of them, else None)."""
        pages, counts = self._sites.get(site_of(url), (0, Counter()))
        own_keys = keyword_keys(own) if own is not None else frozenset()
        return SiteKeywords.habits(pages - (own is not None), {k: n - (k in own_keys) for k, n in counts.items()})

    def _live(self, ids: set[str]) -> int:
        """How many of `ids` are out of the trash (walks the smaller of the two sets)."""
        return len(ids) - len(ids & self._trash)

    def _filters(self, query: ArticleQuery) -> list[set]:
        sets = []
        if query.state is not None:
            sets.append(self._state.get(query.state, set()))
        if query.tag is not None:
            sets.append(self._tag.get(query.tag, set()))
        if query.trash:
            sets.append(self._trash)
        if query.favorite:
            sets.append(self._favorite)
        if query.highlighted:
            sets.append(self._highlighted)
        return sets

    def count(self, query: ArticleQuery) -> int:
        """How many articles pass the query's filters (its cursor aside), from the sets alone."""
        sets = self._filters(query)
        if not sets:
            return len(self._filed) - len(self._trash)
        if len(sets) == 1:  # a set of indexed articles only
            return len(sets[0]) if query.trash else self._live(sets[0])
        smallest = min(sets, key=len)
        trash = set() if query.trash else self._trash
        return sum(1 for a in smallest if a in self._filed and a not in trash and all(a in s for s in sets))

    def ids(self, query: ArticleQuery) -> Iterator[str]:
        """Article ids in the query's order, after its cursor, that pass its filters."""
        sets = self._filters(query)
        entries = self._sorted[query.sort]
        smallest = min(sets, key=len) if sets else None
        if smallest is not None and len(smallest) * SPARSE < len(entries):
            keys = self._keys[query.sort]
            entries = sorted(keys[i] for i in smallest)
        return self._walk(entries, query, sets)

    def _walk(self, entries: list[tuple], query: ArticleQuery, sets: list[set]) -> Iterator[str]:
        trash = None if query.trash else self._trash
        if query.descending:
            start = len(entries) - 1 if query.after is None else bisect_left(entries, query.after) - 1
            positions = range(start, -1, -1)
        else:
            start = 0 if query.after is None else bisect_right(entries, query.after)
            positions = range(start, len(entries))
        for i in positions:
            article_id = entries[i][1]
            if trash is not None and article_id in trash:
                continue
            if all(article_id in s for s in sets):
                yield article_id
