"""Request limits that need a look inside a value: how deeply a page's HTML nests.

Pure (no aiohttp). The reader copes with any depth (it flattens past its own limit), but a page
nested thousands of levels deep is an attack or a broken generator, never an article: it is
refused (ExtractionError, 422 too_deep) before any parser or recursive code sees it, whether it
was saved, imported or fetched.

`html_depth` is a one-pass estimate of the element tree's depth, close to what an HTML parser
builds: void elements and elements that the parser closes by itself (p, li, td, ...) do not
nest; a closing tag closes everything opened after its element, as the parser does; the text
of script, style and comments is skipped.
"""
from __future__ import annotations

import re

from ..errors import ExtractionError

# Elements that never have content.
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Elements the parser closes implicitly when a sibling starts (or that cannot nest in
# themselves): counting them would call a sloppy but ordinary page "deep".
IMPLIED_END = frozenset(
    "p li dt dd option optgroup tr td th thead tbody tfoot caption colgroup rb rt rp rtc "
    "h1 h2 h3 h4 h5 h6 html head body".split()
)
# Raw-text elements: their content is not markup.
RAW_TEXT = frozenset("script style textarea title xmp noscript iframe noembed noframes plaintext".split())
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>|<!--.*?-->", re.S)


def html_depth(html: str, stop_at: int | None = None) -> int:
    """The estimated nesting depth of `html`; stops counting once it passes `stop_at`."""
    stack: list[str] = []
    open_count: dict[str, int] = {}
    deepest, pos = 0, 0
    while (m := _TAG.search(html, pos)) is not None:
        pos = m.end()
        name = (m.group(2) or "").lower()
        if not name or name in VOID or name in IMPLIED_END:
            continue
        if m.group(1):  # a closing tag: close it and everything opened inside it
            if open_count.get(name):
                while stack:
                    top = stack.pop()
                    open_count[top] -= 1
                    if top == name:
                        break
            continue
        if name in RAW_TEXT:
            close = re.compile(rf"</{name}", re.I).search(html, pos)  # (re caches compiled patterns)
            pos = close.start() if close else len(html)
            continue
        if m.group(3).rstrip().endswith("/"):  # <svg/>, <math/>: self-closed foreign content
            continue
        stack.append(name)
        open_count[name] = open_count.get(name, 0) + 1
        if len(stack) > deepest:
            deepest = len(stack)
            if stop_at is not None and deepest > stop_at:
                break
    return deepest


def check_html_depth(html: str, max_depth: int) -> None:
    """ExtractionError (422, too_deep) when `html` nests deeper than `max_depth` elements: a page
    the reader refuses, like an empty one (an import keeps its address to fetch later)."""
    depth = html_depth(html, stop_at=max_depth)
    if depth > max_depth:
        raise ExtractionError(f"The page's HTML is nested too deeply (more than {max_depth} levels; the "
                      "max_html_depth setting). No article needs that many; save a simpler version of the page.",
                      code="too_deep")


def extract_checked(html: str, url: str | None, max_depth: int):
    """The depth check, then the reader: both in an extraction worker (the scan of a 15 MiB
    page takes up to ~2 s, which must not happen on the event loop)."""
    from . import extract

    check_html_depth(html, max_depth)
    return extract(html, url)
