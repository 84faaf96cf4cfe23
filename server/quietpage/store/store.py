"""The only module that touches TinyDB and the data files.

Layout of the data dir:
    quietpage.json               the snapshot: articles, highlights, sessions, used login links,
                                 search_text (each article's words) - see snapshot.py
    quietpage.journal.<n>        changes since that snapshot, fsynced before anyone is told (the
                                 server groups concurrent writes into one fsync) - see journal.py
    quietpage.lock               held (flock) while a store is open: one writer per folder
    backups/                     daily snapshots (the last 7) and the others - see backups.py
    articles/<id>/<rev>.reader.json.gz   the reader view (content_html, text) of one revision
    articles/<id>/<rev>.raw.html.gz      the page as captured, to re-extract later
Bodies are written before the record that points at them, and old revisions are removed only
after the new record is durable, so a crash never leaves a record without its body.

Store methods are synchronous and not thread-safe: the app calls them from one thread only
(see aio.py), which serialises every write. Reads use in-memory indexes, never a scan.
"""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import orjson

from ..anchoring import quote_of
from ..errors import NotFound
from ..settings import Settings
from ..tags import normalize
from . import migrations
from .backups import BACKUP_DIR, BackupPolicy
from .files import body_path, ensure_private_dir, read_gzip, write_gzip
from .indexes import ArticleIndex, ArticleQuery, article_id_of, search_words
from .lock import DataDirLock
from .sessions import SessionRecords
from .sweep import sweep
from .tiny import document, new_id, open_database

DB_FILE = "quietpage.json"
ARTICLES, HIGHLIGHTS, SESSIONS, USED_LOGINS = "articles", "highlights", "sessions", "used_logins"
SEARCH_TEXT = migrations.SEARCH_TEXT
# Tables kept decoded in memory once read (small, read whole); the others stay JSON bytes.
MEMOISED = frozenset({ARTICLES, SESSIONS, USED_LOGINS})


class Store(SessionRecords):
    def __init__(self, data_dir: Path, settings: Settings | None = None, *, group_commit: bool = False):
        settings = settings or Settings(data_dir=data_dir)
        self.dir = ensure_private_dir(Path(data_dir))
        self._lock = DataDirLock(self.dir).acquire()
        self.db = None
        try:
            self.db = open_database(
                self.dir / DB_FILE, schema=migrations.SCHEMA_VERSION, migrate=self._migrate,
                group_commit=group_commit, compact_bytes=settings.journal_compact_bytes,
                memoize=MEMOISED, backups=BackupPolicy(self.dir / BACKUP_DIR, settings.backup_count,
                                                       settings.backup_interval_s))
            self.storage = self.db.storage
            self.articles = self.db.table(ARTICLES)
            self.highlights = self.db.table(HIGHLIGHTS)
            self.sessions = self.db.table(SESSIONS)
            self.used_logins = self.db.table(USED_LOGINS)
            self.search_text = self.db.table(SEARCH_TEXT)
            self._build_indexes()
            articles = self.storage.view(ARTICLES)
            sweep(self.dir / DB_FILE, articles, has_records=len(articles) > 0)  # what killed work left
        except BaseException:
            if self.db is not None:
                self.db.close()
            self._lock.release()
            raise

    def _migrate(self, tables: dict, version: int) -> dict:
        return migrations.migrate(tables, version, self.dir)

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            self._lock.release()

    # ---------------------------------------------------------------- durability
    def flush(self) -> None:
        """Make every change so far durable before going on (group commit defers fsyncs)."""
        self.storage.flush()

    def maintenance(self) -> None:
        """Forget expired page sessions; compact the journal and take the daily backup, when due."""
        self.remove_sessions(expired_before=time.time())
        self.storage.maintenance()

    # ---------------------------------------------------------------- indexes (in memory)
    def _build_indexes(self) -> None:
        self.index = ArticleIndex(normalize)
        self._id_by_url: dict[str, str] = {}
        self._highlights_of: dict[str, set[str]] = {}
        self._session_by_hash: dict[str, str] = {}
        self.index.load(self._scan_articles())
        for doc_id, raw in self.storage.scan_bytes(HIGHLIGHTS):
            self._highlights_of.setdefault(article_id_of(raw), set()).add(doc_id)
        for article_id, ids in self._highlights_of.items():
            self.index.set_highlighted(article_id, bool(ids))
        for doc_id, doc in self.sessions._read_table().items():
            self._session_by_hash[doc["hash"]] = doc_id

    def _scan_articles(self):
        """Each article decoded once for the indexes, and not kept (memory stays small)."""
        for doc_id, raw in self.storage.scan_bytes(ARTICLES):
            doc = orjson.loads(raw)
            self._id_by_url[doc["url_key"]] = doc_id
            yield doc_id, doc

    def article_ids(self, query: ArticleQuery):
        """Ids of the articles a query selects, in its order (see indexes.ArticleQuery)."""
        return self.index.ids(query)

    def article_counts(self) -> dict[str, int]:
        """{"all": n, "unread": n, "archived": n, ...} of the library (trash aside), from the index."""
        return self.index.counts()

    def tag_names(self, *, edited_only: bool = False) -> list[tuple[str, int]]:
        """[(spelling, articles)] of the library's tags, most used first (see the index)."""
        return self.index.tag_names(edited_only=edited_only)

    def article_matches(self, article_id: str, terms: list[str]) -> bool:
        """Whether every (case-folded) term is in the article's metadata, tags, text, or the
        quotes and notes of its highlights."""
        hay = self.index.hay(article_id)
        missing = [t for t in terms if t not in hay]
        if not missing:
            return True
        raw = self.storage.raw_bytes(SEARCH_TEXT, article_id)
        if raw is None:  # saved before search_text existed or a crash in between: read the text
            words = search_words(self.read_body(article_id).get("text") or "").encode()
            return all(t.encode() in words for t in missing)
        # raw is b'{"w":"..."}' (the text's words), with "n" (its highlights' words) beside it
        # once it has some: look inside the two strings only - never at the keys - for the term
        # as JSON escapes it (a quote inside a string is escaped: '","' is the boundary).
        cut = raw.find(b'","', 6)
        spans = ((6, len(raw) - 2),) if cut < 0 else ((6, cut), (cut + 7, len(raw) - 2))
        return all(any(raw.find(orjson.dumps(t)[1:-1], lo, hi) >= 0 for lo, hi in spans) for t in missing)

    def _index_article(self, article_id: str) -> None:
        self.index.add(article_id, self.articles._read_table()[article_id])

    # ---------------------------------------------------------------- article records
    def article_id_for_url(self, key: str) -> str | None:
        return self._id_by_url.get(key)

    def get_article(self, article_id: str, *, include_deleted: bool = False) -> dict:
        doc = self.articles.get(doc_id=article_id) if isinstance(article_id, str) else None
        if doc is None or (doc.get("deleted_at") and not include_deleted):
            raise NotFound(f"No article with id {article_id!r}.")
        return {**doc, "id": doc.doc_id}

    def all_articles(self) -> list[dict]:
        return [{**doc, "id": doc_id} for doc_id, doc in self.articles._read_table().items()]

    def insert_article(self, record: dict, body: dict, raw_html: str, *, article_id: str | None = None) -> dict:
        """A new article; `article_id` keeps a given id (a restored backup) when it is free."""
        article_id = self._free_id(self.articles, article_id)
        rev = self._write_body(article_id, body, raw_html)
        record = {**record, "rev": rev}
        self.articles.insert(document(article_id, record))
        self._id_by_url[record["url_key"]] = article_id
        self._index_article(article_id)
        self._set_search_text(article_id, body)
        return {**record, "id": article_id}

    def replace_article(self, article_id: str, record: dict, body: dict, raw_html: str) -> dict:
        old = self.get_article(article_id, include_deleted=True)
        rev = self._write_body(article_id, body, raw_html)
        record = {**record, "rev": rev}
        record.pop("id", None)
        self.articles.update(record, doc_ids=[article_id])
        if old["url_key"] != record["url_key"]:
            self._id_by_url.pop(old["url_key"], None)
        self._id_by_url[record["url_key"]] = article_id
        self._index_article(article_id)
        self._set_search_text(article_id, body)
        self.flush()  # the record naming the new revision is on disk before the old one goes
        self._remove_revisions(article_id, keep=rev)
        return {**self.get_article(article_id)}

    def update_article(self, article_id: str, fields: dict) -> dict:
        self.get_article(article_id, include_deleted=True)
        self.articles.update(fields, doc_ids=[article_id])
        self._index_article(article_id)
        return self.get_article(article_id, include_deleted=True)

    def purge_article(self, article_id: str) -> None:
        """Remove an article, its highlights and its files for good."""
        doc = self.get_article(article_id, include_deleted=True)
        hids = list(self._highlights_of.pop(article_id, ()))
        if hids:
            self.highlights.remove(doc_ids=hids)
        self.search_text.remove(doc_ids=[article_id])
        self.articles.remove(doc_ids=[article_id])
        self._id_by_url.pop(doc["url_key"], None)
        self.index.remove(article_id)
        self.index.set_highlighted(article_id, False)
        self.flush()  # gone from the records, durably, before the files go
        shutil.rmtree(self._article_dir(article_id), ignore_errors=True)

    # ---------------------------------------------------------------- bodies
    def _article_dir(self, article_id: str) -> Path:
        return self.dir / "articles" / article_id

    def _write_body(self, article_id: str, body: dict, raw_html: str) -> str:
        rev = new_id()
        write_gzip(body_path(self.dir, article_id, rev, "raw.html"), raw_html.encode("utf-8", "surrogatepass"))
        write_gzip(body_path(self.dir, article_id, rev, "reader.json"), orjson.dumps(body))
        return rev

    def _set_search_text(self, article_id: str, body: dict) -> None:
        self.search_text.upsert(document(article_id, {"w": search_words(body.get("text") or "")}))

    def _remove_revisions(self, article_id: str, keep: str) -> None:
        for path in self._article_dir(article_id).glob("*.gz"):
            if not path.name.startswith(f"{keep}."):
                path.unlink(missing_ok=True)

    def read_body(self, article_id: str) -> dict:
        rev = self.get_article(article_id, include_deleted=True)["rev"]
        return orjson.loads(read_gzip(body_path(self.dir, article_id, rev, "reader.json")))

    def read_raw(self, article_id: str) -> str:
        rev = self.get_article(article_id, include_deleted=True)["rev"]
        return read_gzip(body_path(self.dir, article_id, rev, "raw.html")).decode("utf-8", "surrogatepass")

    # ---------------------------------------------------------------- highlights
    def highlight_ids(self, article_id: str) -> set[str]:
        return set(self._highlights_of.get(article_id, ()))

    def highlight_count(self, article_id: str) -> int:
        return len(self._highlights_of.get(article_id, ()))

    def highlights_of(self, article_id: str) -> list[dict]:
        ids = self._highlights_of.get(article_id, ())
        docs = [self.highlights.get(doc_id=h) for h in ids]
        return sorted(({**d, "id": d.doc_id} for d in docs if d is not None),
                      key=lambda h: (h["created_at"], h["id"]))

    @staticmethod
    def _free_id(table, wanted: str | None) -> str:
        """`wanted` if it is a well-formed id not in use in `table`, else a new one."""
        if isinstance(wanted, str) and _ID.match(wanted) and table.get(doc_id=wanted) is None:
            return wanted
        return new_id()

    def get_highlight(self, highlight_id: str) -> dict:
        doc = self.highlights.get(doc_id=highlight_id) if isinstance(highlight_id, str) else None
        if doc is None:
            raise NotFound(f"No highlight with id {highlight_id!r}.")
        return {**doc, "id": doc.doc_id}

    def insert_highlight(self, record: dict, *, highlight_id: str | None = None, refresh: bool = True) -> dict:
        """A new highlight. `refresh=False` (an import adding many to one article) leaves the
        article's filter and search words to one highlights_changed() call after the last."""
        highlight_id = self._free_id(self.highlights, highlight_id)
        self.highlights.insert(document(highlight_id, record))
        self._highlights_of.setdefault(record["article_id"], set()).add(highlight_id)
        if refresh:
            self.highlights_changed(record["article_id"])
        return {**record, "id": highlight_id}

    def update_highlight(self, highlight_id: str, fields: dict) -> dict:
        article_id = self.get_highlight(highlight_id)["article_id"]
        self.highlights.update(fields, doc_ids=[highlight_id])
        if "note" in fields:
            self.highlights_changed(article_id)
        return self.get_highlight(highlight_id)

    def highlights_changed(self, article_id: str) -> None:
        """Keep the article's highlight filter and the searchable words of its highlights'
        quotes and notes (beside its text's words in search_text) up to date."""
        docs = self.highlights_of(article_id)
        self.index.set_highlighted(article_id, bool(docs))
        if self.storage.raw_bytes(SEARCH_TEXT, article_id) is None:
            return  # the article is being purged, or predates search_text (its text is read)
        words = search_words(" ".join(f"{quote_of(h.get('selectors', []))} {h.get('note') or ''}" for h in docs))
        self.search_text.update({"n": words}, doc_ids=[article_id])

    def update_highlights(self, changes: dict[str, dict]) -> None:
        """Several highlight updates in one write (re-anchoring: their quotes may change, so the
        searchable words of their articles follow)."""
        if not changes:
            return
        articles = set()

        def apply(table):
            for hid, fields in changes.items():
                if hid in table:
                    table[hid] = {**table[hid], **fields}
                    articles.add(table[hid]["article_id"])

        self.highlights._update_table(apply)
        for article_id in articles:
            self.highlights_changed(article_id)

    def delete_highlight(self, highlight_id: str) -> dict:
        doc = self.get_highlight(highlight_id)
        self.highlights.remove(doc_ids=[highlight_id])
        self._highlights_of.get(doc["article_id"], set()).discard(highlight_id)
        self.highlights_changed(doc["article_id"])
        return doc


_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
