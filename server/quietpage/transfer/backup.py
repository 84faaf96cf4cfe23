"""QuietPage's own JSON backup: everything needed to get a library back, in one JSON document
laid out one article per line, so that it is written and read as a stream:

    {"quietpage_backup":{"format":1,"app":"quietpage 0.1.0","exported_at":"...","articles":2},
    "settings":{"trash_ttl_s":2592000},
    "articles":[
    {"article":{...the record...},"content_html":"...","text":"...","raw_html":"...","highlights":[...]},
    {"article":{...},...}
    ]}

Records keep every field but the store's own bookkeeping (rev, url_key); highlights every field
but their article_id (they sit under their article). Ids are kept, so a restored library keeps
its /read/{id} links. Keys are sorted and articles ordered by (saved time, URL), so the same library
gives the same bytes. A backup reformatted by another tool (e.g. `jq .`) is still read, whole.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from .. import __version__
from ..library import COLORS, STATES
from ..reader.limits import html_depth
from ..reader.parse import parse_fragment
from ..reader.sanitize import sanitize
from ..reader.text import block_text
from .items import ImportFormatError, checked_url

KEY = "quietpage_backup"
FORMAT = 1
# The store's own bookkeeping, not the user's data. Ids are kept: a restored library keeps its
# /read/{id} links and highlight ids (when they are free in the library restored into).
STORE_FIELDS = frozenset({"rev", "url_key"})
HIGHLIGHT_STORE_FIELDS = frozenset({"article_id"})
HIGHLIGHT_STATUSES = ("anchored", "orphan")
_DUMP = orjson.OPT_SORT_KEYS


@dataclass(frozen=True)
class BackupEntry:
    where: str
    record: dict
    body: dict  # content_html, text
    raw_html: str
    highlights: list[dict]

    @property
    def url(self) -> str:
        return self.record["url"]


# ---------------------------------------------------------------------- writing
def header(exported_at: str, count: int, settings: dict) -> bytes:
    head = {"format": FORMAT, "app": f"quietpage {__version__}", "exported_at": exported_at, "articles": count}
    return (b'{"' + KEY.encode() + b'":' + orjson.dumps(head, option=_DUMP) + b",\n"
            + b'"settings":' + orjson.dumps(settings, option=_DUMP) + b",\n" + b'"articles":[\n')


def entry(record: dict, body: dict, raw_html: str, highlights: list[dict], *, first: bool) -> bytes:
    doc = {
        "article": {k: v for k, v in record.items() if k not in STORE_FIELDS},
        "content_html": body.get("content_html") or "", "text": body.get("text") or "",
        "raw_html": raw_html,
        "highlights": sorted(({k: v for k, v in h.items() if k not in HIGHLIGHT_STORE_FIELDS} for h in highlights),
                             key=lambda h: (h.get("created_at") or "", orjson.dumps(h, option=_DUMP))),
    }
    return (b"" if first else b",\n") + orjson.dumps(doc, option=_DUMP)


FOOTER = b"\n]}\n"


# ---------------------------------------------------------------------- reading
def looks_like(head: bytes) -> bool:
    return head.lstrip()[:1] == b"{" and KEY.encode() in head[:4096]


@dataclass(frozen=True)
class EntryLimits:
    """What a backup entry may hold (from Settings): a backup is a file from anywhere."""
    max_html_depth: int
    max_highlights: int


def read(path: Path, max_whole_bytes: int, limits: EntryLimits) -> Iterator[BackupEntry]:
    """The entries of a backup file, one line at a time (or whole, if it was reformatted)."""
    with open(path, "rb") as f:
        first = f.readline()
        if not first.startswith(b'{"' + KEY.encode() + b'":'):
            f.seek(0)
            yield from _read_whole(f, path, max_whole_bytes, limits)
            return
        _check_header(orjson_loads(b"{" + first.rstrip()[1:].rstrip(b",") + b"}", "line 1"), "line 1")
        lineno = 1
        for line in f:
            lineno += 1
            line = line.strip()
            if line.startswith(b'"settings":') or line == b'"articles":[' or not line:
                continue
            if line == b"]}":
                return
            doc = orjson_loads(line.rstrip(b","), f"line {lineno}")
            yield check_entry(doc, f"line {lineno}", limits)
        raise ImportFormatError(f"line {lineno}", "the backup ends early (no closing ']}'): it was cut off")


def _read_whole(f, path: Path, max_whole_bytes: int, limits: EntryLimits) -> Iterator[BackupEntry]:
    if path.stat().st_size > max_whole_bytes:
        raise ImportFormatError(path.name, "this backup was reformatted (not one article per line) and is "
                                "too large to read whole; export it again from QuietPage")
    data = orjson_loads(f.read(), path.name)
    if not isinstance(data, dict):
        raise ImportFormatError(path.name, "is not a QuietPage backup (not a JSON object)")
    _check_header(data, path.name)
    articles = data.get("articles")
    if not isinstance(articles, list):
        raise ImportFormatError(path.name, "has no 'articles' list")
    for i, doc in enumerate(articles, 1):
        yield check_entry(doc, f"article {i}", limits)


def orjson_loads(raw: bytes, where: str):
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ImportFormatError(where, f"is not valid JSON ({exc})") from None


def _check_header(data: dict, where: str) -> None:
    head = data.get(KEY)
    if not isinstance(head, dict) or not isinstance(head.get("format"), int):
        raise ImportFormatError(where, "is not a QuietPage backup header")
    if head["format"] > FORMAT:
        raise ImportFormatError(where, f"the backup has format {head['format']}, newer than this QuietPage "
                                f"reads ({FORMAT}); upgrade QuietPage first")


def check_entry(doc, where: str, limits: EntryLimits) -> BackupEntry:
    if not isinstance(doc, dict) or not isinstance(doc.get("article"), dict):
        raise ImportFormatError(where, "an article entry must be an object with an 'article' record")
    record = dict(doc["article"])
    record["url"] = checked_url(where, record.get("url"))
    record.setdefault("state", "unread")
    record.setdefault("tags", [])
    for name in ("created_at", "updated_at"):
        if not isinstance(record.get(name), str):
            raise ImportFormatError(where, f"the article's '{name}' must be a date string")
    if record.get("state", "unread") not in STATES:
        raise ImportFormatError(where, f"the article's state must be one of {', '.join(STATES)}")
    tags = record.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, dict) and isinstance(t.get("name"), str) for t in tags):
        raise ImportFormatError(where, "the article's 'tags' must be a list of {name, ...} objects")
    for name in ("content_html", "text", "raw_html"):
        if not isinstance(doc.get(name, ""), str):
            raise ImportFormatError(where, f"'{name}' must be a string")
    highlights = doc.get("highlights", [])
    if not isinstance(highlights, list):
        raise ImportFormatError(where, "'highlights' must be a list")
    if len(highlights) > limits.max_highlights:
        raise ImportFormatError(where, f"has {len(highlights)} highlights, more than one article may hold "
                                f"({limits.max_highlights}, the max_highlights_per_article setting)")
    for j, h in enumerate(highlights, 1):
        _check_highlight(h, f"{where}, highlight {j}")
    body = _safe_body(doc.get("content_html", ""), doc.get("text", ""), where, limits)
    return BackupEntry(where, record, body, doc.get("raw_html", ""), [dict(h) for h in highlights])


def _safe_body(content_html: str, text: str, where: str, limits: EntryLimits) -> dict:
    """The reader view as we would have made it: a backup file is untrusted input, so its HTML
    goes through the same depth limit and sanitiser as a captured page (a genuine backup comes
    out unchanged; a doctored one loses its script, and its text is derived again)."""
    if html_depth(content_html, stop_at=limits.max_html_depth) > limits.max_html_depth:
        raise ImportFormatError(where, f"its reader HTML nests more than {limits.max_html_depth} levels deep "
                                "(the max_html_depth setting)")
    clean = sanitize(content_html)
    if clean == content_html:
        return {"content_html": content_html, "text": text}
    return {"content_html": clean, "text": block_text(parse_fragment(clean)) if clean.strip() else ""}


def _check_highlight(h, where: str) -> None:
    if not isinstance(h, dict):
        raise ImportFormatError(where, "must be an object")
    selectors = h.get("selectors")
    if not isinstance(selectors, list) or not selectors or not all(isinstance(s, dict) for s in selectors):
        raise ImportFormatError(where, "needs a non-empty 'selectors' list")
    if h.get("color", "yellow") not in COLORS:
        raise ImportFormatError(where, f"'color' must be one of {', '.join(COLORS)}")
    if h.get("status", "anchored") not in HIGHLIGHT_STATUSES or not isinstance(h.get("note", ""), str):
        raise ImportFormatError(where, "has a wrong 'status' or 'note'")
    if not isinstance(h.get("created_at"), str):
        raise ImportFormatError(where, "'created_at' must be a date string")
