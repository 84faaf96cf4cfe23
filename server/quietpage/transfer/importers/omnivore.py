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
import re
from collections.abc import Iterator

import orjson

from ..items import (ImportFormatError, ImportHighlight, ImportItem, checked_url, clean_tags,
                     clean_title, iso_from_text)
from .bundle import Bundle

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
        entries = _load_list(name, bundle.text(name))
        for i, entry in enumerate(entries, 1):
            yield _item(f"{name}, entry {i}", entry, bundle)


def parse_list(name: str, text: str) -> Iterator[ImportItem]:
    """One metadata file on its own: the items, without content."""
    for i, entry in enumerate(_load_list(name, text), 1):
        yield _item(f"{name}, entry {i}", entry, None)


def _load_list(name: str, text: str) -> list:
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ImportFormatError(name, f"is not valid JSON ({exc})") from None
    if not isinstance(data, list):
        raise ImportFormatError(name, "must be a JSON list of items (Omnivore's metadata_*.json)")
    return data


def _item(where: str, entry, bundle: Bundle | None) -> ImportItem:
    if not isinstance(entry, dict):
        raise ImportFormatError(where, "is not an object")
    url = checked_url(where, entry.get("url") or entry.get("originalUrl"))
    labels = entry.get("labels") or []
    if not isinstance(labels, list):
        raise ImportFormatError(where, "'labels' must be a list of names")
    slug = entry.get("slug") if isinstance(entry.get("slug"), str) else ""
    content = _content(bundle, slug) if bundle is not None and slug else None
    highlights = _highlights(where, entry, bundle, slug)
    progress = entry.get("readingProgress") or 0
    thumb = entry.get("thumbnail")
    return ImportItem(
        where=where, url=url, title=clean_title(entry.get("title")), tags=clean_tags(labels),
        state="archived" if str(entry.get("state") or "").lower() == "archived" else "unread",
        progress=min(max(float(progress) / 100, 0.0), 1.0) if isinstance(progress, (int, float)) else 0.0,
        saved_at=iso_from_text(where, entry.get("savedAt")),
        published=iso_from_text(where, entry.get("publishedAt")),
        byline=_text(entry.get("author"), 500), excerpt=_text(entry.get("description"), 2000),
        lead_image=thumb if isinstance(thumb, str) and thumb.startswith(("http://", "https://")) else None,
        html=content, highlights=highlights, source="omnivore")


def _text(value, limit: int) -> str | None:
    return " ".join(value.split())[:limit] or None if isinstance(value, str) else None


def _content(bundle: Bundle, slug: str) -> str | None:
    name = bundle.find(f"content/{slug}.html", f"content_{slug}.html", f"content/{slug}.md", f"content_{slug}.md")
    if name is None:
        return None
    text = bundle.text(name)
    if not text.strip():
        return None
    return text if name.endswith(".html") else markdown_to_html(text)


def _highlights(where: str, entry: dict, bundle: Bundle | None, slug: str) -> tuple[ImportHighlight, ...]:
    listed = entry.get("highlights")
    if listed is not None:
        if not isinstance(listed, list):
            raise ImportFormatError(where, "'highlights' must be a list")
        out = []
        for j, h in enumerate(listed, 1):
            if not isinstance(h, dict) or not isinstance(h.get("quote"), str):
                if isinstance(h, dict) and h.get("type", "").upper() == "NOTE":
                    continue  # an article-level note has no quote to anchor
                raise ImportFormatError(f"{where}, highlight {j}", "has no 'quote'")
            if not h["quote"].strip():
                continue
            out.append(ImportHighlight(
                quote=h["quote"].strip(), note=h.get("annotation") or "",
                color=COLORS.get(str(h.get("color") or "").lower(), "yellow"),
                created_at=iso_from_text(f"{where}, highlight {j}", h.get("createdAt")),
                prefix=h.get("prefix") or "", suffix=h.get("suffix") or ""))
        return tuple(out)
    if bundle is None or not slug:
        return ()
    name = bundle.find(f"highlights/{slug}.md")
    return parse_highlights_md(bundle.text(name)) if name else ()


def parse_highlights_md(text: str) -> tuple[ImportHighlight, ...]:
    """Omnivore's highlights file: blocks of `> quote`, an optional `#label` line, the note."""
    out: list[tuple[list[str], list[str]]] = []
    in_quote = False
    for line in text.splitlines():
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
    return tuple(ImportHighlight(quote="\n".join(_paragraphs(q)), note="\n".join(n).strip())
                 for q, n in out if "".join(q).strip())


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
