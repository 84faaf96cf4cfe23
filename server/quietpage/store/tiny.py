"""TinyDB, as we use it: string ids, an in-memory copy of the data, atomic file writes.

TinyDB's stock JSONStorage rewrites its file in place (a crash mid-write leaves an unreadable
file) and re-reads the whole file on every read. This storage keeps the data in memory, reads
the file once, and writes every change atomically (temp file, fsync, rename, fsync dir).
"""
from __future__ import annotations

import secrets
from pathlib import Path

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from ..errors import CorruptData
from .files import atomic_write

ID_BYTES = 9  # 12 url-safe characters: short enough for URLs, 72 random bits


def new_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


class AtomicJSONStorage(Storage):
    def __init__(self, path: str | Path, **_ignored):
        self.path = Path(path)
        self._data: dict | None = None

    def read(self) -> dict | None:
        if self._data is None:
            if not self.path.exists():
                return None
            raw = self.path.read_bytes()
            if not raw.strip():
                return None
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise CorruptData(
                    f"The database file {self.path} is not valid JSON ({exc}). It was left "
                    "untouched: restore it from a backup or move it away to start empty."
                ) from exc
            if not isinstance(data, dict):
                raise CorruptData(f"The database file {self.path} does not hold a JSON object.")
            self._data = data
        # A shallow copy: TinyDB replaces whole tables in what read() returned before writing.
        return dict(self._data)

    def write(self, data: dict) -> None:
        try:
            atomic_write(self.path, orjson.dumps(data))
        except BaseException:
            self._data = None  # memory may hold the failed change: reload from disk next time
            raise
        self._data = data

    def close(self) -> None:
        self._data = None


class StrIdTable(Table):
    """Documents keyed by random string ids (TinyDB's int ids are reused after deletes)."""

    document_id_class = str

    def _get_next_id(self):
        return new_id()


class Database(TinyDB):
    table_class = StrIdTable
    default_storage_class = AtomicJSONStorage


def open_database(path: Path) -> Database:
    db = Database(path, storage=AtomicJSONStorage)
    db.storage.read()  # fail now, with a clear message, if the file is unreadable
    return db
