"""QuietPage's own JSON backup: everything needed to get a library back, in one JSON document
laid out one image or article per line, so that it is written and read as a stream:

    {"quietpage_backup":{"format":2,"app":"quietpage 0.1.0","exported_at":"...","articles":2},
    "settings":{"trash_ttl_s":2592000},
    "images":[
    {"image":{"file":"<sha256>.png","type":"image/png","data":"<base64>"}},
    ],
    "articles":[
    {"article":{...the record...},"content_html":"...","text":"...","raw_html":"...","highlights":[...],
     "images":[{"url":"...","file":"<sha256>.png","width":640,"height":480,"bytes":12345}, ...]},
    {"article":{...},...}
    ]}

Images come first, each once however many articles show it, so an import writes every file
before the records that name it. (Format 1, without images, is read too.)

Records keep every field but the store's own bookkeeping (rev, url_key); highlights every field
but their article_id (they sit under their article). Ids are kept, so a restored library keeps
its /read/{id} links. Keys are sorted and articles ordered by (saved time, URL), so the same library
gives the same bytes. A backup reformatted by another tool (`jq .`, `jq -S .`) is still read,
as a stream too. Reading trusts nothing: each entry is bounded (bytes, values), rebuilt field by
field (schema.py), its reader HTML limited, depth-checked and sanitised, before anything is written.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from .. import __version__
from ..reader.limits import html_depth
from ..reader.parse import parse_fragment
from ..reader.sanitize import sanitize
from ..reader.text import block_text
from ..store.images import is_name, type_of
from . import jsonstream, schema
from .imagecheck import ImageRefused, inspect
from .items import ImportFormatError, ImportLimits

KEY = "quietpage_backup"
FORMAT = 2
# The store's own bookkeeping, not the user's data. Ids are kept: a restored library keeps its
# /read/{id} links and highlight ids (when they are free in the library restored into).
STORE_FIELDS = frozenset({"rev", "url_key", "capture_rev"})
HIGHLIGHT_STORE_FIELDS = frozenset({"article_id"})
_DUMP = orjson.OPT_SORT_KEYS
# Elements of an imported reader view: a whole book on one page is ~30,000. Sanitising costs
# ~400 bytes of memory per element, so this (with max_html_chars) bounds an import's memory.
MAX_READER_ELEMENTS = 100_000


@dataclass(frozen=True)
class BackupEntry:
    where: str
    record: dict
    body: dict  # content_html, text
    raw_html: str
    highlights: list[dict]
    images: list[dict] = ()  # {url, file, width, height, bytes} or {url, error, code}

    @property
    def url(self) -> str:
        return self.record["url"]


# ---------------------------------------------------------------------- writing
@dataclass(frozen=True)
class BackupImage:
    """An image file of a backup, checked: its bytes are an image of the type its name says,
    and the name is their SHA-256."""
    where: str
    file: str
    type: str
    data: bytes


def header(exported_at: str, count: int, settings: dict) -> bytes:
    head = {"format": FORMAT, "app": f"quietpage {__version__}", "exported_at": exported_at, "articles": count}
    return (b'{"' + KEY.encode() + b'":' + orjson.dumps(head, option=_DUMP) + b",\n"
            + b'"settings":' + orjson.dumps(settings, option=_DUMP) + b",\n" + IMAGES_OPEN)


IMAGES_OPEN = b'"images":[\n'
ARTICLES_OPEN = b'"articles":[\n'


def image_line(name: str, data: bytes, *, first: bool) -> bytes:
    doc = {"image": {"file": name, "type": type_of(name), "data": base64.b64encode(data).decode("ascii")}}
    return (b"" if first else b",\n") + orjson.dumps(doc, option=_DUMP)


def images_close(any_written: bool) -> bytes:
    return (b"\n" if any_written else b"") + b"],\n" + ARTICLES_OPEN


def entry(record: dict, body: dict, raw_html: str, highlights: list[dict], images: list[dict] = (), *,
          first: bool) -> bytes:
    doc = {
        "images": [image_item(i) for i in images],
        "article": {k: v for k, v in record.items() if k not in STORE_FIELDS},
        "content_html": body.get("content_html") or "", "text": body.get("text") or "",
        "raw_html": raw_html,
        **({"missing": body["missing"]} if body.get("missing") else {}),  # files gone or damaged: said, in sentences
        "highlights": sorted(({k: v for k, v in h.items() if k not in HIGHLIGHT_STORE_FIELDS} for h in highlights),
                             key=lambda h: (h.get("created_at") or "", orjson.dumps(h, option=_DUMP))),
    }
    return (b"" if first else b",\n") + orjson.dumps(doc, option=_DUMP)


FOOTER = b"\n]}\n"


# ---------------------------------------------------------------------- reading
def looks_like(head: bytes) -> bool:
    return head.lstrip()[:1] == b"{" and KEY.encode() in head[:4096]


def read(path: Path, limits: ImportLimits) -> Iterator[BackupEntry]:
    """The entries of a backup file, one line at a time (or, if it was reformatted, one JSON
    value at a time): never more than one entry (max_import_entry_bytes) in memory."""
    cap = limits.max_entry_bytes
    start = b'{"' + KEY.encode() + b'":'
    with open(path, "rb") as f:
        if f.read(len(start)) != start:
            f.seek(0)
            yield from _read_reformatted(f, path.name, limits)
            return
        first = start + f.readline(cap)
        _check_header(jsonstream.loads(b"{" + first.rstrip()[1:].rstrip(b",") + b"}", "line 1", 1000), "line 1")
        del first
        lineno = 1
        while (doc := _next_line(f, lineno := lineno + 1, limits)) is not _END:
            if doc is not _SKIP:
                yield check_item(doc, f"line {lineno}", limits)  # the line's bytes are gone by now


_SKIP, _END = object(), object()


def _next_line(f, lineno: int, limits: ImportLimits):
    """The next article of a one-per-line backup, parsed (_SKIP for the lines around them, _END
    after the last). The line is parsed in place (a memoryview, no stripped copy)."""
    cap = limits.max_entry_bytes
    line = f.readline(cap + 1)
    if not line:
        raise ImportFormatError(f"line {lineno - 1}", "the backup ends early (no closing ']}'): it was cut off")
    if len(line) > cap:
        raise ImportFormatError(f"line {lineno}", f"is larger than {cap // (1024 * 1024)} MiB, more than one "
                                "article of a backup may be (max_import_entry_bytes)")
    start, end = 0, len(line)
    while start < end and line[start] in b" \t\r\n":
        start += 1
    while end > start and line[end - 1] in b" \t\r\n":
        end -= 1
    body = memoryview(line)[start:end]
    if not body or bytes(body[:11]) == b'"settings":' or body in (b'"articles":[', b'"images":[', b"],"):
        return _SKIP
    if body == b"]}":
        return _END
    if body[-1:] == b",":
        body = body[:-1]
    return jsonstream.loads(body, f"line {lineno}", limits.max_entry_values)


def _read_reformatted(f, name: str, limits: ImportLimits) -> Iterator[BackupEntry]:
    """A backup another tool re-wrote (`jq .`): its members in any order, its articles streamed."""
    scan = jsonstream.Scanner(f, name)
    scan.expect(b"{")
    header, n = None, 0
    while scan.peek() != ord("}"):
        key = jsonstream.loads(scan.value(4096, "a key"), name, 1)
        scan.expect(b":")
        if key in ("articles", "images"):
            for raw in jsonstream.array_items(scan, limits.max_entry_bytes, "max_import_entry_bytes"):
                n += 1
                where = f"{key[:-1]} {n}"
                yield check_item(jsonstream.loads(raw, where, limits.max_entry_values), where, limits)
        else:
            value = jsonstream.loads(scan.value(1 << 20, "a backup's header"), name, 10_000)
            if key == KEY:
                header = _check_header({KEY: value}, name)
        if scan.peek() != ord(","):
            break
        scan.pos += 1
    scan.expect(b"}")
    if header is None:
        raise ImportFormatError(name, "is not a QuietPage backup (no 'quietpage_backup' header)")


def _check_header(data, where: str) -> dict:
    head = data.get(KEY) if isinstance(data, dict) else None
    if not isinstance(head, dict) or not isinstance(head.get("format"), int):
        raise ImportFormatError(where, "is not a QuietPage backup header")
    if head["format"] > FORMAT:
        raise ImportFormatError(where, f"the backup has format {head['format']}, newer than this QuietPage "
                                f"reads ({FORMAT}); upgrade QuietPage first")
    return head


def check_item(doc, where: str, limits: ImportLimits) -> BackupEntry | BackupImage:
    if isinstance(doc, dict) and "image" in doc and "article" not in doc:
        return check_image(doc["image"], where, limits)
    return check_entry(doc, where, limits)


def check_image(doc, where: str, limits: ImportLimits) -> BackupImage:
    """An image file of a backup, trusted for nothing: its name, its type, its size, that its
    bytes hash to its name and are an image of that type, within the pixel limit."""
    if not isinstance(doc, dict) or not is_name(doc.get("file")) or not isinstance(doc.get("data"), str):
        raise ImportFormatError(where, "an image must be {file: '<sha256>.<png|jpg|gif|webp|avif>', data: base64}")
    name, encoded = doc["file"], doc["data"]
    if len(encoded) * 3 // 4 > limits.max_image_bytes:
        raise ImportFormatError(where, f"the image is larger than {limits.max_image_bytes} bytes (image_max_bytes)")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ImportFormatError(where, "the image's data is not base64") from None
    if hashlib.sha256(data).hexdigest() != name.split(".")[0]:
        raise ImportFormatError(where, "the image's bytes do not match its name (damaged, or altered)")
    try:
        info = inspect(data, limits.max_image_pixels)
    except ImageRefused as exc:
        raise ImportFormatError(where, f"the file {name[:16]}... is refused: {exc.message}") from None
    if info.type != type_of(name):
        raise ImportFormatError(where, f"the image is {info.type}, not what its name says")
    return BackupImage(where, name, info.type, data)


def image_item(item: dict) -> dict:
    keys = ("url", "file", "width", "height", "bytes") if item.get("file") else ("url", "error", "code")
    return {k: item.get(k) for k in keys}


def _image_items(where: str, value, limits: ImportLimits) -> list[dict]:
    """An article's image items, rebuilt: which address showed which file (or why none)."""
    if not isinstance(value, list) or len(value) > limits.max_images:
        raise ImportFormatError(where, f"'images' must be a list of at most {limits.max_images} items")
    out = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str) or len(item["url"]) > limits.max_html_chars:
            raise ImportFormatError(where, "each image item needs its 'url'")
        if item.get("file") is not None:
            if not is_name(item["file"]):
                raise ImportFormatError(where, "an image item names no image file")
            size = [item.get(k) for k in ("width", "height", "bytes")]
            if not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 10**9 for n in size):
                raise ImportFormatError(where, "an image item's width, height and bytes must be whole numbers")
            out.append({"url": item["url"], "file": item["file"], "width": size[0], "height": size[1], "bytes": size[2]})
        else:
            error, code = item.get("error"), item.get("code")
            out.append({"url": item["url"], "error": error[:500] if isinstance(error, str) else None,
                        "code": code[:40] if isinstance(code, str) else None})
    return out


def check_entry(doc, where: str, limits: ImportLimits) -> BackupEntry:
    """One article of a backup, rebuilt and checked (schema.py) before anything is written."""
    if not isinstance(doc, dict) or not isinstance(doc.get("article"), dict):
        raise ImportFormatError(where, "an article entry must be an object with an 'article' record")
    record = schema.article(where, doc["article"], limits)
    for name in ("content_html", "text", "raw_html"):
        value = doc.get(name, "")
        if not isinstance(value, str):
            raise ImportFormatError(where, f"'{name}' must be a string")
        if len(value) > limits.max_html_chars:
            raise ImportFormatError(where, f"'{name}' is longer than {limits.max_html_chars} characters "
                                    "(the max_html_chars setting)")
    highlights = doc.get("highlights", [])
    if not isinstance(highlights, list):
        raise ImportFormatError(where, "'highlights' must be a list")
    if len(highlights) > limits.max_highlights:
        raise ImportFormatError(where, f"has {len(highlights)} highlights, more than one article may hold "
                                f"({limits.max_highlights}, the max_highlights_per_article setting)")
    checked = [schema.highlight(f"{where}, highlight {j}", h, limits) for j, h in enumerate(highlights, 1)]
    images = _image_items(where, doc.get("images", []), limits)
    archived = frozenset(i["url"] for i in images if i.get("file"))
    body = _safe_body(doc.get("content_html", ""), doc.get("text", ""), where, limits, archived)
    return BackupEntry(where, record, body, doc.get("raw_html", ""), checked, images)


def _safe_body(content_html: str, text: str, where: str, limits: ImportLimits,
               archived: frozenset[str] = frozenset()) -> dict:
    """The reader view as we would have made it: a backup file is untrusted input, so its HTML
    goes through the same depth limit and sanitiser as a captured page (a genuine backup comes
    out unchanged; a doctored one loses its script, and its text is derived again). Images it
    brings archived keep their address whatever its host: the reader shows our copy."""
    if content_html.count("<") > 2 * MAX_READER_ELEMENTS:
        raise ImportFormatError(where, f"its reader HTML holds more than {MAX_READER_ELEMENTS} elements, more "
                                "than a reader view of any article")
    if html_depth(content_html, stop_at=limits.max_html_depth) > limits.max_html_depth:
        raise ImportFormatError(where, f"its reader HTML nests more than {limits.max_html_depth} levels deep "
                                "(the max_html_depth setting)")
    clean = sanitize(content_html, keep_local_urls=limits.keep_local_urls, archived=archived)
    if clean == content_html:
        return {"content_html": content_html, "text": text}
    return {"content_html": clean, "text": block_text(parse_fragment(clean)) if clean.strip() else ""}
