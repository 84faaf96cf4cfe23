"""Leftovers of work that was killed or failed, removed at start-up (the store holds the data dir
lock, so nothing is writing them any more):

- `tmp/import-*.upload`: the spooled body of an import (up to max_import_bytes, 2 GiB);
- `.<name>.<random>.tmp`: a temp file of an atomic write that never got renamed into place - of
  the database's own files (a snapshot can be as large as the library), and in backups/ (where
  `quietpage backup` may be writing one right now, without the lock: only those older than an
  hour). Inside an article's folder they are left: finding them would mean listing every
  folder at each start, and they are one page at most;
- `articles/<id>/` that no record names: a save that failed (a full disk) or was killed between
  writing the page's files and its record.

An article folder is kept whenever anything may still name it: a record of the database, or any
file in backups/ (a daily backup, a `replaced-*` database, one from before a migration), so that
restoring one finds its pages. With no article records at all (a database moved away, say)
nothing under articles/ is touched.
"""
from __future__ import annotations

import logging
import mmap
import os
import re
import shutil
import time
from collections.abc import Container
from pathlib import Path

from .backups import BACKUP_DIR

log = logging.getLogger(__name__)
TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")  # tempfile.mkstemp(prefix=".<name>.", suffix=".tmp")
SPOOL = "import-*.upload"
STALE_S = 3600


def _stale(path: Path) -> bool:
    return time.time() - path.stat().st_mtime > STALE_S


def sweep(db_file: Path, records: Container[str], *, has_records: bool) -> int:
    """Remove the leftovers in the data dir of `db_file` (see above); `records` holds the ids of
    the article records. Returns the bytes freed. Never raises: a leftover is only space."""
    freed, data_dir = 0, db_file.parent
    try:
        found = list((data_dir / "tmp").glob(SPOOL))
        found += [p for p in data_dir.glob(f".{db_file.stem}.*.tmp") if TEMP.match(p.name)]
        if (data_dir / BACKUP_DIR).is_dir():
            found += [p for p in (data_dir / BACKUP_DIR).iterdir() if TEMP.match(p.name) and _stale(p)]
        orphans = []
        if has_records and (data_dir / "articles").is_dir():
            with os.scandir(data_dir / "articles") as entries:  # one listing, no stat per folder
                orphans = [Path(e.path) for e in entries if e.name not in records and e.is_dir()]
        orphans = _unnamed_by_backups(orphans, data_dir / BACKUP_DIR)
    except OSError as exc:
        log.warning("could not look for leftovers in %s: %s", data_dir, exc)
        return 0
    for path in found:
        freed += _remove(path, path.unlink)
    for folder in orphans:
        freed += _remove(folder, lambda f=folder: shutil.rmtree(f))
    if found or orphans:
        log.info("removed %d leftover file(s) and %d folder(s) of failed saves (%.1f MB)",
                 len(found), len(orphans), freed / 1e6)
    return freed


def _unnamed_by_backups(folders: list[Path], backups: Path) -> list[Path]:
    """The folders whose id (a random 12-character name) appears in no file under backups/."""
    if not folders or not backups.is_dir():
        return folders
    wanted = {p.name.encode(): p for p in folders}
    for path in backups.rglob("*"):
        if not wanted:
            break
        if path.is_file() and path.stat().st_size:
            with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
                for key in [k for k in wanted if data.find(k) >= 0]:
                    del wanted[key]
    return list(wanted.values())


def _remove(path: Path, remove) -> int:
    try:
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size
        remove()
        return size
    except OSError as exc:
        log.warning("could not remove the leftover %s: %s", path, exc)
        return 0
