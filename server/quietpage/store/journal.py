"""The append-only journal: one framed record per committed change, durable before it counts.

A journal file `quietpage.journal.<generation>` starts with a header record, then holds change
records in commit order. Each record is framed so that a torn write is detected:

    b"QJ" | payload length (u32, little-endian) | CRC-32 of the payload (u32) | payload

Only the last record can be torn (appends are sequential and fsynced): `scan` drops a bad
record at the end of the file, and refuses a damaged one that more records follow.

`JournalWriter` appends to the current file and makes records durable: at once (one fsync per
record), or, with group commit, when someone waits for them (`sync_to`), so one fsync covers
every record written while the previous fsync ran.

A record the disk refuses (a full disk) is cut off again at once, so the file ends with whole
records and the next append starts clean: nothing is poisoned, and appends resume as soon as
there is room. Only when the disk cannot be trusted any more - an fsync failed, or a refused
record could not be cut off - does the writer refuse (`failed`) until the storage has written
everything it holds somewhere else (JournalStorage.heal) and restarts it on a new file.
"""
from __future__ import annotations

import os
import struct
import threading
import zlib
from pathlib import Path

import orjson

from ..errors import StorageError
from .files import atomic_write, storage_error

MAGIC = b"QJ"
HEAD = struct.Struct("<2sII")
FORMAT = 1  # of the header record


class JournalDamaged(Exception):
    """A record in the middle of the journal is unreadable: not a torn tail, real damage."""

    def __init__(self, offset: int, reason: str):
        super().__init__(f"{reason} at byte {offset}")
        self.offset = offset


def frame(payload: bytes) -> bytes:
    return HEAD.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload


def scan(data) -> tuple[list[bytes], int, str | None]:
    """The payloads of the complete records in `data` (bytes or mmap), the length of that valid
    prefix, and why the rest was dropped (None when nothing was)."""
    out: list[bytes] = []
    pos, n = 0, len(data)
    while pos < n:
        if n - pos < HEAD.size:
            return out, pos, "a torn record header"
        magic, length, crc = HEAD.unpack_from(data, pos)
        end = pos + HEAD.size + length
        if magic != MAGIC:
            if not data[pos:].strip(b"\0"):
                return out, pos, "a zero-filled tail"
            raise JournalDamaged(pos, "an unreadable record marker")
        if end > n:
            return out, pos, "a torn record"
        payload = data[pos + HEAD.size:end]
        if zlib.crc32(payload) != crc:
            if end == n:
                return out, pos, "a torn record"
            raise JournalDamaged(pos, "a record whose checksum does not match")
        out.append(payload)
        pos = end
    return out, pos, None


def header_payload(generation: int, schema: int) -> bytes:
    return orjson.dumps({"quietpage_journal": FORMAT, "generation": generation, "schema": schema})


def parse_header(payload: bytes) -> dict:
    head = orjson.loads(payload)
    if not isinstance(head, dict) or head.get("quietpage_journal") != FORMAT:
        raise ValueError("the first record is not a QuietPage journal header")
    return head


class JournalFile:
    """One journal file open for appending."""

    def __init__(self, path: Path, size: int):
        self.path = path
        self.size = size
        self.intact = True  # False once a refused record could not be cut off again
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
        self.inode = os.fstat(self._fd).st_ino

    @classmethod
    def create(cls, path: Path, generation: int, schema: int) -> "JournalFile":
        """A new journal holding only its header, created atomically (it exists whole or not)."""
        data = frame(header_payload(generation, schema))
        atomic_write(path, data)
        return cls(path, len(data))

    def write(self, record: bytes) -> None:
        try:
            written = os.write(self._fd, record)
            while written < len(record):  # a short write (rare: a signal, a full disk)
                written += os.write(self._fd, record[written:])
        except BaseException:
            try:
                os.ftruncate(self._fd, self.size)  # leave no half record behind us
            except OSError:
                self.intact = False
            raise
        self.size += len(record)

    def fsync(self) -> None:
        os.fsync(self._fd)

    def linked(self) -> bool:
        """Whether the file is still in its folder (not deleted while we write to it)."""
        return os.fstat(self._fd).st_nlink > 0

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class JournalWriter:
    """Appends change records and tells when they are durable.

    Marks count records: `append` returns the record's mark, `sync_to(mark)` returns once that
    record (and every one before it) is on disk. Only the store thread appends; `sync_to` may
    run on another thread. A record the disk refuses raises, and is not in the file. A record
    that is whole in the file counts as made: if its fsync fails, the writer is `failed` (memory
    holds changes the disk has not confirmed) and refuses everything until `restart`.
    """

    def __init__(self, file: JournalFile, *, group_commit: bool):
        self.group_commit = group_commit
        self._file = file
        self._lock = threading.Lock()       # guards _file and written
        self._sync_lock = threading.Lock()  # one fsync at a time; held while switching files
        self.written = 0
        self.synced = 0
        self.failed: BaseException | None = None

    @property
    def size(self) -> int:
        return self._file.size

    @property
    def file(self) -> JournalFile:
        return self._file

    def append(self, payload: bytes) -> int:
        """Write one record; raises (OSError) if the disk refused it, which is then not in the
        file. Without group commit, fsyncs it too: a failed fsync does not raise here (the change
        is made), it leaves the writer `failed`, which the durability barrier reports."""
        self.check()
        with self._lock:
            try:
                self._file.write(frame(payload))
            except BaseException as exc:
                if not self._file.intact:
                    self.failed = exc
                raise
            self.written += 1
            mark = self.written
        if not self.group_commit:
            try:
                self.sync_to(mark)
            except StorageError:
                pass  # self.failed says so
        return mark

    def is_durable(self, mark: int) -> bool:
        return self.synced >= mark and self.failed is None

    def sync_to(self, mark: int) -> None:
        """Block until record `mark` is durable: one fsync covers all records written so far."""
        if self.is_durable(mark):
            return
        with self._sync_lock:
            self.check()
            if self.synced >= mark:
                return
            with self._lock:
                file, target = self._file, self.written
            try:
                file.fsync()
            except BaseException as exc:
                self.failed = exc
                raise storage_error(exc, file.path.parent, kept=True) from exc
            self.synced = max(self.synced, target)

    def switch(self, new: JournalFile) -> JournalFile:
        """Make `new` (already durable, with its header) the file that records go to. The old
        file is fsynced and closed first, so everything written to it is durable."""
        with self._sync_lock, self._lock:
            old = self._file
            try:
                old.fsync()
            except OSError as exc:
                self.failed = exc
                raise
            self._file = new
            self.synced = self.written
        old.close()
        return old

    def restart(self, new: JournalFile) -> None:
        """Go on in `new`, once everything written so far is durable elsewhere (a snapshot the
        storage just wrote): the old file is closed unsynced and the failure forgotten."""
        with self._sync_lock, self._lock:
            old, self._file = self._file, new
            self.synced = self.written
            self.failed = None
        old.close()

    def check(self) -> None:
        """Raise (StorageError, a sentence) if the writer has failed."""
        if self.failed is not None:
            raise storage_error(self.failed, self._file.path.parent, kept=True)

    def close(self) -> None:
        with self._sync_lock, self._lock:
            try:
                if self.failed is None and self.synced < self.written:
                    self._file.fsync()
                    self.synced = self.written
            finally:
                self._file.close()
