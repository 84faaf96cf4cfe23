"""The records and bytes of a library: TinyDB documents (journal + snapshot) and body files.

Layout of the data dir:
    quietpage.json               the snapshot: articles, highlights, sessions and used login
                                 links - see snapshot.py
    quietpage.journal.<n>        changes since that snapshot, fsynced before anyone is told (the
                                 server groups concurrent writes into one fsync) - see journal.py
    quietpage.lock               held (flock) while a store is open: one writer per folder
    backups/                     daily snapshots (the last 7) and the others - see backups.py
    articles/<id>/<rev>.reader.json.gz   the reader view (content_html, text) of one revision
    articles/<id>/<rev>.raw.html.gz      the page as captured, to re-extract later
    images/<hh>/<sha256>.<ext>           the articles' images, once per content (images.py); the
                                         `article_images` table says which article uses which
Bodies arrive compressed (`Bodies`, packed off the store thread) and are written before the
record that points at them; old revisions are removed only after the new record is durable, so
a crash never leaves a record without its body.

The store knows records, ids, URLs keys and which highlights belong to which article - nothing
of quotes, tags or search: the library (the only caller that writes) keeps those.

Store methods are synchronous and not thread-safe: the app calls them from one thread only
(see aio.py), which serialises every write. Reads use in-memory maps, never a scan.
"""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import orjson

from ..errors import BodyMissing, NotFound, QuietPageError
from ..settings import Settings
from . import migrations
from .backups import BACKUP_DIR, BackupPolicy, repair_bodies, restore_file
from .files import Bodies, body_path, ensure_private_dir, read_body_file, write_body, write_revision
from .highlight_records import HIGHLIGHTS, HighlightRecords
from .images import ImageFiles
from .lock import DataDirLock
from .recovery import files_state
from .sessions import SessionRecords
from .sweep import _unnamed_by_backups, sweep
from .tiny import document, new_id, open_database

DB_FILE = "quietpage.json"
ARTICLES, SESSIONS, USED_LOGINS = "articles", "sessions", "used_logins"
# Per article (same id): the images its reader view shows and where each is archived.
ARTICLE_IMAGES = "article_images"
# Tables kept decoded in memory once read (small, read whole); the others stay JSON bytes.
MEMOISED = frozenset({ARTICLES, SESSIONS, USED_LOGINS})


def restore_library(data_dir: Path, backup: Path) -> tuple[Path, dict, int, int]:
    """Put a backup of the records back in `data_dir` (refused while a server holds it), then open
    it as the server will (migrating an older schema) and point records whose files were replaced
    since at the newest on disk. Returns (where the replaced files went, {table: count},
    articles repaired, articles with no files left)."""
    with DataDirLock(ensure_private_dir(Path(data_dir))):
        aside, counts = restore_file(backup, Path(data_dir) / DB_FILE)
    try:
        store = Store(data_dir)
    except QuietPageError as exc:
        raise type(exc)(f"{exc.message} The backup is in place; the database it replaced is in {aside} (move its "
                        f"files back into {data_dir} to undo).", code=exc.code, status=exc.status) from exc
    try:
        repaired, missing = repair_bodies(store)
    finally:
        store.close()
    return aside, counts, repaired, missing


class Store(HighlightRecords, SessionRecords):
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
            self.article_images = self.db.table(ARTICLE_IMAGES)
            self.image_files = ImageFiles(self.dir)
            self._build_maps()
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

    # ---------------------------------------------------------------- maps (in memory)
    def _build_maps(self) -> None:
        """Article -> its highlights, session hash -> session; URL key -> article is filled by
        the first whole scan of the articles (the library's, at start), so each record is
        decoded once, or on first use."""
        self._urls: dict[str, str] | None = None
        self._highlights_of = self._scan_highlights()
        self._session_by_hash: dict[str, str] = {}
        for doc_id, doc in self.sessions._read_table().items():
            self._session_by_hash[doc["hash"]] = doc_id

    def scan_articles(self):
        """(id, record) of every article (the trash too), each decoded once and not kept: for
        building indexes at start-up. The first scan that runs to its end also builds the
        URL map."""
        by_url: dict[str, str] | None = {} if self._urls is None else None
        for doc_id, raw in self.storage.scan_bytes(ARTICLES):
            record = orjson.loads(raw)
            if by_url is not None:
                by_url[record["url_key"]] = doc_id
            yield doc_id, record
        if by_url is not None and self._urls is None:  # (unless another scan got there first)
            self._urls = by_url

    @property
    def _id_by_url(self) -> dict[str, str]:
        """URL key -> article id (built on first use unless a scan has built it)."""
        if self._urls is None:
            for _ in self.scan_articles():
                pass
        return self._urls

    def article_count(self) -> int:
        return len(self._id_by_url)

    def articles_with_highlights(self) -> list[str]:
        return [a for a, ids in self._highlights_of.items() if ids]

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

    def insert_article(self, record: dict, bodies: Bodies, *, article_id: str | None = None) -> dict:
        """A new article; `article_id` keeps a given id (a restored backup) when it is free."""
        article_id = self._free_id(self.articles, article_id)
        rev = self._write_bodies(article_id, bodies)
        record = {**record, "rev": rev}
        record.pop("id", None)
        self.articles.insert(document(article_id, record))
        self._id_by_url[record["url_key"]] = article_id
        return {**record, "id": article_id}

    def replace_article(self, article_id: str, record: dict, bodies: Bodies) -> dict:
        """A new version of an article: new body files, then the record naming them."""
        old = self.get_article(article_id, include_deleted=True)
        rev = self._write_bodies(article_id, bodies)
        record = {**record, "rev": rev}
        record.pop("id", None)
        self.articles.update(record, doc_ids=[article_id])
        if old["url_key"] != record["url_key"]:
            self._id_by_url.pop(old["url_key"], None)
        self._id_by_url[record["url_key"]] = article_id
        self.flush()  # the record naming the new revision is on disk before the old one goes
        self._remove_revisions(article_id, keep=rev)
        return self.get_article(article_id, include_deleted=True)

    def update_article(self, article_id: str, fields: dict) -> dict:
        self.get_article(article_id, include_deleted=True)
        self.articles.update(fields, doc_ids=[article_id])
        return self.get_article(article_id, include_deleted=True)

    def purge_article(self, article_id: str) -> None:
        """Remove an article, its highlights and its files for good."""
        doc = self.get_article(article_id, include_deleted=True)
        hids = list(self._highlights_of.pop(article_id, ()))
        if hids:
            self.highlights.remove(doc_ids=hids)
        if self.article_images.contains(doc_id=article_id):
            self.article_images.remove(doc_ids=[article_id])
        self.articles.remove(doc_ids=[article_id])
        self._id_by_url.pop(doc["url_key"], None)
        self.flush()  # gone from the records, durably, before the files go
        shutil.rmtree(self._article_dir(article_id), ignore_errors=True)

    # ---------------------------------------------------------------- bodies
    def _article_dir(self, article_id: str) -> Path:
        return self.dir / "articles" / article_id

    def _write_bodies(self, article_id: str, bodies: Bodies) -> str:
        rev = new_id()
        raw, reader = (body_path(self.dir, article_id, rev, kind) for kind in ("raw.html", "reader.json"))
        write_revision(raw.parent, {raw.name: bodies.raw_gz, reader.name: bodies.reader_gz})
        return rev

    def _remove_revisions(self, article_id: str, keep: str) -> None:
        for path in self._article_dir(article_id).glob("*.gz"):
            if not path.name.startswith(f"{keep}."):
                path.unlink(missing_ok=True)

    def read_body(self, article_id: str) -> dict:
        """The reader view (content_html, text); BodyMissing if its file is gone or damaged."""
        path = body_path(self.dir, article_id, self.get_article(article_id, include_deleted=True)["rev"], "reader.json")
        try:
            return orjson.loads(read_body_file(path, "This article's saved text"))
        except orjson.JSONDecodeError as exc:
            raise BodyMissing(f"This article's saved text is damaged ({path}: {exc}).", code="body_damaged") from None

    def read_raw(self, article_id: str) -> str:
        """The page as captured, the newest kept (see write_capture); BodyMissing if gone or damaged."""
        path = self._raw_path(article_id)
        return read_body_file(path, "The page as captured").decode("utf-8", "surrogatepass")

    def has_raw(self, article_id: str) -> bool:
        return self._raw_path(article_id).is_file()

    def _raw_path(self, article_id: str) -> Path:
        record = self.get_article(article_id, include_deleted=True)
        return body_path(self.dir, article_id, record.get("capture_rev") or record["rev"], "raw.html")

    def write_capture(self, article_id: str, raw_gz: bytes) -> str:
        """Keep a newer capture of an article's page beside its current revision (a page that
        could not be read yet); the record names it as `capture_rev` (the caller writes that).
        The next revision (replace_article) removes it. Returns its revision id."""
        rev = new_id()
        write_body(body_path(self.dir, article_id, rev, "raw.html"), raw_gz)
        return rev

    def drop_capture(self, article_id: str, rev: str) -> None:
        """Remove a capture no record names any more (once the record naming its successor is
        durable)."""
        self.flush()
        body_path(self.dir, article_id, rev, "raw.html").unlink(missing_ok=True)

    @staticmethod
    def _free_id(table, wanted: str | None) -> str:
        """`wanted` if it is a well-formed id not in use in `table`, else a new one."""
        if isinstance(wanted, str) and _ID.match(wanted) and table.get(doc_id=wanted) is None:
            return wanted
        return new_id()

    # ---------------------------------------------------------------- which images an article uses
    def images_doc(self, article_id: str) -> dict | None:
        raw = self.storage.raw_bytes(ARTICLE_IMAGES, article_id)
        return None if raw is None else orjson.loads(raw)

    def put_images_doc(self, article_id: str, doc: dict) -> None:
        """Write it once the files it names are on disk (ImageFiles.put)."""
        self.article_images.upsert(document(article_id, doc))

    def scan_images_docs(self):
        """(article id, doc) of every article that has images: for the library's use counts."""
        for doc_id, raw in self.storage.scan_bytes(ARTICLE_IMAGES):
            yield doc_id, orjson.loads(raw)

    def sweep_images(self, named, on_disk: set[str]) -> int:
        """Remove the image files no record names and no backup in backups/ does either."""
        unnamed = [Path(n) for n in on_disk if n not in named]
        if not unnamed:
            return 0
        doomed = {p.name for p in _unnamed_by_backups(unnamed, self.dir / BACKUP_DIR)}
        return self.image_files.sweep(named, keep_also=on_disk - doomed)

    # ---------------------------------------------------------------- the state of the record files
    def write_mark(self) -> int:
        """A number that grows with every record write (of this process)."""
        return self.storage.mark()

    def files_state(self) -> list[list]:
        """What the record files are now (recovery.files_state): equal at two moments only if
        nothing wrote the records in between. Read it closed, or with nothing writing."""
        return files_state(self.dir / DB_FILE)


_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
