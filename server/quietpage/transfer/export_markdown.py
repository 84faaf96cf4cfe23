"""One Markdown file per article, for Obsidian and similar tools: YAML front matter, the
article, then its highlights as quotes with their notes. Archived images are files in an
`assets/` folder beside the notes (named by their content, so one image shared by several
articles is there once), linked relatively: `![alt](assets/<sha256>.png)`, which Obsidian and
any Markdown viewer show; an image not archived keeps its original address.

File names come from titles and are stable (the same article gets the same name in every
export), safe on Windows, macOS and Linux (no reserved names or characters, no trailing dot or
space, at most MAX_NAME_CHARS), and unique, also where case does not count: when titles
collide, the oldest article keeps the plain name and the others add their id.
"""
from __future__ import annotations

import re
import unicodedata

import orjson

from .. import anchoring
from ..library.images import localise
from . import markdown

ASSETS = "assets"

MAX_NAME_CHARS = 80
MAX_NAME_BYTES = 200  # UTF-8; most file systems allow 255 bytes, and ".md" and an id come on top
# Windows device names: the part of a name before its first dot (trailing spaces ignored) is
# what counts, so "Aux. Harbour notes.md" and "con.txt.md" are devices too.
RESERVED = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$"}
                     | {f"{port}{n}" for port in ("com", "lpt") for n in "0123456789¹²³"})
# Forbidden on Windows (<>:"/\|?*), control characters, and what breaks Obsidian links (#^[]).
UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f#^\[\]]')


# ---------------------------------------------------------------------- file names
def base_name(title: str | None) -> str:
    name = unicodedata.normalize("NFC", title or "")
    name = " ".join(UNSAFE.sub(" ", name).split())
    name = name[:MAX_NAME_CHARS]
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    name = name.strip(" .")
    if not name:
        name = "Untitled"
    stem = name.split(".", 1)[0]
    if stem.rstrip(" ").casefold() in RESERVED:
        name = f"{stem}_{name[len(stem):]}"
    return name


def file_names(articles: list[tuple[str, str | None, str]]) -> dict[str, str]:
    """{id: "name.md"} for (id, title, created_at) tuples."""
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for article_id, title, created_at in articles:
        base = base_name(title)
        groups.setdefault(base.casefold(), []).append((created_at or "", article_id, base))
    names = {}
    for members in groups.values():
        members.sort()
        for i, (_, article_id, base) in enumerate(members):
            names[article_id] = f"{base}.md" if i == 0 else f"{base} - {_id_part(article_id)}.md"
    return names


def _id_part(article_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", article_id)[:12] or "x"


# ---------------------------------------------------------------------- one document
def asset_names(images: list[dict]) -> list[str]:
    """The image files an article's Markdown links to (in assets/)."""
    return [i["file"] for i in images if i.get("file")]


MISSING_NOTE = "saved copy of this article was missing or damaged"  # what a file says when its text was


def document(record: dict, body: dict, highlights: list[dict], images: list[dict] = ()) -> str:
    parts = [front_matter(record), f"# {markdown.escape(record.get('title') or record['url'])}"]
    if body.get("missing") and not body.get("text"):
        parts.append(f"*QuietPage's {MISSING_NOTE} when it was exported: only its details and highlights are "
                     f"here.* {markdown.autolink(record['url'])}")
    elif record.get("needs_fetch"):
        parts.append(f"*Not fetched yet: QuietPage has only this article's address.* {markdown.autolink(record['url'])}")
    else:
        html, _ = localise(body.get("content_html") or "", list(images), remote=True,
                           local_src=lambda name: f"{ASSETS}/{name}")
        parts.append(markdown.to_markdown(html).rstrip("\n"))
    if highlights:
        parts.append("## Highlights")
        parts.extend(_highlight(h) for h in sorted(highlights, key=_reading_order))
    return "\n\n".join(p for p in parts if p) + "\n"


def front_matter(record: dict) -> str:
    """YAML front matter; every string is written as a JSON string, which YAML reads as is."""
    fields = {
        "title": record.get("title") or record["url"],
        "url": record["url"],
        "author": record.get("byline"),
        "site": record.get("site_name"),
        "published": record.get("published"),
        "saved": record.get("created_at"),
        "state": record.get("state"),
    }
    lines = ["---"]
    lines += [f"{key}: {_yaml(value)}" for key, value in fields.items() if value]
    tags = [obsidian_tag(t["name"]) for t in record.get("tags", [])]
    tags = [t for t in tags if t]
    lines.append("tags:" + ("" if tags else " []"))
    lines += [f"  - {_yaml(t)}" for t in tags]
    lines.append("---")
    return "\n".join(lines)


def obsidian_tag(name: str) -> str:
    """Obsidian tags hold no spaces and no leading '#'."""
    return "-".join(name.lstrip("#").split())


# Characters YAML does not accept raw in a document (or folds, like U+2028), and '<' and '>'
# (a renderer that does not know front matter shows it as Markdown, where '<' opens raw HTML):
# written as \\uXXXX, which YAML reads back as they were.
_YAML_UNSAFE = re.compile("[<>\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _yaml(value) -> str:
    text = orjson.dumps(str(value).encode("utf-8", "replace").decode("utf-8")).decode()
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def _reading_order(h: dict) -> tuple:
    """Where a highlight stands in the text (orphans last, oldest first), as the reader sees them."""
    position = anchoring.selector(h.get("selectors", []), anchoring.POSITION)
    placed = h.get("status") != "orphan" and position is not None
    return (not placed, position["start"] if placed else 0, h.get("created_at") or "", h.get("id") or "")


def _highlight(h: dict) -> str:
    quote = anchoring.quote_of(h.get("selectors", []))
    lines = []
    for para in (quote or "").split("\n"):
        if lines:
            lines.append(">")
        lines.append(f"> {markdown.escape(para.strip())}" if para.strip() else ">")
    if h.get("status") == "orphan":
        lines += [">", "> *(not found in the current text of the article)*"]
    note = markdown.safe_note((h.get("note") or "").strip())
    return "\n".join(lines) + (f"\n\n{note}" if note else "")
