"""Which format a file is, and its items. Each format is one pure module: pocket (CSV),
omnivore (zip / folder / metadata JSON), bookmarks (Netscape HTML); our own backup is
../backup.py. Detection looks at the content, never only at the file name."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import backup
from ..items import ImportFormatError
from . import bookmarks, omnivore, pocket
from .bundle import Bundle

FORMATS = ("quietpage", "pocket", "omnivore", "bookmarks")
ZIP_MAGIC = b"PK\x03\x04"
EXPECTED = ("a QuietPage JSON backup, Pocket's CSV (or its export zip), Omnivore's export zip or "
            "folder, or a browser bookmarks HTML file")


@dataclass
class Source:
    format: str
    # A fresh iterator over the items each time it is called (an import reads twice: first to
    # check every entry, then to apply them). Items are ImportItem, or BackupEntry for "quietpage".
    items: Callable[[], Iterator]


def open_source(path: Path, *, max_member_bytes: int, max_backup_whole_bytes: int,
                entry_limits: backup.EntryLimits) -> Source:
    """What `path` (a file or a folder) holds; ImportFormatError if it is none of FORMATS."""
    path = Path(path)
    name = path.name
    if path.is_dir():
        return _bundle_source(path, max_member_bytes)
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
    except OSError as exc:
        raise ImportFormatError(name, f"cannot be read ({exc.strerror})") from None
    if head.startswith(ZIP_MAGIC):
        return _bundle_source(path, max_member_bytes)
    if backup.looks_like(head):
        return Source("quietpage", lambda: backup.read(path, max_backup_whole_bytes, entry_limits))
    text_head = head.decode("utf-8", "replace").lstrip("\ufeff").lstrip()
    if text_head.startswith("["):
        return Source("omnivore", lambda: omnivore.parse_list(name, _text(path, max_member_bytes)))
    if text_head.startswith("{"):
        raise ImportFormatError(name, f"is JSON but not a QuietPage backup; expected {EXPECTED}")
    if bookmarks.looks_like(text_head):
        return Source("bookmarks", lambda: bookmarks.parse(name, _text(path, max_member_bytes)))
    if pocket.looks_like(text_head):
        return Source("pocket", lambda: pocket.parse([(name, _text(path, max_member_bytes))]))
    raise ImportFormatError(name, f"is not a file QuietPage can import; expected {EXPECTED}")


def _bundle_source(path: Path, max_member_bytes: int) -> Source:
    with Bundle(path, max_member_bytes) as probe:
        names = probe.names()
    if omnivore.is_omnivore(names):
        return Source("omnivore", lambda: _with_bundle(path, max_member_bytes, omnivore.parse_bundle))
    if any(n.lower().endswith(".csv") for n in names):
        return Source("pocket", lambda: _with_bundle(path, max_member_bytes, _pocket_bundle))
    raise ImportFormatError(path.name, "holds neither Omnivore's metadata_*.json files nor Pocket's "
                            f"CSV files; expected {EXPECTED}")


def _with_bundle(path: Path, max_member_bytes: int, parse) -> Iterator:
    with Bundle(path, max_member_bytes) as bundle:
        yield from parse(bundle)


def _pocket_bundle(bundle: Bundle) -> Iterator:
    csvs = [n for n in bundle.names() if n.lower().endswith(".csv")]
    return pocket.parse((n, bundle.text(n)) for n in csvs)


def _text(path: Path, max_bytes: int) -> str:
    if path.stat().st_size > max_bytes:
        raise ImportFormatError(path.name, f"is larger than {max_bytes // (1024 * 1024)} MiB "
                                "(max_import_member_bytes)")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(path.name, f"is not UTF-8 text (byte {exc.start})") from None
