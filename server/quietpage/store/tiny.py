"""TinyDB, as we use it: its API and document model on a journal + snapshot storage.

`Database` is a TinyDB whose tables (`JournalTable`) use random string ids and update in place,
and whose storage (`JournalStorage`) appends each change to an fsynced journal and compacts it
into an atomic snapshot in the background. See table.py and storage.py.
"""
from __future__ import annotations

from pathlib import Path

from tinydb import TinyDB
from tinydb.table import Document

from .storage import JournalStorage
from .table import JournalTable, new_id

__all__ = ["Database", "document", "open_database", "new_id"]


class Database(TinyDB):
    table_class = JournalTable
    default_storage_class = JournalStorage

    @property
    def storage(self) -> JournalStorage:
        return self._storage


def open_database(path: Path, **options) -> Database:
    """Open (or create) the database at `path`: reads the snapshot and replays the journal.
    Raises CorruptData, touching nothing, if they cannot be read. Options: see JournalStorage."""
    return Database(path, storage=JournalStorage, **options)


def document(doc_id: str, record: dict) -> Document:
    """A record to insert under a chosen id (an "id" field in it is the id, not data)."""
    return Document({k: v for k, v in record.items() if k != "id"}, doc_id=doc_id)
