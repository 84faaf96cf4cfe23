"""Which format a file is, and its items. Each format is one pure module: pocket (CSV),
omnivore (zip / folder / metadata JSON), bookmarks (Netscape HTML); our own backup is
../backup.py. Detection looks at the content, never only at the file name."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import backup
from ..items import ImportFormatError, ImportLimits
from . import bookmarks, omnivore, pocket
from .bundle import Budget, Bundle, Capped

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


def open_source(path: Path, limits: ImportLimits) -> Source:
    """What `path` (a file or a folder) holds; ImportFormatError if it is none of FORMATS. Every
    format is read as a stream, within `limits` (per entry, per file, in all, and items)."""
    path = Path(path)
    name = path.name
    if path.is_dir():
        return _bundle_source(path, limits)
    try:
        with open(path, "rb") as f:
            head = f.read(65536)
    except OSError as exc:
        raise ImportFormatError(name, f"cannot be read ({exc.strerror})") from None
    if head.startswith(ZIP_MAGIC):
        return _bundle_source(path, limits)
    if backup.looks_like(head):
        return _source("quietpage", name, limits, lambda: backup.read(path, limits))
    text_head = head.decode("utf-8", "replace").lstrip("\ufeff").lstrip()
    if text_head.startswith("["):
        return _file_source("omnivore", path, limits, lambda f: omnivore.parse_list(name, f, limits))
    if text_head.startswith("{"):
        raise ImportFormatError(name, f"is JSON but not a QuietPage backup; expected {EXPECTED}")
    if bookmarks.looks_like(text_head):
        return _file_source("bookmarks", path, limits, lambda f: bookmarks.parse(name, f, limits))
    if pocket.looks_like(text_head):
        return _file_source("pocket", path, limits, lambda f: pocket.parse([(name, f)], limits))
    raise ImportFormatError(name, f"is not a file QuietPage can import; expected {EXPECTED}")


def _bundle_source(path: Path, limits: ImportLimits) -> Source:
    with Bundle(path, limits) as probe:
        names = probe.names()
    if omnivore.is_omnivore(names):
        return _source("omnivore", path.name, limits, lambda: _with_bundle(path, limits, omnivore.parse_bundle))
    if any(n.lower().endswith(".csv") for n in names):
        return _source("pocket", path.name, limits, lambda: _with_bundle(path, limits, _pocket_bundle))
    raise ImportFormatError(path.name, "holds neither Omnivore's metadata_*.json files nor Pocket's "
                            f"CSV files; expected {EXPECTED}")


def _source(fmt: str, name: str, limits: ImportLimits, items: Callable[[], Iterator]) -> Source:
    def counted() -> Iterator:
        for n, item in enumerate(items(), 1):
            if n > limits.max_items:
                raise ImportFormatError(name, f"holds more than {limits.max_items} articles, more than one import "
                                        "may bring (max_import_items)")
            yield item
    return Source(fmt, counted)


def _file_source(fmt: str, path: Path, limits: ImportLimits, parse: Callable) -> Source:
    def items() -> Iterator:
        with Capped(open(path, "rb"), path.name, limits.max_member_bytes, Budget(limits.max_expanded_bytes),
                    "max_import_member_bytes") as f:
            yield from parse(f)
    return _source(fmt, path.name, limits, items)


def _with_bundle(path: Path, limits: ImportLimits, parse) -> Iterator:
    with Bundle(path, limits) as bundle:
        yield from parse(bundle)


def _pocket_bundle(bundle: Bundle) -> Iterator:
    for name in (n for n in bundle.names() if n.lower().endswith(".csv")):
        with bundle.open(name) as f:
            yield from pocket.parse([(name, f)], bundle.limits)
