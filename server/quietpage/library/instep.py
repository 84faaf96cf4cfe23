"""The note a clean close leaves in the full-text index's folder: the records and the index were
in step when the library closed.

Checking the index at open means a fingerprint of every article (indexing.py): most of the
check's time. An open that finds the note, and the record files and the index's files just as
the note describes them, can trust the fingerprints the index holds instead. Anything else -
no note (a crash, a first start), a write to the records or the index since (by anyone), a
new fingerprint format - and every article is checked as before. The note is taken (deleted)
at every open, so one left by an earlier run can never describe a later state.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import orjson

log = logging.getLogger(__name__)
NAME = "in-step.json"


def files_of_index(folder: Path) -> list:
    """[inode, size, mtime, ctime] of the index's meta file (each commit or merge rewrites it)."""
    try:
        st = (folder / "meta.json").stat()
    except OSError:
        return []
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def take(folder: Path) -> dict | None:
    """The note, if there is one (it is gone after this, whatever it says)."""
    path = folder / NAME
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        path.unlink()
    except OSError as exc:  # a note that cannot be taken away could outlive the state it describes
        log.warning("search index: cannot remove %s (%s); checking every article", path, exc)
        return None
    try:
        note = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return note if isinstance(note, dict) else None


def leave(folder: Path, note: dict) -> None:
    """Write the note (whole or not at all). A failure only costs the next open its shortcut."""
    path, tmp = folder / NAME, folder / f".{NAME}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(orjson.dumps(note))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        log.info("search index: no note of a clean close (%s); the next start checks every article", exc)
        tmp.unlink(missing_ok=True)
