"""JournalStorage: a TinyDB Storage with a journal on top of an atomic snapshot.

- Every change a table commits is one record appended to the journal and fsynced before the
  call returns (or, with group commit, before anyone is told: see JournalWriter.sync_to).
- A table holds each document as a ref into the snapshot file, as JSON bytes (changed since),
  or decoded (memoised tables, once read). Stored objects are replaced, never mutated.
- When the journal passes `compact_bytes`, the store thread swaps in a new journal and takes a
  shallow copy of the tables (consistent, as nothing is mutated in place); a background thread
  writes it as the next snapshot and deletes the journals it replaces; the store thread then
  points the unchanged documents at the new file, so memory holds only recent changes. See
  compaction.py.
- Start-up reads the snapshot and replays the journals (recovery.py), and migrates an older
  schema (migrations.py) after backing the files up. Daily, the snapshot just written is also
  kept in the backups folder (backups.py).
- A journal is deleted only once a snapshot proves it folded in: one this storage replayed or
  wrote (same file: same inode) below the generation of a snapshot it wrote, or one below the
  generation of the (checksummed) snapshot it started from.
- Faults (health.py says which): a change the disk refuses is undone and raises StorageError (DiskFull,
  507) - nothing else is touched, reads go on, and the next write simply tries again. Work that
  follows a made change (starting a new journal, a snapshot, a backup) never raises into it: it
  is retried later, and `health()` says what is wrong. If the journal cannot be trusted (an
  fsync failed) or was deleted, `heal()` writes everything as a new snapshot and goes on in a new
  journal; until that works every call is refused, so nobody sees what a crash could undo.
"""
from __future__ import annotations

import errno
import logging
import time
from collections.abc import Callable, Container
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import orjson
from tinydb.storages import Storage

from ..errors import CorruptData, StorageError
from .backups import BackupPolicy, backup_files
from .compaction import Compaction
from .files import storage_error
from .health import Health, disk_health
from .journal import JournalFile, JournalWriter
from .recovery import State, journal_path, load_state
from .snapshot import Refs, encode_doc, ref_bytes, write_snapshot
from .table import ChangeSet, LazyView, encode_change

log = logging.getLogger(__name__)
MiB = 1024 * 1024


class JournalStorage(Compaction, Storage):
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
        self.heal_retry_s = 5.0  # after a failed heal whose snapshot could not be written
        self._heal_after = 0.0
        self._heal_reported: BaseException | None = None
        self._compact_error: str | None = None  # why the last compaction (or backup) failed
        state = load_state(self.path, refs=True)
        self._refs: Refs | None = state.refs
        self._proven_below = state.generation  # journals below it are folded into that snapshot
        try:
            self._open(state, schema, migrate)
            # The journals this storage read: each may be deleted once a snapshot we write holds it.
            self._known = {g: p.stat().st_ino for g, p, _ in state.journals}
            self._known[self.generation] = self._journal.inode
        except BaseException as exc:
            self._close_refs()
            if isinstance(exc, OSError):
                raise storage_error(exc, self.path.parent, doing=f"open the library in {self.path.parent}") from exc
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
        self._heal(force=True)

    def close(self) -> None:
        try:
            first_backup = (self._backups is not None and any(self._tables.values())
                            and not self._backups.daily())
            if self._needs_heal():
                self._heal()
            elif self._changes_since_snapshot or first_backup:
                # The next start reads one file and replays nothing.
                self._compact(background=False, backup=first_backup or None)
        except (OSError, StorageError) as exc:
            if self._writer.failed is not None:
                log.error("%s Stopping now LOSES the changes made since then.",
                          storage_error(exc, self.path.parent, kept=True).message)
            else:
                log.warning("could not write a snapshot while closing (%s): the journal keeps every change, "
                            "nothing is lost", getattr(exc, "strerror", None) or exc)
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
        """Apply `updater` to the table and journal what changed. Raises only when nothing was
        changed (a StorageError if the disk refused the record); once the record is in the
        journal the change stands, whatever happens after."""
        if self._needs_heal():
            self._heal()
        created = name not in self._tables
        change = ChangeSet(self._tables.setdefault(name, {}), self.as_bytes)
        try:
            updater(change)
            ops, docs = change.diff()
            if ops or created:
                self._writer.append(encode_change(name, ops, docs))
                self._changes_since_snapshot += 1
        except BaseException as exc:
            change.undo()
            if created:
                self._tables.pop(name, None)
            if isinstance(exc, OSError):
                raise storage_error(exc, self.path.parent) from exc
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

    # ------------------------------------------------------------------ faults
    def health(self) -> Health:
        """Whether the storage can do its work now ("ok"), or what is wrong ("degraded"); cheap,
        safe from any thread (for /api/health)."""
        failed = self._writer.failed
        if failed is None and not self._writer.file.linked():
            failed = FileNotFoundError(errno.ENOENT, "the journal was deleted while QuietPage ran")
        if failed is not None:
            return Health("degraded", storage_error(failed, self.path.parent, kept=True).message)
        if self._compact_error is not None:
            return Health("degraded", self._compact_error)
        return disk_health(self.path.parent)

    def heal(self) -> None:
        """Before each call on the store thread: if the journal cannot be trusted any more (an
        fsync failed, or it was deleted), write everything as a snapshot and go on in a new
        journal; raises StorageError if that cannot be done yet."""
        if self._needs_heal():
            self._heal()

    def _needs_heal(self) -> bool:
        writer = self._writer
        if writer.failed is None and not writer.file.linked():
            # What it held since the last snapshot is only in memory now: as good as unconfirmed.
            writer.failed = FileNotFoundError(
                errno.ENOENT, f"the journal {writer.file.path} was deleted while QuietPage ran")
        return writer.failed is not None

    def _heal(self, *, force: bool = False) -> None:
        """Write the tables as a new snapshot, then go on in a new journal: what memory holds is
        then durable, whatever happened to the journal it was written to. `force`: also when
        nothing is wrong (TinyDB's write())."""
        failed = self._writer.failed
        if failed is not None:
            if time.monotonic() < self._heal_after:
                self._writer.check()
            if failed is not self._heal_reported:  # once per failure, not at every attempt
                self._heal_reported = failed
                log.warning("%s: writing everything QuietPage holds as a new snapshot",
                            getattr(failed, "strerror", None) or failed)
        self._collect_compaction()
        generation = self.generation + 1
        try:
            new = JournalFile.create(journal_path(self.path, generation), generation, self.schema)
        except OSError as exc:
            raise storage_error(exc, self.path.parent, kept=failed is not None) from exc
        frozen = {name: dict(raw) for name, raw in self._tables.items()}
        try:
            refs, positions = write_snapshot(self.path, frozen, schema=self.schema, generation=generation,
                                             source=self._refs, keep_open=True)
        except OSError as exc:
            new.close()
            new.path.unlink(missing_ok=True)
            self._heal_after = time.monotonic() + self.heal_retry_s
            raise storage_error(exc, self.path.parent, kept=failed is not None) from exc
        self._writer.restart(new)
        self._known[generation] = new.inode
        self.generation, self._changes_since_snapshot = generation, 0
        self._drop_journals(generation, dict(self._known))
        self._adopt(frozen, refs, positions)
        if failed is not None:
            log.warning("everything is on disk again (snapshot generation %d)", generation)

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
