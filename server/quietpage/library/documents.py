"""What an article puts in the full-text index (fulltext.Entry), made from its records, and the
fingerprint that tells whether the index holds its current version.

Indexed: title, tags, byline / site name / address ("meta"), the text, each highlight's quote
and note - plus what the list filters and sorts on (state, trash, favourite, has highlights,
has a note, tag keys, site names, saved / published / reading time).
"""
from __future__ import annotations

import functools
import hashlib
import os
import zlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

import orjson

from ..anchoring import quote_of
from ..clock import parse_iso
from ..tags import normalize
from .fulltext import FORMAT, Entry
from .record_fields import tag_names_of

# Record fields the index holds something of: a change to any other (reading progress, ...) leaves
# the index as it is.
INDEXED = ("title", "byline", "site_name", "url", "rev", "state", "favorite", "deleted_at", "created_at",
           "published", "reading_minutes")


def rid_of(article_id: str) -> int:
    """The index's number for an article id (63 bits of its hash: collisions need ~3 billion ids)."""
    return int.from_bytes(hashlib.blake2b(article_id.encode(), digest_size=8).digest(), "big") >> 1


def checksums(highlight_bytes: Iterable[bytes]) -> list[int]:
    """What a fingerprint needs of an article's highlights: a CRC of each one's stored bytes."""
    return [zlib.crc32(raw) for raw in highlight_bytes]


def fingerprint(record: dict, highlight_crcs: list[int]) -> int:
    """A number that changes whenever anything the index holds of the article does."""
    fields = [FORMAT, [record.get(k) for k in INDEXED], record.get("tags")]
    if highlight_crcs:
        fields.append(sorted(highlight_crcs))
    digest = hashlib.blake2b(orjson.dumps(fields, default=str), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _ms(iso) -> int:
    try:
        return int(parse_iso(iso).timestamp() * 1000)
    except (TypeError, ValueError, AttributeError, OverflowError, OSError):
        return 0


def _text(value) -> str:
    return value if isinstance(value, str) else ""


_normalize = functools.lru_cache(maxsize=1 << 14)(normalize)  # tag names repeat a lot


@functools.lru_cache(maxsize=1 << 12)
def host_of(url: str) -> str:
    try:
        host = urlsplit(url[:2048]).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def site_terms(record: dict, fold) -> list[str]:
    """What `site:` matches for this article: its host and each parent domain (news.bbc.co.uk,
    bbc.co.uk, co.uk), each name in it (bbc), and its site name as words (`fold`: the index's)."""
    url = _text(record.get("url"))
    host = host_of(url[:url.find("/", 8) if url.find("/", 8) > 0 else len(url)])
    labels = [x for x in host.split(".") if x]
    terms = {".".join(labels[i:]) for i in range(len(labels) - 1)} | set(labels[:-1])
    name = _site_name(_text(record.get("site_name")), fold)
    return sorted(t for t in terms | {name} if t)


@functools.lru_cache(maxsize=1 << 12)
def _site_name(name: str, fold) -> str:
    return " ".join(fold(name)) if name else ""


def entry(article_id: str, record: dict, highlights: list[dict], fp: int, data_dir: Path, fold, *,
          text: str | None = None) -> Entry:
    """The index entry of an article; `text`: its body text, when at hand (else read from its file)."""
    notes = [_text(h.get("note")) for h in highlights if _text(h.get("note")).strip()]
    state = record.get("state") if record.get("state") in ("unread", "archived") else "none"
    rev = record.get("rev")
    return Entry(
        rid=rid_of(article_id), fp=fp,
        text={"title": [_text(record.get("title"))], "tags": tag_names_of(record),
              "meta": [v for v in (_text(record.get(k)) for k in ("byline", "site_name", "url")) if v],
              "quotes": [q for q in (quote_of(h.get("selectors") or []) for h in highlights) if q], "notes": notes},
        filters={"state": state, "tag": sorted({k for k in map(_normalize, tag_names_of(record)) if k}),
                 "site": site_terms(record, fold), "trash": bool(record.get("deleted_at")),
                 "fav": bool(record.get("favorite")), "hl": bool(highlights), "noted": bool(notes)},
        sorts={"saved": _ms(record.get("created_at")), "published": _ms(record.get("published")),
               "minutes": record.get("reading_minutes") if isinstance(record.get("reading_minutes"), int) else 0},
        body=text,
        body_file=os.path.join(data_dir, "articles", article_id, f"{rev}.reader.json.gz")  # files.body_path
        if text is None and isinstance(rev, str) else None)
