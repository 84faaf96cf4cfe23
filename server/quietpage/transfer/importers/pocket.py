"""Pocket's export: a CSV with the columns title,url,time_added,tags,status (tags separated by
'|', status 'unread' or 'archive'), alone or as part_*.csv files in the export zip. Instapaper's
CSV (URL,Title,Selection,Folder,Timestamp,Tags) is read the same way. No content: every item
is stored to be fetched later."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from ..items import (ImportFormatError, ImportItem, ImportLimits, checked_url, clean_tags, clean_title,
                     iso_from_epoch)

# Our field <- the column names the tools use (compared case-insensitively).
COLUMNS = {
    "url": ("url",),
    "title": ("title",),
    "time": ("time_added", "timestamp"),
    "tags": ("tags",),
    "status": ("status", "folder"),
    "excerpt": ("selection",),
}
ARCHIVED = {"archive", "archived", "read"}
MAX_ROW_CHARS = 1 << 20  # a row: an address, a title, tags... (a cell is capped at 128 Ki by csv)


def looks_like(head: str) -> bool:
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    names = {c.strip().strip('"').lower() for c in first.split(",")}
    return "url" in names


def parse(files: Iterable[tuple[str, object]], limits: ImportLimits) -> Iterator[ImportItem]:
    """Items from (file name, binary stream) pairs, read a row at a time."""
    for name, f in files:
        yield from _parse_one(name, f, limits)


def _parse_one(name: str, f, limits: ImportLimits) -> Iterator[ImportItem]:
    lines = _Lines(io.TextIOWrapper(io.BufferedReader(f), encoding="utf-8-sig", newline=""), name, MAX_ROW_CHARS)
    reader = csv.reader(lines)
    index = None
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(f"{name}, line {reader.line_num}", f"not valid CSV ({exc})") from None
        except UnicodeDecodeError as exc:
            raise ImportFormatError(name, f"is not UTF-8 text (near line {reader.line_num + 1}: {exc.reason})") from None
        lines.row_done()
        if index is None:
            if not row:
                return
            index = _columns(name, row)
            continue
        if not any(cell.strip() for cell in row):
            continue
        yield _item(f"{name}, line {reader.line_num}", index, row, limits)


class _Lines:
    """The lines of a text stream for csv.reader, refusing a row longer than `cap` characters
    (one line, or several when a quoted cell holds line breaks)."""

    def __init__(self, text, name: str, cap: int):
        self.text, self.name, self.cap = text, name, cap
        self.in_row = 0
        self.line = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.cap + 1)
        if not line:
            raise StopIteration
        self.line += 1
        self.in_row += len(line)
        if self.in_row > self.cap:
            raise ImportFormatError(f"{self.name}, line {self.line}", f"a row is longer than {self.cap} characters")
        return line

    def row_done(self) -> None:
        self.in_row = 0


def _columns(name: str, header: list[str]) -> dict[str, int]:
    lower = [h.strip().lower() for h in header]
    index = {}
    for ours, theirs in COLUMNS.items():
        for column in theirs:
            if column in lower:
                index[ours] = lower.index(column)
                break
    if "url" not in index:
        raise ImportFormatError(f"{name}, line 1", "there is no 'url' column (a Pocket export has "
                                "title,url,time_added,tags,status)")
    return index


def _item(where: str, index: dict[str, int], row: list[str], limits: ImportLimits) -> ImportItem:
    def cell(field: str) -> str:
        i = index.get(field)
        return row[i].strip() if i is not None and i < len(row) else ""

    tags = cell("tags")
    status = cell("status").lower()
    return ImportItem(
        where=where, url=checked_url(where, cell("url"), limits.max_url_chars), title=clean_title(cell("title")),
        tags=clean_tags((t.strip("[]\"' ") for t in (tags.split("|") if "|" in tags else tags.split(","))), limits),
        state="archived" if status in ARCHIVED else "unread",
        saved_at=iso_from_epoch(where, cell("time")), excerpt=cell("excerpt")[:2000] or None,
        source="pocket")
