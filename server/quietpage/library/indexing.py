"""Keeping the full-text index in step with the records, and searching it. A mixin of Library.

At open the index is checked against the records (each article's fingerprint, see
documents.py): what it lacks or holds in an older version is indexed again, what it holds of
articles no longer here is removed. Each record write then hands the article's new entry to the
index (fulltext.py) - only when something the index holds changed. A failure here is logged and
the article is tried again later: it never fails the write that caused it.
"""
from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import replace

import orjson

from ..errors import Invalid, NotFound
from . import instep, search
from .documents import FORMAT as FINGERPRINT_FORMAT, INDEXED, checksums, entry, fingerprint, rid_of
from .fulltext import WAIT_MAX, FullText
from .listing import SORTS, ListQuery, cursor_after_offset, list_page, offset_of
from .query import parse

log = logging.getLogger(__name__)
RETRY_S = 30.0
BULK = 64  # more articles than this to index at once: their highlights are read in one pass


class IndexKeeping:
    # ------------------------------------------------------------------ opening
    def _open_index(self, records, *, rebuild: bool = False):
        """Open the index and yield `records` (id, record) on to the caller; then queue what the
        index lacks (every article fingerprinted, unless a clean close left its note: instep.py)."""
        folder = FullText.folder_of(self.store.dir)
        note = instep.take(folder)
        self.fulltext = FullText(self.store.dir, fresh=rebuild)
        self._rids: dict[int, str] = {}
        seen: dict[str, dict] = {}  # the records, decoded once: for what must be indexed
        for article_id, record in records:
            self._rids[rid_of(article_id)] = article_id
            seen[article_id] = record
            yield article_id, record
        if note is not None and not self.fulltext.created and note == self._note():
            indexed = self.fulltext.indexed()
            if indexed.keys() == self._rids.keys():
                self._fps = {self._rids[rid]: fp for rid, fp in indexed.items()}
                self._unindexed = set()
                return
        crcs, none = self.store.highlight_checksums(), []
        self._queue_differences({rid: (a, fingerprint(seen[a], crcs.get(a, none))) for rid, a in self._rids.items()}, seen)

    def _note(self) -> dict:
        """What the note of a clean close says (instep.py): the record files, the index's, and
        how fingerprints are made."""
        return {"records": self.store.files_state(), "index": instep.files_of_index(self.fulltext.folder),
                "fingerprints": [FINGERPRINT_FORMAT, list(INDEXED)]}

    def _close_index(self) -> None:
        """Close the index, then the store; if the index holds every record as it is (nothing
        waiting, nothing failed, nothing written meanwhile), leave the note for the next open."""
        in_step = False
        try:
            before = self.store.write_mark()
            in_step = self.fulltext.close() and not self._unindexed and self.store.write_mark() == before
        finally:
            self.store.close()
        if in_step:
            instep.leave(self.fulltext.folder, self._note())

    def _queue_differences(self, current: dict[int, tuple[str, int]], records: dict | None = None) -> None:
        """Queue what the index lacks or holds in another version (fingerprint -1: everything);
        `records`: the articles' records, when at hand."""
        indexed = self.fulltext.indexed()
        self._unindexed: set[str] = set()
        for rid in indexed.keys() - self._rids.keys():
            self.fulltext.remove(rid)
        self._fps: dict[str, int] = {a: fp for rid, (a, fp) in current.items() if indexed.get(rid) == fp}
        stale = {a: fp for rid, (a, fp) in current.items() if indexed.get(rid) != fp}
        highlights = self._highlights_by_article(stale) if len(stale) > BULK else None
        for article_id, fp in stale.items():
            record = records.get(article_id) if records else None
            self._reindex(article_id, None if record is None else {**record, "id": article_id}, fp=fp if fp >= 0 else None,
                          highlights=None if highlights is None else highlights.get(article_id, []))
        if stale:
            log.info("search index: %d article(s) to index", len(stale))

    def _highlights_by_article(self, wanted) -> dict[str, list[dict]]:
        """The highlights of the `wanted` articles, read in one pass over all of them."""
        owner = {h: a for a in self.store.articles_with_highlights() if a in wanted for h in self.store.highlight_ids(a)}
        out: dict[str, list[dict]] = defaultdict(list)
        for highlight_id, raw in self.store.highlight_bytes():
            if highlight_id in owner:
                out[owner[highlight_id]].append(orjson.loads(raw))
        return out

    def _check_index(self) -> None:
        """Build the index again if it failed (tried at most every RETRY_S: a full disk may be
        full for a while); index again what could not be indexed."""
        if self.fulltext.broken:
            if time.monotonic() < getattr(self, "_retry_at", 0.0):
                return
            self.fulltext.close(timeout=1.0)
            self.fulltext = FullText(self.store.dir, fresh=True)
            self._queue_differences({rid: (a, -1) for rid, a in self._rids.items()})
            self._retry_at = time.monotonic() + RETRY_S if self.fulltext.broken else 0.0
        for article_id in list(self._unindexed):
            self._reindex(article_id)

    def reindex_all(self) -> None:
        """Build the index from nothing (`quietpage reindex`); `wait_for_index` follows it."""
        self.fulltext.close(timeout=1.0)
        self.fulltext = FullText(self.store.dir, fresh=True)
        self._queue_differences({rid: (a, -1) for rid, a in self._rids.items()})

    def wait_for_index(self, timeout: float | None = None, progress=None) -> bool:
        """Until every change so far is searchable (True), or the time is up."""
        return self.fulltext.wait(timeout, progress)

    def index_status(self) -> dict:
        return {"pending": self.fulltext.pending, "articles": len(self._rids)}

    # ------------------------------------------------------------------ following the records
    def _reindex(self, article_id: str, record: dict | None = None, text: str | None = None, *,
                 fp: int | None = None, highlights: list[dict] | None = None) -> None:
        """Hand the article's current entry to the index, if it holds anything else (`text`:
        its body text, when the caller has it; `fp`, `highlights`: when known). Never raises."""
        try:
            if record is None:
                record = self.store.get_article(article_id, include_deleted=True)
            if fp is None:
                fp = fingerprint(record, checksums(self.store.highlight_bytes_of(article_id)))
            if text is None and self._fps.get(article_id) == fp:
                self._unindexed.discard(article_id)
                return
            if highlights is None:
                highlights = self.store.highlights_of(article_id)
            found = entry(article_id, record, highlights, fp, self.store.dir, self.fulltext.analyzer.analyze, text=text)
            self.fulltext.put(found)
            self._rids[found.rid] = article_id
            self._fps[article_id] = fp
            self._unindexed.discard(article_id)
        except NotFound:
            self._unindex(article_id)
        except Exception as exc:  # noqa: BLE001 - the record is written; the index catches up later
            log.warning("search index: article %s not indexed yet (%s)", article_id, exc)
            self._fps.pop(article_id, None)
            self._unindexed.add(article_id)

    def _unindex(self, article_id: str) -> None:
        rid = rid_of(article_id)
        self._rids.pop(rid, None)
        self._fps.pop(article_id, None)
        self._unindexed.discard(article_id)
        self.fulltext.remove(rid)

    # ------------------------------------------------------------------ searching
    def page(self, query: ListQuery) -> dict:
        """{items, next_cursor, total, counts}: one page of the reading list - a search when `q`
        holds something to look for (then each item says why it matched)."""
        self._check_index()
        if query.q and query.state == "trash":
            raise Invalid("The trash is not searched: list it without q.", code="invalid_query")
        if query.q:
            searching = search.Searching(self.fulltext.schema, self.fulltext.analyzer.analyze, parse(query.q))
            if not searching.empty:
                return self._search_page(searching, query)
        return list_page(self.store, self.index, replace(query, sort=query.sort or "saved"), self.settings.trash_ttl_s)

    def _search_failed(self, exc: BaseException) -> dict:
        """A damaged index: it is built again; this search finds nothing."""
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise exc
        self.fulltext.fail(f"searching failed: {exc}")
        return {"items": [], "next_cursor": None, "total": 0, "counts": self.index.counts(),
                "indexing": {"pending": len(self._rids)}}

    def _search_page(self, searching: search.Searching, query: ListQuery) -> dict:
        sort = query.sort or "relevance"
        order, _, natural = SORTS[sort]
        descending = natural if query.descending is None else query.descending
        offset = offset_of(query.cursor) if query.cursor else 0
        if searching.impossible:
            return {"items": [], "next_cursor": None, "total": 0, "counts": dict.fromkeys(self.index.counts(), 0)}
        try:
            searcher = self.fulltext.searcher()
            own = searching.clauses(searcher)
            counting = self.fulltext.alongside(search.counts, searcher, searching.query(own))
            wanted = searching.query(own + searching.list_clauses(
                None if query.state == "all" else query.state, query.tag, query.favorite, query.highlighted))
            by_score = sort == "relevance" and bool(searching.terms)
            field = None if by_score else search.ORDER_FIELDS.get(order)
            # an order the index does not keep ("added"): every hit, in the in-memory index's order below
            hits, total = search.ranked(searcher, wanted, offset + query.limit if by_score or field else search.MOST_HITS,
                                        field, descending)
            rids = searcher.fast_field_values("rid", [addr for _, addr in hits]) if hits else []
        except BaseException as exc:
            return self._search_failed(exc)
        found = [(self._rids[r], value, addr) for r, (value, addr) in zip(rids, hits) if r in self._rids]
        found = [f for f in found if self.index.has(f[0])]
        found.sort(key=lambda f: self.index.sort_key(order, f[0]), reverse=descending)
        if by_score:  # stable: equal scores keep the newest first
            found.sort(key=lambda f: -f[1])
        shown = found[offset:offset + query.limit]
        items = []
        for (article_id, _, _), (snippet, matched_in) in zip(shown, search.explain(searcher, searching,
                                                                                  [f[2] for f in shown])):
            record = self.store.get_article(article_id, include_deleted=True)
            if record.get("deleted_at"):
                continue
            items.append({**record, "highlight_count": self.store.highlight_count(article_id),
                          "snippet": snippet, "matched_in": matched_in})
        try:  # asked for last: the second thread counts while this one ranks and then explains the hits
            counts = counting.result()
        except BaseException as exc:
            return self._search_failed(exc)
        out = {"items": items, "total": total, "counts": counts,
               "next_cursor": cursor_after_offset(offset + query.limit) if offset + query.limit < total else None}
        if self.fulltext.pending > WAIT_MAX:
            out["indexing"] = {"pending": self.fulltext.pending}
        return out

