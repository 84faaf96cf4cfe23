"""Schema versions of the database, and the numbered migrations between them.

TinyDB has no schema. The snapshot carries a version number; at start-up, before anything is
served, a database older than SCHEMA_VERSION is backed up, migrated step by step on its raw
tables (dicts of documents), and written once, atomically, as a new snapshot.

To change the schema: add `def _vN_to_vN1(tables, data_dir)` below, register it in MIGRATIONS
under N, bump SCHEMA_VERSION, and add a test that opens a version-N database.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
ARTICLES, SEARCH_TEXT = "articles", "search_text"

Tables = dict[str, dict[str, dict]]


def _v1_to_v2(tables: Tables, data_dir: Path) -> Tables:
    """Version 2 keeps per-article documents the library derives (its search words) in the
    table `search_text`; the library fills in what is missing when it opens the store."""
    tables.setdefault(SEARCH_TEXT, {})
    return tables


def _v2_to_v3(tables: Tables, data_dir: Path) -> Tables:
    """Version 3 drops `search_text`: search moved to the library's full-text index, a cache kept
    beside the records (and rebuilt from them), so the records hold nothing derived."""
    tables.pop(SEARCH_TEXT, None)
    return tables


MIGRATIONS: dict[int, Callable[[Tables, Path], Tables]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
}


def migrate(tables: Tables, version: int, data_dir: Path) -> Tables:
    """Apply every migration from `version` up to SCHEMA_VERSION, in order."""
    while version < SCHEMA_VERSION:
        log.info("migrating the database from schema %d to %d", version, version + 1)
        tables = MIGRATIONS[version](tables, data_dir)
        version += 1
    return tables
