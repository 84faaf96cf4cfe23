"""How the storage is doing, for /api/health: "ok", or "degraded" and why, in a sentence.

The storage knows its own troubles (a journal it cannot trust, a compaction or backup that
failed: JournalStorage.health); the disk's are read here, from statvfs: mounted read-only, too
little space left for a save, or no room for a new file (every save writes new files).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOM_BYTES = 1024 * 1024  # less than this free and a save would likely fail
ROOM_FILES = 16           # new files (a save writes three)


@dataclass(frozen=True)
class Health:
    status: str               # "ok" or "degraded"
    reason: str | None = None  # a sentence, when degraded

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_json(self) -> dict:
        return {"status": self.status, **({"reason": self.reason} if self.reason else {})}


OK = Health("ok")


def disk_health(folder: Path) -> Health:
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):  # gone, or no statvfs (Windows): nothing to tell
        return OK
    if st.f_flag & getattr(os, "ST_RDONLY", 1):
        return Health("degraded", f"The disk where QuietPage keeps {folder} is read-only: saving fails "
                                  "until it can be written again; reading works.")
    free = st.f_bavail * st.f_frsize
    if free < ROOM_BYTES:
        return Health("degraded", f"The disk is full ({free // 1024} KiB left where QuietPage keeps {folder}): "
                                  "saving fails until some space is freed; reading works.")
    if st.f_files and st.f_favail < ROOM_FILES:
        return Health("degraded", f"The disk has no room for new files where QuietPage keeps {folder}: saving "
                                  "fails until some files are deleted; reading works.")
    return OK
