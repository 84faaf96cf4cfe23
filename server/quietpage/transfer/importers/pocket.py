"""Pocket's export: a CSV with the columns title,url,time_added,tags,status (tags separated by
'|', status 'unread' or 'archive'), alone or as part_*.csv files in the export zip. Instapaper's
CSV (URL,Title,Selection,Folder,Timestamp,Tags) is read the same way. No content: every item
is stored to be fetched later."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from ..items import (ImportFormatError, ImportItem, checked_url, clean_tags, clean_title,
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


def looks_like(head: str) -> bool:
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    names = {c.strip().strip('"').lower() for c in first.split(",")}
    return "url" in names


def parse(texts: Iterable[tuple[str, str]]) -> Iterator[ImportItem]:
    """Items from (file name, CSV text) pairs."""
    for name, text in texts:
        yield from _parse_one(name, text)


def _parse_one(name: str, text: str) -> Iterator[ImportItem]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ImportFormatError(f"{name}, line 1", f"not CSV ({exc})") from None
    if not header:
        return
    index = _columns(name, header)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(f"{name}, line {reader.line_num}", f"not valid CSV ({exc})") from None
        if not any(cell.strip() for cell in row):
            continue
        yield _item(f"{name}, line {reader.line_num}", index, row)


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


def _item(where: str, index: dict[str, int], row: list[str]) -> ImportItem:
    def cell(field: str) -> str:
        i = index.get(field)
        return row[i].strip() if i is not None and i < len(row) else ""

    tags = cell("tags")
    status = cell("status").lower()
    return ImportItem(
        where=where, url=checked_url(where, cell("url")), title=clean_title(cell("title")),
        tags=clean_tags(t.strip("[]\"' ") for t in (tags.split("|") if "|" in tags else tags.split(","))),
        state="archived" if status in ARCHIVED else "unread",
        saved_at=iso_from_epoch(where, cell("time")), excerpt=cell("excerpt")[:2000] or None,
        source="pocket")
