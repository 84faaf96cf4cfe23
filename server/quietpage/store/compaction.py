"""Compaction and the daily backup, for JournalStorage (mixed into it: it uses its tables,
writer, refs and generation, on the store thread; only `_write_snapshot` runs on the compaction
thread, and it touches no live state).

When the journal passes `compact_bytes` (or the daily backup is due), the store thread starts a
new journal and hands a shallow copy of the tables to the compaction thread, which writes it as
the next snapshot and deletes the journals it proves folded in; the store thread then points
the unchanged documents at the new file. Compacting follows a change that is already made, so
it never raises into it: a failure is logged, kept for health(), and tried again later.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import Future

from ..errors import StorageError
from .journal import JournalFile
from .recovery import journal_files, journal_path
from .snapshot import Refs, write_snapshot

log = logging.getLogger(__name__)
BACKUP_RETRY_S = 3600  # after a daily backup failed


class Compaction:
    _compacting: tuple[Future, dict] | None
    _compact_error: str | None    # why the last compaction (or backup) failed, for health()
    _known: dict[int, int]        # generation -> inode of each journal this storage read or wrote
    _proven_below: int            # journals below it are folded into the snapshot we started from

    def maintenance(self) -> None:
        """Compact (and back up) if it is time to, or again if it failed; the app calls this now
        and then. Also notices a deleted journal."""
        if self._needs_heal():
            self._heal()
        if self._compact_error is not None and not self.compacting:
            self._try_compact()
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
        if self._writer.size >= self.compact_bytes or self._backup_due():
            self._try_compact()

    def _try_compact(self) -> None:
        """A background compaction, if the disk lets us start one: a change already made must
        never fail because of it (it is tried again with the next change, and health says why)."""
        try:
            self._compact(background=True)
        except (OSError, StorageError) as exc:
            self._compaction_failed(exc)

    def _compaction_failed(self, exc: BaseException) -> None:
        reason = getattr(exc, "strerror", None) or getattr(exc, "message", None) or str(exc)
        what = (f"The journal could not be compacted into a new snapshot ({reason}): it keeps every "
                "change and grows until that works.")
        if what != self._compact_error:
            log.warning("%s", what)
        self._compact_error = what

    def _backup_due(self) -> bool:
        """Whether the daily backup is due; also when the clock went back past its schedule."""
        now = time.time()
        return now >= self._next_backup or (self._backups is not None
                                            and self._next_backup - now > self._backups.interval_s)

    def _compact(self, *, background: bool, backup: bool | None = None) -> None:
        """Swap in a new journal and write the tables as of now as the matching snapshot (and
        keep it as a backup if one is due)."""
        self._collect_compaction()
        frozen = {name: dict(raw) for name, raw in self._tables.items()}
        generation = self.generation + 1
        new = JournalFile.create(journal_path(self.path, generation), generation, self.schema)
        try:
            self._writer.switch(new)
        except OSError:
            new.close()
            raise
        self._known[generation] = new.inode
        self.generation = generation
        self._changes_since_snapshot = 0
        if backup is None:
            backup = self._backups is not None and self._backup_due()
        if backup:
            self._next_backup = time.time() + self._backups.interval_s
        job = (frozen, generation, backup, self._refs, dict(self._known))
        if background:
            self._compacting = (self._compactor.submit(self._write_snapshot, *job), frozen)
        else:
            self._finish_compaction(frozen, self._write_snapshot(*job))

    def _write_snapshot(self, frozen: dict, generation: int, backup: bool, source: Refs | None,
                        known: dict[int, int]):
        """On the compaction thread: the snapshot file, then cleanup. Touches no live state.
        Returns (refs, positions, why the backup failed or None)."""
        started = time.perf_counter()
        refs, positions = write_snapshot(self.path, frozen, schema=self.schema, generation=generation,
                                         source=source, keep_open=True)
        self._drop_journals(generation, known)
        log.info("compacted %s to generation %d in %.2f s", self.path.name, generation,
                 time.perf_counter() - started)
        backup_error = None
        if backup:
            try:
                self._backups.take(self.path)
            except OSError as exc:
                backup_error = (f"The daily backup could not be written to {self._backups.folder} "
                                f"({exc.strerror or exc}); it is tried again in an hour.")
                log.warning("%s", backup_error)
        return refs, positions, backup_error

    def _drop_journals(self, generation: int, known: dict[int, int]) -> None:
        """Delete the journals that the snapshot of `generation`, just written, proves folded in."""
        for older, path in journal_files(self.path):
            if older >= generation:
                continue
            try:
                proven = older < self._proven_below or known.get(older) == path.stat().st_ino
            except FileNotFoundError:
                continue
            if proven:
                try:
                    path.unlink(missing_ok=True)
                except OSError as exc:  # harmless: the next start skips it, the next compaction retries
                    log.warning("could not delete %s, folded into the snapshot (%s)", path, exc.strerror or exc)
            else:
                log.warning("left %s in place: QuietPage did not read or write it, so no snapshot proves "
                            "its changes are in the library", path)

    def _finish_compaction(self, frozen: dict, result: tuple) -> None:
        refs, positions, backup_error = result
        self._compact_error = backup_error
        if backup_error is not None:
            self._next_backup = time.time() + BACKUP_RETRY_S
        self._known = {g: ino for g, ino in self._known.items() if g >= self.generation}
        self._adopt(frozen, refs, positions)

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
            result = pending[0].result()
        except OSError as exc:  # the journals it would have replaced are all still there
            self._compaction_failed(exc)
            return
        except Exception:
            log.exception("writing the snapshot %s failed; will try again", self.path)
            self._compaction_failed(Exception("an error inside QuietPage: see the log"))
            return
        self._finish_compaction(pending[1], result)
