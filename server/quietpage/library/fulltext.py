"""The library's full-text index: a tantivy index in `<data dir>/search-index-v<FORMAT>/`.

It is a cache of the records, never a store of record: rebuilt from them when it is missing,
damaged or of another FORMAT, and checked against them at every start - each indexed article
carries the fingerprint of the record version it was built from (its generation: record fields,
body revision, the bytes of its highlights), and whatever differs is indexed again, so a crash
between a record write and its index update is caught up at the next start.

Writes never wait for it: the library hands each change to `put`/`remove` (on the store thread,
microseconds), and one committer thread - the index writer's only user - applies them in order,
reading the body text from the article's files when the change did not bring it, and commits
them together once changes stop coming for a moment (QUIET_S). A change to an article replaces
any change of it still waiting. A search has the changes made before it committed at once and
waits (briefly) for them, so you find what you just saved; while a whole library is being
indexed it does not wait, and says how much is left. Anything the index fails at marks it
`broken`: the library then builds it again from the records - no write is ever refused for it.
"""
from __future__ import annotations

import gc
import logging
import shutil
import threading
import time
import weakref
import zlib
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import orjson
import tantivy

from ..store.files import read_gzip

log = logging.getLogger(__name__)

FORMAT = 1  # what is indexed and how: a QuietPage that changes it indexes the library again
DIR_PREFIX = "search-index-v"
# Tokens: one character of the scripts written without spaces (so any run of them - a Chinese or
# Japanese word - is found as a phrase of characters, wherever it sits), or a run of letters,
# digits and marks of the others. Then lower case, Latin accents folded (é -> e, ß -> ss).
UNSPACED = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
TOKENS = rf"[{UNSPACED}]|[[\p{{L}}\p{{N}}\p{{M}}]--[{UNSPACED}]]+"
MAX_TOKEN = 64  # longer "words" (hashes, base64) are not indexed
TEXT_FIELDS = ("title", "tags", "meta", "body", "quotes", "notes")
HEAP_BYTES = 20_000_000  # the writer's buffer (tantivy's least is 15 MB per thread)
BATCH = 256  # changes per commit while catching up
# When to commit: once no other change has come for QUIET_S, at the latest LATEST_S after the
# oldest waiting one, at once when someone waits for them (a search, `wait`) or BURST are waiting.
# Each commit writes and syncs a new segment (~20 fsyncs) and may start a merge that rewrites and
# syncs megabytes of stored text: committed one by one, a burst of changes keeps the disk busy,
# and every record write waits behind it. Its changes stay in memory meanwhile, never lost: the
# records hold them, and a crash is caught up at the next start.
QUIET_S = 0.1
LATEST_S = 1.0
BURST = 64
WAIT_MAX = 256  # a search waits for at most this many changes before it (more: a rebuild or an import)
WAIT_S = 10.0


def make_analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(TOKENS))
            .filter(tantivy.Filter.remove_long(MAX_TOKEN)).filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold()).build())


def make_schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_unsigned_field("rid", indexed=True, fast=True)  # the article (see library's rid_of)
    b.add_unsigned_field("fp", fast=True)                 # the fingerprint it was indexed from
    for name in TEXT_FIELDS:
        b.add_text_field(name, stored=True, tokenizer_name="qp")
    for name in ("state", "tag", "site"):  # filters, matched whole
        b.add_text_field(name, tokenizer_name="raw", fast=name == "state")
    b.add_text_field("letters", stored=True, tokenizer_name="raw")  # its non-ASCII characters (snippets.py)
    for name in ("trash", "fav", "hl", "noted"):
        b.add_boolean_field(name, indexed=True, fast=True)
    for name in ("saved", "published", "minutes"):  # sort orders
        b.add_unsigned_field(name, fast=True)
    return b.build()


@dataclass
class Entry:
    """What one article puts in the index (built by documents.py from its records)."""
    rid: int
    fp: int
    text: dict[str, list[str]]  # TEXT_FIELDS but "body" -> values
    filters: dict               # state: str, tag/site: [str], trash/fav/hl/noted: bool
    sorts: dict[str, int]       # saved / published / minutes
    body: str | None = None     # the article's text, when the change brought it
    body_file: str | None = None  # else where to read it

    def document(self) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_unsigned("rid", self.rid)
        doc.add_unsigned("fp", self.fp)
        for name, values in self.text.items():
            for value in values:
                doc.add_text(name, value)
        body = self.body if self.body is not None else _read_text(self.body_file)
        doc.add_text("body", body)
        everything = " ".join([body, *(v for values in self.text.values() for v in values)])
        doc.add_text("letters", "" if everything.isascii() else "".join(sorted(set(everything.lower()) - ASCII)))
        doc.add_text("state", self.filters["state"])
        for name in ("tag", "site"):
            for value in self.filters[name]:
                doc.add_text(name, value)
        for name in ("trash", "fav", "hl", "noted"):
            doc.add_boolean(name, bool(self.filters[name]))
        for name, value in self.sorts.items():
            doc.add_unsigned(name, max(0, int(value)))
        return doc


ASCII = frozenset(map(chr, range(128)))


def _read_text(path: str | None) -> str:
    if path is None:
        return ""
    try:
        return orjson.loads(read_gzip(path)).get("text") or ""
    except (OSError, ValueError, EOFError, zlib.error) as exc:  # replaced since (a later change follows) or damaged
        log.warning("search index: no text for %s: %s", path, exc)
        return ""


class _Queue:
    """The changes waiting for the committer, one per article (a newer one replaces it)."""

    def __init__(self):
        self.cv = threading.Condition()
        self.ops: OrderedDict[int, tuple[int, Entry | None]] = OrderedDict()  # rid -> (seq, entry or removal)
        self.seq = self.applied = 0
        self.wanted = 0  # the last change someone waits for (see FullText.wait)
        self.first_at = self.last_at = 0.0  # when the oldest and the newest waiting change came
        self.closing = False

    def add(self, rid: int, entry: Entry | None) -> None:
        with self.cv:
            self.seq += 1
            self.last_at = time.monotonic()
            if not self.ops:
                self.first_at = self.last_at
            self.ops.pop(rid, None)  # what was waiting for this article is replaced
            self.ops[rid] = (self.seq, entry)
            self.cv.notify_all()

    def _due(self) -> float:
        """How long until the waiting changes are to be committed (<= 0: now; see QUIET_S)."""
        if self.closing or self.wanted > self.applied or len(self.ops) >= BURST:
            return 0.0
        return min(self.last_at + QUIET_S, self.first_at + LATEST_S) - time.monotonic()

    def take(self, timeout: float) -> list[tuple[int, int, Entry | None]]:
        with self.cv:
            if not self.ops and not self.closing:
                self.cv.wait(timeout)
            while self.ops and (left := self._due()) > 0:
                self.cv.wait(left)
            batch = []
            while self.ops and len(batch) < BATCH:
                rid, (seq, entry) = self.ops.popitem(last=False)
                batch.append((rid, seq, entry))
            return batch

    def close(self) -> None:
        with self.cv:
            self.closing = True
            self.ops.clear()
            self.cv.notify_all()


def _commit_loop(owner_ref, queue: _Queue) -> None:
    """The committer thread. It holds its FullText only while applying a batch, so one that is
    dropped unclosed (its lock on the folder with it) stops it."""
    while True:
        batch = queue.take(1.0)
        owner = owner_ref()
        if owner is None or (queue.closing and not batch):
            return
        if batch:
            owner._apply(batch)
        del owner


class FullText:
    def __init__(self, data_dir: Path, *, fresh: bool = False):
        self.folder = self.folder_of(data_dir)
        self.analyzer = make_analyzer()
        self.schema = make_schema()
        self.broken: str | None = None  # why, when the index failed (the library rebuilds it)
        self._queue = _Queue()
        self._helper: ThreadPoolExecutor | None = None  # see alongside
        self.index = self.writer = None
        try:
            self.created = self._open(fresh)
        except Exception as exc:  # noqa: BLE001 - a full or read-only disk: the library goes on without search
            if "LockBusy" in str(exc):
                raise
            self.index = self.writer = None
            self.created = True
            self.fail(f"it cannot be made ({exc})")
        weakref.finalize(self, self._queue.close)
        self._thread = threading.Thread(target=_commit_loop, args=(weakref.ref(self), self._queue),
                                        name="quietpage-search-index", daemon=True)
        self._thread.start()

    @staticmethod
    def folder_of(data_dir: Path) -> Path:
        return Path(data_dir) / f"{DIR_PREFIX}{FORMAT}"

    # ------------------------------------------------------------------ opening
    def _open(self, fresh: bool) -> bool:
        """Open the index, or make an empty one (fresh, missing, unreadable); True if made."""
        for old in self.folder.parent.glob(f"{DIR_PREFIX}*"):
            if old != self.folder and old.is_dir():  # another FORMAT's: of no use any more
                shutil.rmtree(old, ignore_errors=True)
        if not fresh and (self.folder / "meta.json").is_file():
            try:
                self.index = tantivy.Index.open(str(self.folder))
                self.index.register_tokenizer("qp", self.analyzer)
                self.writer = self._writer()
                self.index.reload()
                self.index.searcher().num_docs  # noqa: B018 - reads the segment list
                return False
            except BaseException as exc:  # a damaged index raises ValueError, or panics
                if isinstance(exc, (KeyboardInterrupt, SystemExit)) or "LockBusy" in str(exc):
                    raise
                log.warning("search index in %s cannot be read (%s): building it again", self.folder, exc)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, mode=0o700)
        self.index = tantivy.Index(self.schema, path=str(self.folder))
        self.index.register_tokenizer("qp", self.analyzer)
        self.writer = self._writer()
        self.writer.commit()
        self.index.reload()
        return True

    def _writer(self) -> tantivy.IndexWriter:
        """The index's writer; if an earlier FullText of this folder, dropped unclosed, still holds
        it, that one's committer lets go within a second."""
        for attempt in range(40):
            try:
                return self.index.writer(heap_size=HEAP_BYTES, num_threads=1)
            except ValueError as exc:
                if "LockBusy" not in str(exc) or attempt == 39:
                    raise
                gc.collect()
                time.sleep(0.1)
        raise AssertionError("unreachable")

    def indexed(self) -> dict[int, int]:
        """{rid: fingerprint} of every article in the index."""
        if self.index is None:
            return {}
        searcher = self.index.searcher()
        if not searcher.num_docs:
            return {}
        hits = [addr for _, addr in searcher.search(tantivy.Query.all_query(), searcher.num_docs, count=False).hits]
        return dict(zip(searcher.fast_field_values("rid", hits), searcher.fast_field_values("fp", hits)))

    # ------------------------------------------------------------------ changes (store thread)
    def put(self, entry: Entry) -> None:
        self._queue.add(entry.rid, entry)

    def remove(self, rid: int) -> None:
        self._queue.add(rid, None)

    @property
    def pending(self) -> int:
        """Changes handed over and not yet searchable."""
        return self._queue.seq - self._queue.applied

    def wait(self, timeout: float | None = None, progress: Callable[[int], None] | None = None) -> bool:
        """Until every change handed over so far is searchable (True), or the time is up."""
        q = self._queue
        target = q.seq
        deadline = None if timeout is None else time.monotonic() + timeout
        with q.cv:
            if q.wanted < target:  # committed now, not once changes stop coming
                q.wanted = target
                q.cv.notify_all()
            while q.applied < target and not self.broken and self._thread.is_alive():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                q.cv.wait(0.2 if left is None else min(left, 0.2))
                if progress is not None:
                    progress(q.seq - q.applied)
        return q.applied >= target and not self.broken

    def searcher(self) -> tantivy.Searcher:
        """A searcher that sees the changes made before this call (unless a rebuild is running)."""
        if self.index is None:
            raise ValueError(f"there is no search index: {self.broken}")
        if 0 < self.pending <= WAIT_MAX:
            self.wait(WAIT_S)
        return self.index.searcher()

    def alongside(self, fn: Callable, *args) -> Future:
        """Run fn(*args) on a second thread while the caller goes on: tantivy lets go of Python's
        lock while it searches, so a search page counts its filters while it ranks."""
        if self._helper is None:
            self._helper = ThreadPoolExecutor(1, thread_name_prefix="quietpage-search")
        return self._helper.submit(fn, *args)

    # ------------------------------------------------------------------ the committer thread
    def _apply(self, batch: list[tuple[int, int, Entry | None]]) -> None:
        try:
            if self.writer is None:
                raise ValueError("there is no search index")
            for rid, _, entry in batch:
                # by a query: tantivy-py makes a by_term term of a Python int signed, and finds nothing
                self.writer.delete_documents_by_query(tantivy.Query.term_query(self.schema, "rid", rid))
                if entry is not None:
                    self.writer.add_document(entry.document())
            self.writer.commit()
            self.index.reload()
        except BaseException as exc:  # an index that cannot be written: it will be built again
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            self.fail(f"writing failed: {exc}")
        q = self._queue
        with q.cv:
            q.applied = max(q.applied, batch[-1][1])
            if self.broken:
                q.ops.clear()
                q.applied = q.seq
            q.cv.notify_all()

    def fail(self, why: str) -> None:
        """The index cannot be trusted any more: the library will build it again."""
        if self.broken is None:
            log.warning("search index in %s: %s; it will be built again from the records", self.folder, why)
        self.broken = why

    def close(self, timeout: float = 5.0) -> bool:
        """Apply what is waiting (for at most `timeout` s: the next start catches up on the rest).
        True if the index now holds every change handed over and is closed."""
        applied = self.wait(timeout)
        self._queue.close()
        if self._helper is not None:
            self._helper.shutdown(wait=True)
        self._thread.join(timeout)
        if self._thread.is_alive():
            return False
        self.writer = None  # dropped now: its lock on the folder goes with it
        return applied and self.index is not None and self.broken is None

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.folder.iterdir() if p.is_file()) if self.folder.is_dir() else 0
