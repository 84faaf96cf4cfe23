"""Backups of the database file: daily and rotating, before migrations, and on demand.

    backups/quietpage-daily-<UTC time>.json    a snapshot, taken by the running server once a
                                               day (the newest `keep` are kept)
    backups/quietpage-<UTC time>.json          `quietpage backup`, kept until you delete it
    backups/before-schema-<n>-<time>/          the files as they were before a migration
    backups/replaced-<time>/                   the files a `quietpage restore` replaced

A backup holds the records (articles, highlights, sessions); each article file under articles/
is written once, under its revision, and removed once a newer revision is durable (a restored
backup may point at a removed one: repair_bodies answers that), so copying the whole data
folder backs up everything.
"""
from __future__ import annotations

import calendar
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorruptData
from .files import fsync_dir, storage_error
from .snapshot import read_generation

BACKUP_DIR = "backups"
DAILY = "quietpage-daily-"


STAMP = "%Y%m%dT%H%M%SZ"


def stamp() -> str:
    return time.strftime(STAMP, time.gmtime())


def taken_at(path: Path) -> float:
    """When a backup was taken, from the UTC time in its name (its mtime if the name has none)."""
    m = _STAMPED.search(path.name)
    if m:
        return calendar.timegm(time.strptime(m[1], STAMP))
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _order(path: Path, soon: float) -> tuple:
    """Oldest first: by the time in the name, then (taken within one second) by mtime; one
    dated in the future (the clock was wrong then) first of all."""
    taken = taken_at(path)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        mtime = 0
    return taken <= soon, taken, mtime, path.name


_STAMPED = re.compile(r"(\d{8}T\d{6}Z)")


def _free_name(folder: Path, stem: str, suffix: str = "") -> Path:
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def _private_dir(folder: Path) -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class BackupPolicy:
    folder: Path
    keep: int
    interval_s: float

    def daily(self) -> list[Path]:
        """The daily backups, oldest first: by the time in their names (when they were taken, as
        the clock said then), not their mtime, which anyone can change. One dated in the future
        (the clock was wrong) counts as the oldest, the first to go."""
        if not self.folder.is_dir():
            return []
        soon = time.time() + 60
        return sorted(self.folder.glob(f"{DAILY}*.json"), key=lambda p: _order(p, soon))

    def next_due(self) -> float:
        """When the next daily backup is due: a day after the newest one, or a day from now if
        there is none yet (the first one is also taken at the first clean shutdown). A backup
        dated in the future does not count: it would put off the next one for as long as the
        clock was ahead - if there are only such ones, one is due now."""
        now, daily = time.time(), self.daily()
        taken = [t for t in map(taken_at, daily) if t <= now + 60]
        if daily and not taken:
            return now
        return (max(taken) if taken else now) + self.interval_s

    def take(self, snapshot: Path) -> Path:
        """Keep the snapshot just written as today's backup, and drop the oldest beyond `keep`."""
        target = _free_name(_private_dir(self.folder), DAILY + stamp(), ".json")
        try:
            os.link(snapshot, target)  # the snapshot is replaced by rename, never rewritten
        except OSError:
            shutil.copy2(snapshot, target)
        fsync_dir(self.folder)
        for old in self.daily()[:-self.keep] if self.keep > 0 else self.daily():
            old.unlink(missing_ok=True)
        return target


def backup_files(snapshot: Path, journals: list[Path], folder: Path, label: str, *,
                 move: bool = False) -> Path:
    """Copy (or move) the database files into a new folder under `folder`; that folder."""
    target = _free_name(_private_dir(folder), f"{label}-{stamp()}")
    target.mkdir(mode=0o700)
    for path in [snapshot, *journals]:
        if path.exists():
            (os.replace if move else shutil.copy2)(path, target / path.name)
    fsync_dir(target)
    fsync_dir(snapshot.parent)
    return target


def backup_now(snapshot: Path, target: Path | None = None) -> tuple[Path, dict[str, int]]:
    """Write the database as it is now (snapshot and journals) to one file; works while a server
    runs. Returns the file and the number of documents per table."""
    from .recovery import load_state
    from .snapshot import write_snapshot
    from .migrations import SCHEMA_VERSION

    for attempt in range(5):
        before = _identity(snapshot)
        try:
            state = load_state(snapshot, read_only=True)
            break
        except CorruptData:
            if attempt == 4 or _identity(snapshot) == before:
                raise  # not a compaction racing us: real damage
    try:
        target = target or _free_name(_private_dir(snapshot.parent / BACKUP_DIR), f"quietpage-{stamp()}", ".json")
        write_snapshot(Path(target), state.tables, schema=state.schema or SCHEMA_VERSION,
                       generation=state.generation)
    except OSError as exc:
        where = Path(target).parent if target else snapshot.parent / BACKUP_DIR
        raise storage_error(exc, where, doing=f"write a backup in {where}",
                            note="The library itself is untouched.") from exc
    return Path(target), {name: len(t) for name, t in state.tables.items()}


def _identity(path: Path) -> tuple | None:
    try:
        st = path.stat()
        return st.st_ino, st.st_mtime_ns, st.st_size
    except FileNotFoundError:
        return None


def restore_file(source: Path, snapshot: Path) -> tuple[Path, dict[str, int]]:
    """Make the backup `source` the database. Everything that can refuse it is checked first
    (readable, whole, a schema this QuietPage can open), so a refusal changes nothing; then the
    current files are copied aside (the folder is returned), and the switch itself is one atomic
    rename. Hold the data dir lock."""
    from .migrations import SCHEMA_VERSION
    from .recovery import journal_files
    from .snapshot import SnapshotError, read_snapshot, write_snapshot

    try:
        snap = read_snapshot(source)
    except SnapshotError as exc:
        raise CorruptData(f"The backup {source} is unreadable: {exc}. Nothing was changed.") from exc
    if snap.schema is None:
        raise CorruptData(f"The backup {source} is missing or empty. Nothing was changed.")
    if snap.schema > SCHEMA_VERSION:
        raise CorruptData(f"The backup {source} was written by a newer QuietPage (schema {snap.schema}; this "
                          f"one knows {SCHEMA_VERSION}): upgrade QuietPage to restore it. Nothing was changed.")
    journals = journal_files(snapshot)
    try:
        aside = backup_files(snapshot, [p for _, p in journals], snapshot.parent / BACKUP_DIR, "replaced")
    except OSError as exc:
        raise storage_error(exc, snapshot.parent, doing=f"restore {source}",
                            note="Nothing was changed.") from exc
    # A generation above every journal's, so the old journals are never replayed onto it.
    generation = max([snap.generation, read_generation(snapshot), *(g for g, _ in journals)]) + 1
    try:
        write_snapshot(snapshot, snap.tables, schema=snap.schema, generation=generation)
    except OSError as exc:
        raise storage_error(exc, snapshot.parent, doing=f"restore {source}",
                            note=f"The database was not changed (a copy of it is in {aside}).") from exc
    for _, path in journals:
        path.unlink(missing_ok=True)
    return aside, {name: len(t) for name, t in snap.tables.items()}


def repair_bodies(store) -> tuple[int, int]:
    """After a restore: point records whose revision's files are gone (replaced since the
    backup) at the newest revision on disk. Returns (repaired, still without files)."""
    from .files import body_path

    repaired = missing = 0
    for a in store.all_articles():
        if body_path(store.dir, a["id"], a.get("rev", ""), "reader.json").exists():
            continue
        found = sorted((store.dir / "articles" / a["id"]).glob("*.reader.json.gz"), key=lambda p: p.stat().st_mtime)
        if not found:
            missing += 1
            continue
        store.update_article(a["id"], {"rev": found[-1].name.split(".", 1)[0]})
        repaired += 1
    return repaired, missing
