"""Kinds of blocks readability-lxml's conditional cleaning would misjudge (lists, tables of data,
section headings, pictures, footnotes, short lines of plain text), recognised so that the
reader can keep them (core.ReaderDocument.get_preserved_elements), and the bottom-up map that
finds "divs used as paragraphs" without serialising every div.
"""
from __future__ import annotations

import re

from .dom import class_and_id, text_length


# readability-lxml's divToPElementsRe, `<(blockquote|dl|div|img|ol|p|pre|table|ul)`, applied to
# serialised HTML: it matches any tag that *starts* with one of these names (so <picture>,
# <param>... count too). The same rule as a prefix test on tag names:
_BLOCKISH_PREFIXES = ("blockquote", "dl", "div", "img", "ol", "p", "table", "ul")
# Prose lists: items of at least MIN_PROSE_ITEM_CHARS on average, fewer than LINK_ITEM_SHARE of them
# (almost) all link. A block is kept with such a list when the list is PROSE_LIST_SHARE of its text.
MIN_PROSE_ITEM_CHARS = 40
LINK_ITEM_SHARE = 0.8
PROSE_LIST_SHARE = 0.6
MIN_TEASER_WORDS = 4  # a headline has a few words; "Vector space" or "BBEdit" is a name
MIN_TEXT_CHARS = 25  # readability-lxml's min_text_length
HEADING_SHARE = 0.9  # Readability.js: a block whose text is this much heading is a section head
MAX_PICTURE_IMAGES = 2  # more images with no text is a strip of thumbnails, not a picture
DATA_TABLE_ROWS, DATA_TABLE_COLUMNS, DATA_TABLE_CELLS = 10, 4, 10  # Readability.js's sizes
GALLERY = re.compile(r"gallery|slide|carousel|legends", re.I)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
FOOTNOTES = re.compile(r"footnotes|endnotes|references|reflist|doc-endnotes", re.I)
EMBED_WORDS = frozenset({"embed", "embedded", "oembed", "tweet", "instagram", "tiktok"})
_WORDS = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
MAX_LINE_RAW_CHARS = 400  # a plain line's markup text, whitespace and all, is short: skip longer blocks


def _blockish(el) -> bool:
    tag = el.tag
    return isinstance(tag, str) and tag.startswith(_BLOCKISH_PREFIXES)


def has_block_descendant_map(root) -> dict:
    """{element: True} for every element with a block-ish descendant, in one bottom-up pass."""
    marked: dict = {}
    for el in reversed(list(root.iter())):
        for child in el:
            if _blockish(child) or child in marked:
                marked[el] = True
                break
    return marked


def is_gallery(el, memo: dict | None = None) -> bool:
    """An element inside a gallery, slideshow or carousel (or one itself): slides and their
    legends, not text. `memo` (element -> verdict) spares the walk up on the next element."""
    memo = {} if memo is None else memo
    path, node, verdict = [], el, False
    while node is not None:
        if node in memo:
            verdict = memo[node]
            break
        path.append(node)
        if GALLERY.search(f"{node.get('class', '')} {node.get('id', '')}"):
            verdict = True
            break
        node = node.getparent()
    for node in path:  # all of them below the gallery found, or none in one
        memo[node] = verdict
    return verdict


def is_prose_list(lst) -> bool:
    """A list of sentences, not of links or slides: items long enough to say something, most of
    them not simply a link to elsewhere, and not each a picture (a gallery)."""
    items = [li for li in lst if li.tag == "li"]
    if len(items) < 2 or sum(1 for li in items if li.find(".//img") is not None) * 2 >= len(items):
        return False
    lengths = [text_length(li) for li in items]
    if sum(lengths) / len(items) < MIN_PROSE_ITEM_CHARS:
        return False
    linked = sum(1 for li, n in zip(items, lengths)
                 if sum(text_length(a) for a in li.iter("a")) >= LINK_ITEM_SHARE * max(n, 1))
    return linked < LINK_ITEM_SHARE * len(items)


def is_teaser_list(lst) -> bool:
    """A list of other articles' headlines: every item one link, headline-shaped (a few words,
    no full stop) - "related stories" without a label. Sub-lists detail their item instead."""
    items = [li for li in lst if li.tag == "li"]
    if len(items) < 2 or any(a.tag == "li" for a in lst.iterancestors()):
        return False
    words = 0
    for li in items:
        text = " ".join(li.text_content().split())
        links = li.findall(".//a")
        if len(links) != 1 or len(" ".join(links[0].text_content().split())) < LINK_ITEM_SHARE * len(text) \
                or text.endswith((".", "!", "?")):
            return False
        words += len(text.split())
    return words / len(items) >= MIN_TEASER_WORDS


def prose_list_holders(lst, node, lengths: dict):
    """The blocks around a prose list that consist of it (up to, not including, `node`).
    `lengths` (element -> text length) measures each block once, however many lists it holds."""
    def length(el) -> int:
        if el not in lengths:
            lengths[el] = text_length(el)
        return lengths[el]

    for ancestor in lst.iterancestors():
        if ancestor is node or length(lst) < PROSE_LIST_SHARE * length(ancestor):
            return
        yield ancestor


def is_data_table(table) -> bool:
    """Readability.js's test for a table of data (kept), as opposed to one used for layout."""
    if table.get("role") == "presentation" or table.get("datatable") == "0":
        return False
    if table.get("summary") or table.find(".//caption") is not None:
        return True
    if any(table.find(f".//{tag}") is not None for tag in ("thead", "tfoot", "colgroup", "th")):
        return True
    if table.find(".//table") is not None:
        return False
    rows = table.findall(".//tr")
    columns = max((len(row.findall("td")) for row in rows), default=0)
    return len(rows) >= DATA_TABLE_ROWS or columns > DATA_TABLE_COLUMNS or len(rows) * columns > DATA_TABLE_CELLS


def is_footnotes(block) -> bool:
    """The article's own notes: a block named footnotes / endnotes whose links lead back into
    the page ("#ref-3"). readability-lxml counts "foot" and "footnote" as chrome."""
    if not FOOTNOTES.search(f"{block.get('class', '')} {block.get('id', '')} {block.get('role', '')}"):
        return False
    return any((a.get("href") or "").startswith("#") for a in block.iter("a"))


def is_plain_line(block, galleries: dict | None = None) -> bool:
    """A short block of plain text - a line of dialogue, "Con: money." - with no link and no
    picture, outside galleries (whose "1 of 8", "Close" are controls). Readability.js finds a
    short block suspect only when it holds a link; readability-lxml drops every one."""
    raw = block.text_content()
    if len(raw) > MAX_LINE_RAW_CHARS or block.find(".//a") is not None or block.find(".//img") is not None:
        return False
    return 0 < text_length(block) < MIN_TEXT_CHARS and not is_gallery(block, galleries)


def holds_prose(block, min_chars: int) -> bool:
    """Whether a block holds a paragraph of at least `min_chars` characters."""
    return any(text_length(p) >= min_chars for p in block.iter("p"))


def is_heading_block(block) -> bool:
    """A block that is (almost) nothing but a section heading."""
    total = text_length(block)
    headings = sum(text_length(h) for h in block.iter(*HEADINGS))
    return total > 0 and headings >= HEADING_SHARE * total


def is_picture_block(block) -> bool:
    """A block that holds one or two images and no text to speak of: a picture, not emptiness."""
    return 1 <= len(block.findall(".//img")) <= MAX_PICTURE_IMAGES and text_length(block) < MIN_TEXT_CHARS


def paragraph_chars(el) -> int:
    """Characters of text in the paragraphs (<p>) of `el`: where a page's prose is."""
    return sum(text_length(p) for p in el.iter("p"))


def is_embed(el) -> bool:
    """A post quoted from a social network (<blockquote class="twitter-tweet">, an embed's
    wrapper "social-embed embed-twitter"): quoted content, whatever network it names."""
    return el.tag == "blockquote" or not EMBED_WORDS.isdisjoint(w.lower() for w in _WORDS.split(class_and_id(el)))
