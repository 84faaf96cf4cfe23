"""Highlight notes are Markdown: `note_html` is what the pages show, made here. Pure.

markdown-it-py (CommonMark) with raw HTML off, so `<img onerror=...>` typed in a note stays
text; then the reader's own allow-list (reader/sanitize.py) runs over the result, so a note can
never hold more than an article may. Images are not rendered (`![alt](url)` stays a link): a
note shown in a page must not fetch anything from another server.
"""
from __future__ import annotations

import functools

from markdown_it import MarkdownIt

from .reader.sanitize import sanitize

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


@functools.lru_cache(maxsize=4096)  # the same notes are rendered again on every list
def note_html(note: str | None) -> str:
    """The note as safe HTML ("" for no note)."""
    if not note or not note.strip():
        return ""
    return sanitize(_MD.render(note)).strip()
