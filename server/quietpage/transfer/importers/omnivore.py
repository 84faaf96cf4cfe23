"""Omnivore's export: a zip (or its folder) with metadata_<from>_to_<to>.json lists, the
readable content of each item in content/<slug>.html, and its highlights in
highlights/<slug>.md (as Omnivore wrote them: `> quote`, then `#labels`, then the note).
A `highlights` list inside a metadata entry ([{quote, annotation, color, createdAt, ...}], as
community exporters write it) is used when present. A single metadata JSON list works too.

Entry fields: id, slug, title, description, author, url, state ("Archived" / "Active"),
readingProgress (0-100), thumbnail, labels (names), savedAt, updatedAt, publishedAt.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator

from .. import jsonstream
from ..items import (ImportFormatError, ImportHighlight, ImportItem, ImportLimits, checked_url, clean_tags,
                     clean_title, import_highlight, iso_from_text)
from .bundle import Bundle, TooLong

METADATA = re.compile(r"(?:^|/)metadata(?:_(\d+)_to_\d+)?\.json$")
COLORS = {"yellow": "yellow", "green": "green", "blue": "blue", "red": "pink", "pink": "pink",
          "purple": "purple"}
_LABELS_LINE = re.compile(r"^(#\S+\s*)+$")
_BULLET = re.compile(r"^\s*[-*+]\s+")


def is_omnivore(names: list[str]) -> bool:
    return any(METADATA.search(n) for n in names)


def parse_bundle(bundle: Bundle) -> Iterator[ImportItem]:
    files = sorted((n for n in bundle.names() if METADATA.search(n)),
                   key=lambda n: (int(METADATA.search(n)[1] or 0), n))
    for name in files:
        with bundle.open(name) as f:
            yield from _items(name, f, bundle, bundle.limits)


def parse_list(name: str, f, limits: ImportLimits) -> Iterator[ImportItem]:
    """One metadata file on its own (a binary stream): the items, without content."""
    yield from _items(name, f, None, limits)


def _items(name: str, f, bundle: Bundle | None, limits: ImportLimits) -> Iterator[ImportItem]:
    """A metadata list read one entry at a time (never parsed whole: see jsonstream)."""
    scanner = jsonstream.Scanner(f, name)
    if scanner.peek() != ord("["):
        raise ImportFormatError(name, "must be a JSON list of items (Omnivore's metadata_*.json)")
    for i, raw in enumerate(jsonstream.array_items(scanner, limits.max_entry_bytes, "max_import_entry_bytes"), 1):
        where = f"{name}, entry {i}"
        yield _item(where, jsonstream.loads(raw, where, limits.max_entry_values), bundle, limits)
    if not scanner.at_end():
        raise scanner.error("more after the list")


def _item(where: str, entry, bundle: Bundle | None, limits: ImportLimits) -> ImportItem:
    if not isinstance(entry, dict):
        raise ImportFormatError(where, "is not an object")
    url = checked_url(where, entry.get("url") or entry.get("originalUrl"), limits.max_url_chars)
    labels = entry.get("labels") or []
    if not isinstance(labels, list):
        raise ImportFormatError(where, "'labels' must be a list of names")
    slug = entry.get("slug") if isinstance(entry.get("slug"), str) else ""
    content = _content(bundle, slug, limits) if bundle is not None and slug else None
    highlights = _highlights(where, entry, bundle, slug, limits)
    progress = entry.get("readingProgress") or 0
    thumb = entry.get("thumbnail")
    return ImportItem(
        where=where, url=url, title=clean_title(entry.get("title")), tags=clean_tags(labels, limits),
        state="archived" if str(entry.get("state") or "").lower() == "archived" else "unread",
        progress=min(max(float(progress) / 100, 0.0), 1.0) if _finite(progress) else 0.0,
        saved_at=iso_from_text(where, entry.get("savedAt")),
        published=iso_from_text(where, entry.get("publishedAt")),
        byline=_text(entry.get("author"), 500), excerpt=_text(entry.get("description"), 2000),
        lead_image=thumb if isinstance(thumb, str) and thumb.startswith(("http://", "https://"))
        and len(thumb) <= limits.max_url_chars else None,
        html=content, highlights=highlights, source="omnivore")


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _text(value, limit: int) -> str | None:
    return " ".join(value.split())[:limit] or None if isinstance(value, str) else None


def _content(bundle: Bundle, slug: str, limits: ImportLimits) -> str | None:
    """The item's page, if it is within a captured page's limits (else it waits to be fetched)."""
    name = bundle.find(f"content/{slug}.html", f"content_{slug}.html", f"content/{slug}.md", f"content_{slug}.md")
    if name is None:
        return None
    try:
        text = bundle.text(name, limits.max_html_bytes, "max_body_bytes")
    except TooLong:
        return None
    if not text.strip() or len(text) > limits.max_html_chars:
        return None
    return text if name.endswith(".html") else markdown_to_html(text)


def _highlights(where: str, entry: dict, bundle: Bundle | None, slug: str,
                limits: ImportLimits) -> tuple[ImportHighlight, ...]:
    listed = entry.get("highlights")
    if listed is not None:
        if not isinstance(listed, list):
            raise ImportFormatError(where, "'highlights' must be a list")
        out = []
        for j, h in enumerate(listed, 1):
            here = f"{where}, highlight {j}"
            if not isinstance(h, dict) or not isinstance(h.get("quote"), str):
                if isinstance(h, dict) and str(h.get("type") or "").upper() == "NOTE":
                    continue  # an article-level note has no quote to anchor
                raise ImportFormatError(here, "has no 'quote'")
            if not h["quote"].strip():
                continue
            out.append(import_highlight(
                here, limits, h["quote"], h.get("annotation"), COLORS.get(str(h.get("color") or "").lower(), "yellow"),
                iso_from_text(here, h.get("createdAt")), h.get("prefix"), h.get("suffix")))
        return _at_most(where, tuple(out), limits)
    if bundle is None or not slug:
        return ()
    name = bundle.find(f"highlights/{slug}.md")
    if not name:
        return ()
    return _at_most(where, parse_highlights_md(bundle.text(name, limits.max_html_bytes, "max_body_bytes"),
                                               where, limits), limits)


def _at_most(where: str, highlights: tuple, limits: ImportLimits) -> tuple:
    if len(highlights) > limits.max_highlights:
        raise ImportFormatError(where, f"has {len(highlights)} highlights, more than one article may hold "
                                f"({limits.max_highlights}, the max_highlights_per_article setting)")
    return highlights


def parse_highlights_md(text: str, where: str = "highlights", limits: ImportLimits = ImportLimits()
                        ) -> tuple[ImportHighlight, ...]:
    """Omnivore's highlights file: blocks of `> quote`, an optional `#label` line, the note."""
    out: list[tuple[list[str], list[str]]] = []
    in_quote = False
    for line in _lines(text):
        if line.startswith(">") and (not in_quote or not out):
            if not in_quote:
                out.append(([], []))
            in_quote = True
            out[-1][0].append(line[1:].strip())
        elif in_quote and line.strip():
            out[-1][0].append(line.lstrip(">").strip())
        elif in_quote:
            in_quote = False
        elif out and not _LABELS_LINE.match(line.strip()):
            out[-1][1].append(line)
        if len(out) > limits.max_highlights:
            break  # refused by the caller; no need to read on
        if out and (len(out[-1][0]) > limits.max_quote_chars or len(out[-1][1]) > limits.max_note_chars):
            raise ImportFormatError(f"{where}, highlight {len(out)}", "its quote or note is longer than a "
                                    "highlight may hold (max_quote_chars, max_note_chars)")
    return tuple(import_highlight(f"{where}, highlight {i}", limits, "\n".join(_paragraphs(q)), "\n".join(n).strip())
                 for i, (q, n) in enumerate(out, 1) if "".join(q).strip())


def _lines(text: str) -> Iterator[str]:
    """text.splitlines() for \\n and \\r\\n, one line at a time (a list of them could be huge)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield text[start:end].rstrip("\r")
        start = end + 1


def _paragraphs(lines: list[str]) -> list[str]:
    """Quote lines -> the quote's paragraphs ('>' alone separates them in Omnivore's files)."""
    paras, cur = [], []
    for line in lines:
        if line:
            cur.append(line)
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    return paras


def markdown_to_html(text: str) -> str:
    """Just enough Markdown for a reader to find the article: headings, quotes, lists, paragraphs."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.strip().splitlines()
        first = lines[0]
        if m := re.match(r"^(#{1,6})\s+(.*)", first):
            blocks.append(f"<h{len(m[1])}>{html.escape(m[2])}</h{len(m[1])}>")
        elif all(line.startswith(">") for line in lines):
            quote = " ".join(line[1:].strip() for line in lines)
            blocks.append(f"<blockquote><p>{html.escape(quote)}</p></blockquote>")
        elif all(re.match(r"^\s*[-*+]\s", line) for line in lines):
            items = "".join(f"<li>{html.escape(_BULLET.sub('', line))}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append(f"<p>{html.escape(' '.join(lines))}</p>")
    return f"<html><body><article>{''.join(blocks)}</article></body></html>"
