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

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorruptData
from .files import fsync_dir
from .snapshot import read_generation

BACKUP_DIR = "backups"
DAILY = "quietpage-daily-"


def stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


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
        """The daily backups, oldest first."""
        found = []
        for path in self.folder.glob(f"{DAILY}*.json"):
            try:
                found.append((path.stat().st_mtime_ns, path.name, path))
            except FileNotFoundError:  # rotated away meanwhile
                pass
        return [p for _, _, p in sorted(found)]

    def next_due(self) -> float:
        """When the next daily backup is due: a day after the newest one, or after now if there
        is none yet (the first one is also taken at the first clean shutdown)."""
        daily = self.daily()
        return (daily[-1].stat().st_mtime if daily else time.time()) + self.interval_s

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
    target = target or _free_name(_private_dir(snapshot.parent / BACKUP_DIR), f"quietpage-{stamp()}", ".json")
    write_snapshot(Path(target), state.tables, schema=state.schema or SCHEMA_VERSION,
                   generation=state.generation)
    return Path(target), {name: len(t) for name, t in state.tables.items()}


def _identity(path: Path) -> tuple | None:
    try:
        st = path.stat()
        return st.st_ino, st.st_mtime_ns, st.st_size
    except FileNotFoundError:
        return None


def restore_file(source: Path, snapshot: Path) -> tuple[Path, dict[str, int]]:
    """Make the backup `source` the database. The current files are first copied aside (the
    folder is returned); the switch itself is one atomic rename. Hold the data dir lock."""
    from .recovery import journal_files
    from .snapshot import SnapshotError, read_snapshot, write_snapshot

    try:
        snap = read_snapshot(source)
    except SnapshotError as exc:
        raise CorruptData(f"The backup {source} is unreadable: {exc}. Nothing was changed.") from exc
    if snap.schema is None:
        raise CorruptData(f"The backup {source} is missing or empty. Nothing was changed.")
    journals = journal_files(snapshot)
    aside = backup_files(snapshot, [p for _, p in journals], snapshot.parent / BACKUP_DIR, "replaced")
    # A generation above every journal's, so the old journals are never replayed onto it.
    generation = max([snap.generation, read_generation(snapshot), *(g for g, _ in journals)]) + 1
    write_snapshot(snapshot, snap.tables, schema=snap.schema, generation=generation)
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
