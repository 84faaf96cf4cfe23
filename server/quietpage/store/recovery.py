"""Reading a database back: the snapshot, then the journals that follow it, in order.

Files in the data dir:
    quietpage.json               the snapshot of generation S (see snapshot.py)
    quietpage.journal.<G>        changes made after snapshot G was taken (see journal.py)
Journals older than the snapshot are leftovers of a finished compaction and are ignored. A torn
last record is dropped (and cut off the file, unless reading only). Anything else that cannot be
read raises CorruptData naming the file and what to do, and nothing is changed on disk.
"""
from __future__ import annotations

import logging
import mmap
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorruptData
from .journal import JournalDamaged, parse_header, scan
from .snapshot import Refs, SnapshotError, read_snapshot
from .table import apply_change

log = logging.getLogger(__name__)
JOURNAL_RE = re.compile(r"\.journal\.(\d+)$")


def journal_path(snapshot: Path, generation: int) -> Path:
    return snapshot.with_name(f"{snapshot.stem}.journal.{generation:06d}")


def journal_files(snapshot: Path) -> list[tuple[int, Path]]:
    """The journals beside `snapshot`, oldest first."""
    found = []
    for path in snapshot.parent.glob(f"{snapshot.stem}.journal.*"):
        m = JOURNAL_RE.search(path.name)
        if m and path.name.startswith(snapshot.stem + "."):
            found.append((int(m[1]), path))
    return sorted(found)


def files_state(snapshot: Path) -> list[list]:
    """[name, inode, size, mtime, ctime] of the snapshot and its journals: any write to the
    records, by this process or another, or a file put in their place, changes it."""
    out = []
    for path in [snapshot, *(p for _, p in journal_files(snapshot))]:
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        out.append([path.name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns])
    return out


@dataclass
class State:
    tables: dict[str, dict] = field(default_factory=dict)
    schema: int | None = None     # None: a new, empty database
    generation: int = 0           # of the snapshot
    journals: list[tuple[int, Path, int]] = field(default_factory=list)  # (generation, path, size)
    records: int = 0              # change records replayed
    refs: Refs | None = None      # the snapshot file, if tables hold refs into it

    @property
    def last_journal(self) -> tuple[int, Path, int] | None:
        return self.journals[-1] if self.journals else None


def what_to_do(path: Path) -> str:
    return (f"It was left untouched. Restore a backup (`quietpage restore`, backups are in "
            f"{path.parent / 'backups'}), or move the file away to go without it.")


def load_state(snapshot_path: Path, *, read_only: bool = False, refs: bool = False) -> State:
    """The database as the files hold it. `read_only` cuts nothing (for a backup of a live dir);
    `refs` leaves the snapshot's documents in the file (see snapshot.Refs)."""
    try:
        snap = read_snapshot(snapshot_path, refs=refs)
    except SnapshotError as exc:
        raise CorruptData(f"The database file {snapshot_path} is unreadable: {exc}. "
                          + what_to_do(snapshot_path)) from exc
    state = State(snap.tables, snap.schema, snap.generation, refs=snap.refs)
    try:
        journals = [(g, p) for g, p in journal_files(snapshot_path) if g >= snap.generation]
        if journals and snap.schema is None and journals[0][0] > 0:
            raise CorruptData(f"The database file {snapshot_path} is missing, but its journal "
                              f"{journals[0][1]} is there. " + what_to_do(journals[0][1]))
        for generation, path in journals:
            _replay(state, generation, path, read_only)
    except BaseException:
        if state.refs is not None:
            state.refs.close()
        raise
    return state


def _replay(state: State, generation: int, path: Path, read_only: bool) -> None:
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
            try:
                payloads, valid, dropped = scan(data)
            finally:
                if size:
                    data.close()
    except JournalDamaged as exc:
        raise CorruptData(f"The journal {path} is damaged ({exc}), and more records follow the "
                          "damage, so it is not an interrupted write. " + what_to_do(path)) from exc
    except OSError as exc:
        raise CorruptData(f"The journal {path} cannot be read ({exc.strerror or exc}). "
                          + what_to_do(path)) from exc
    if not payloads:
        raise CorruptData(f"The journal {path} has no header. " + what_to_do(path))
    try:
        head = parse_header(payloads[0])
        if head.get("generation") != generation:
            raise ValueError(f"its header says generation {head.get('generation')}")
        if state.schema is None:
            state.schema = int(head["schema"])
        for payload in payloads[1:]:
            apply_change(state.tables, payload)
    except (ValueError, KeyError, TypeError, StopIteration) as exc:
        raise CorruptData(f"The journal {path} holds a record QuietPage cannot apply ({exc}). "
                          + what_to_do(path)) from exc
    if dropped:
        # Whether anyone was told this change was made, the file cannot say. QuietPage answers
        # only once a record is whole on disk, so normally no one was - unless the disk lost
        # data it had reported written.
        log.warning("%s ended with %s (%d bytes), as a write cut short by a crash or a power cut "
                    "leaves: dropped it, so the change it held is not in the library. QuietPage confirms "
                    "a change only once its record is whole on disk, so normally it was never confirmed.",
                    path, dropped, size - valid)
        if not read_only:
            os.truncate(path, valid)
    state.journals.append((generation, path, valid))
    state.records += len(payloads) - 1
