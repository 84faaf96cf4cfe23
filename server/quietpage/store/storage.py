"""JournalStorage: a TinyDB Storage with a journal on top of an atomic snapshot.

- Every change a table commits is one record appended to the journal and fsynced before the
  call returns (or, with group commit, before anyone is told: see JournalWriter.sync_to).
- A table holds each document as a ref into the snapshot file, as JSON bytes (changed since),
  or decoded (memoised tables, once read). Stored objects are replaced, never mutated.
- When the journal passes `compact_bytes`, the store thread swaps in a new journal and takes a
  shallow copy of the tables (consistent, as nothing is mutated in place); a background thread
  writes it as the next snapshot and deletes the journals it replaces; the store thread then
  points the unchanged documents at the new file, so memory holds only recent changes.
- Start-up reads the snapshot and replays the journals (recovery.py), and migrates an older
  schema (migrations.py) after backing the files up. Daily, the snapshot just written is also
  kept in the backups folder (backups.py).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Container
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import orjson
from tinydb.storages import Storage

from ..errors import CorruptData
from .backups import BackupPolicy, backup_files
from .journal import JournalFile, JournalWriter
from .recovery import State, journal_files, journal_path, load_state
from .snapshot import Refs, encode_doc, ref_bytes, write_snapshot
from .table import ChangeSet, LazyView, encode_change

log = logging.getLogger(__name__)
MiB = 1024 * 1024


class JournalStorage(Storage):
    def __init__(self, path, *, schema: int = 1, migrate: Callable | None = None,
                 group_commit: bool = False, compact_bytes: int = 32 * MiB,
                 memoize: Container[str] | None = None, backups: BackupPolicy | None = None,
                 **_ignored):
        self.path = Path(path)
        self.compact_bytes = compact_bytes
        self._memoize = memoize
        self._backups = backups
        self._compactor = ThreadPoolExecutor(1, thread_name_prefix="quietpage-compact")
        self._compacting: tuple[Future, dict] | None = None
        state = load_state(self.path, refs=True)
        self._refs: Refs | None = state.refs
        try:
            self._open(state, schema, migrate)
        except BaseException:
            self._close_refs()
            raise
        self._writer = JournalWriter(self._journal, group_commit=group_commit)
        self._changes_since_snapshot = state.records
        self._next_backup = backups.next_due() if backups else float("inf")

    def _open(self, state: State, schema: int, migrate: Callable | None) -> None:
        if state.schema is not None and state.schema > schema:
            raise CorruptData(f"The database file {self.path} was written by a newer QuietPage "
                              f"(schema {state.schema}; this one knows {schema}). Upgrade QuietPage.")
        self._tables = state.tables
        self.schema = schema if state.schema is None else state.schema
        self.generation = state.generation
        if self.schema < schema:
            self._migrate(state, schema, migrate)
        last = state.last_journal
        if last is not None:
            self.generation, self._journal = last[0], JournalFile(last[1], last[2])
        else:
            self._journal = JournalFile.create(journal_path(self.path, self.generation),
                                               self.generation, self.schema)

    # ------------------------------------------------------------------ stored values
    def as_bytes(self, value) -> bytes:
        return self._refs.read(value) if isinstance(value, int) else encode_doc(value)

    def load(self, value) -> dict:
        return value if isinstance(value, dict) else orjson.loads(self.as_bytes(value))

    # ------------------------------------------------------------------ what TinyDB calls
    def read(self) -> dict:
        return {name: self.view(name) for name in self._tables}

    def write(self, data: dict) -> None:
        """A whole new database (TinyDB's drop_table/drop_tables): written as a snapshot."""
        self._collect_compaction()
        self._tables = {name: {k: self.as_bytes(v) for k, v in (t._raw if isinstance(t, LazyView) else t).items()}
                        for name, t in data.items()}
        self._compact(background=False)

    def close(self) -> None:
        try:
            first_backup = (self._backups is not None and any(self._tables.values())
                            and not self._backups.daily())
            if self._writer.failed is None and (self._changes_since_snapshot or first_backup):
                # The next start reads one file and replays nothing.
                self._compact(background=False, backup=first_backup or None)
        finally:
            self._collect_compaction()
            self._compactor.shutdown(wait=True)
            self._writer.close()
            self._close_refs()

    def _close_refs(self) -> None:
        if self._refs is not None:
            self._refs.close()

    # ------------------------------------------------------------------ what JournalTable calls
    def view(self, name: str) -> LazyView:
        memoize = self._memoize is None or name in self._memoize
        return LazyView(self._tables.get(name, {}), self.load, memoize)

    def update_table(self, name: str, updater: Callable[[dict], None]) -> None:
        self._writer.check()
        created = name not in self._tables
        change = ChangeSet(self._tables.setdefault(name, {}), self.as_bytes)
        try:
            updater(change)
            ops, docs = change.diff()
            if ops or created:
                self._writer.append(encode_change(name, ops, docs))
                self._changes_since_snapshot += 1
        except BaseException:
            change.undo()
            if created:
                self._tables.pop(name, None)
            raise
        self._maybe_compact()

    # ------------------------------------------------------------------ raw access for indexes
    def raw_bytes(self, name: str, doc_id: str) -> bytes | None:
        """A document's JSON bytes, without decoding it, or None."""
        value = self._tables.get(name, {}).get(doc_id)
        return None if value is None else self.as_bytes(value)

    def scan_bytes(self, name: str):
        """(id, JSON bytes) of every document: for building indexes, memoising nothing."""
        table = self._tables.get(name, {})
        if self._refs is None or self._refs.fd < 0:
            for doc_id, value in table.items():
                yield doc_id, self.as_bytes(value)
            return
        with self._refs.mapped() as view:  # one mapping instead of a pread per document
            for doc_id, value in table.items():
                yield doc_id, ref_bytes(view, value) if isinstance(value, int) else encode_doc(value)

    # ------------------------------------------------------------------ durability
    def mark(self) -> int:
        return self._writer.written

    def is_durable(self, mark: int) -> bool:
        return self._writer.is_durable(mark)

    def sync_to(self, mark: int) -> None:
        self._writer.sync_to(mark)

    def flush(self) -> None:
        """Make everything written so far durable now."""
        self._writer.sync_to(self._writer.written)

    # ------------------------------------------------------------------ compaction and backups
    def maintenance(self) -> None:
        """Compact (and back up) if it is time to; the app calls this now and then."""
        self._maybe_compact()

    def compact(self, *, background: bool = True) -> None:
        """Compact now, whatever the journal's size."""
        self._compact(background=background)

    @property
    def compacting(self) -> bool:
        return self._compacting is not None and not self._compacting[0].done()

    def _maybe_compact(self) -> None:
        if self._compacting is not None:
            if not self._compacting[0].done():
                return
            self._collect_compaction()
        if self._writer.size >= self.compact_bytes or time.time() >= self._next_backup:
            self._compact(background=True)

    def _compact(self, *, background: bool, backup: bool | None = None) -> None:
        """Swap in a new journal and write the tables as of now as the matching snapshot (and
        keep it as a backup if one is due)."""
        self._collect_compaction()
        frozen = {name: dict(raw) for name, raw in self._tables.items()}
        generation = self.generation + 1
        self._writer.switch(JournalFile.create(journal_path(self.path, generation), generation, self.schema))
        self.generation = generation
        self._changes_since_snapshot = 0
        if backup is None:
            backup = self._backups is not None and time.time() >= self._next_backup
        if backup:
            self._next_backup = time.time() + self._backups.interval_s
        job = (frozen, generation, backup, self._refs)
        if background:
            self._compacting = (self._compactor.submit(self._write_snapshot, *job), frozen)
        else:
            self._adopt(frozen, *self._write_snapshot(*job))

    def _write_snapshot(self, frozen: dict, generation: int, backup: bool, source: Refs | None):
        """On the compaction thread: the snapshot file, then cleanup. Touches no live state."""
        started = time.perf_counter()
        refs, positions = write_snapshot(self.path, frozen, schema=self.schema, generation=generation,
                                         source=source, keep_open=True)
        for older, path in journal_files(self.path):
            if older < generation:
                path.unlink(missing_ok=True)
        log.info("compacted %s to generation %d in %.2f s", self.path.name, generation,
                 time.perf_counter() - started)
        if backup:
            self._backups.take(self.path)
        return refs, positions

    def _adopt(self, frozen: dict, refs: Refs, positions: dict) -> None:
        """Point every document unchanged since the copy at the new snapshot file."""
        for name, copy in frozen.items():
            live, where = self._tables.get(name), positions.get(name, {})
            if live is None:
                continue
            for key, value in copy.items():
                if not isinstance(value, dict) and live.get(key) is value and where.get(key) is not None:
                    live[key] = where[key]
        old, self._refs = self._refs, refs
        if old is not None:
            old.close()

    def wait_for_compaction(self) -> None:
        """Block until a background compaction (if any) is finished and adopted."""
        self._collect_compaction()

    def _collect_compaction(self) -> None:
        pending, self._compacting = self._compacting, None
        if pending is None:
            return
        try:
            refs, positions = pending[0].result()
        except Exception:  # the journals it would have replaced are all still there
            log.exception("writing the snapshot %s failed; will try again", self.path)
            return
        self._adopt(pending[1], refs, positions)

    # ------------------------------------------------------------------ schema
    def _migrate(self, state: State, schema: int, migrate: Callable | None) -> None:
        if migrate is None:
            raise CorruptData(f"The database file {self.path} has schema {self.schema}, and this "
                              f"QuietPage cannot migrate it to {schema}.")
        if self._backups is not None:
            saved = backup_files(self.path, [p for _, p, _ in state.journals],
                                 self._backups.folder, f"before-schema-{schema}")
            log.info("backed up the database before migrating it: %s", saved)
        decoded = {name: {k: self.load(v) for k, v in raw.items()} for name, raw in self._tables.items()}
        self._tables = migrate(decoded, self.schema)
        self.schema, self.generation = schema, self.generation + 1
        refs, positions = write_snapshot(self.path, self._tables, schema=schema,
                                         generation=self.generation, keep_open=True)
        for _, path, _ in state.journals:
            path.unlink(missing_ok=True)
        state.journals.clear()
        state.records = 0
        self._tables = {name: {k: encode_doc(doc) if positions[name][k] is None else positions[name][k]
                               for k, doc in table.items()} for name, table in self._tables.items()}
        self._close_refs()
        self._refs = refs
