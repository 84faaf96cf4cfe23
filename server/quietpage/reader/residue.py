"""Residue: bits of a page's furniture left inside the article, each small and recognisable.

  1. permalinks in headings: a link to the heading itself that shows only a sign ("¶", "#",
     "§", "🔗") or nothing (Sphinx, MkDocs, GitHub, WordPress anchors);
  2. edit links: a wiki's "[edit]" / "[bearbeiten | Quelltext bearbeiten]" beside a heading,
     a CMS's "Edit" link (a link that edits the page, or a group marked as edit links);
  3. the line-number gutter of a code block: a column that counts 1, 2, 3... beside the code;
  4. counters and buttons: a post's position in a thread (itemprop="position"), reaction counts
     on a line of their own ("4 Likes", "12 replies"), and links styled as buttons that say a
     word or two ("Antworten", "Reply", "Load more");
  5. headings of the first rank inside the body (an <h1> would show larger than the article's
     title): they become <h2>s;
  6. captions: a block holding one picture and a text named as its caption (WordPress's
     div.wp-caption and p.wp-caption-text) becomes a <figure> and <figcaption> - shown under
     the picture, never as body text; a credit inside a caption stands on a line of its own
     ("...on Tuesday." / "Marcus Bell for The Harbor Ledger", not glued); a credit line after a
     figure whose caption already gives it goes (credits once);
  7. figures that show nothing: a <figure> with no picture, media, code, table, formula or
     quotation, only a few one- or two-word labels (a rating key or a chart's legend drawn
     with CSS: "Poor Uninspiring Good Excellent Key" - the bars were styles);
  8. headings left over a section the reader emptied: a heading alone in its block, with no
     text or picture after it before the next heading of its rank or higher (or the end), is
     the title of a gallery, player or list of links that went ("Gallery: ... | 14 Photos").
A rule never looks inside code or tables of data (`keep`, verbatim.protected).
"""
from __future__ import annotations

import re

from lxml.etree import iterwalk

from .dom import class_and_id, drop, link_density, text_of

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
PERMALINK_SIGNS = frozenset("¶ § # 🔗 ⚓ ∞ ⁋ 🔖 link permalink".split()) | {""}
_EDIT = (r"(?:edit(?: source| section)?|quelltext bearbeiten|bearbeiten|modifier(?: le code| le wikicode)?|"
         r"editar(?: código(?: fuente)?)?|modifica(?: wikitesto)?|bewerken|redigera|muokkaa)")
EDIT_LINK = re.compile(rf"^\[?\s*{_EDIT}(?:\s*[|·]\s*{_EDIT})*\s*\]?$", re.I)
EDIT_MARK = re.compile(r"editsection|edit-link|post-edit-link|editlink|edit-section", re.I)
_EDITS_PAGE = re.compile(r"[?&]action=(?:edit|submit)\b|[?&]do=edit\b|/edit(?:/|$|[?#])|[?&]veaction=edit", re.I)
MAX_EDIT_WORDS = 6
_COUNT = re.compile(r"\d+")
CAPTION_NAME = re.compile(r"caption|legend|bildunterschrift", re.I)
CREDIT_NAME = re.compile(r"credit|copyright|photographer|courtesy", re.I)
MAX_CREDIT_WORDS = 8
BUTTON = re.compile(r"(?:^|[\s_-])(?:button|btn)(?:$|[\s_-])", re.I)
MAX_BUTTON_WORDS = 3
SHOWS = ("img", "picture", "svg", "video", "audio", "iframe", "object", "embed", "canvas", "table", "pre",
         "code", "math", "blockquote")  # what a figure can show besides its labels
MAX_LABEL_WORDS, MIN_LABELS, MAX_LEGEND_WORDS = 2, 2, 12
MAX_ORPHAN_LINK_SHARE = 0.5
COUNTER = re.compile(r"^\d[\d.,]*\s*(?:likes?|replies|reply|views?|reactions?|upvotes?|votes?|points?|"
                     r"shares?|gefällt mir|antworten|antwort|aufrufe|j'aime|réponses?)$", re.I)


def drop_permalinks(root, keep: set) -> None:
    """1. <h2>Loading a table<a class="headerlink" href="#loading">¶</a></h2>: the sign goes."""
    for heading in root.iter(*HEADINGS):
        if heading in keep:
            continue
        for a in list(heading.iter("a")):
            href = (a.get("href") or "").strip()
            if href.startswith("#") and a.find(".//img") is None \
                    and text_of(a).lower() in PERMALINK_SIGNS and text_of(a) != text_of(heading):
                drop(a)


def _is_edit_link(el) -> bool:
    text = text_of(el)
    if not text or len(text.split()) > MAX_EDIT_WORDS:
        return False
    links = list(el.iter("a"))
    if EDIT_MARK.search(class_and_id(el)):
        return bool(links) or bool(EDIT_LINK.match(text))
    if not EDIT_LINK.match(text) or not links:
        return False
    return text.startswith("[") or any(_EDITS_PAGE.search(a.get("href") or "") for a in links)


def drop_edit_links(root, keep: set) -> None:
    """2. "[edit]" beside a heading (a group in brackets, or a link that edits the page), and
    what a CMS marks as its edit link ("Edit" in <span class="edit-link">). "How to edit a video"
    is a heading, and a link "edit" to an article about editing is a link: both stay."""
    for el in list(root.iter("span", "a", "div", "p", "small", "sup")):
        if el.getparent() is not None and el not in keep and _is_edit_link(el):
            drop(el)


def _counts_up(text: str) -> bool:
    numbers = _COUNT.findall(text)
    return len(numbers) >= 2 and numbers == [str(i) for i in range(1, len(numbers) + 1)] \
        and not _COUNT.sub("", text).strip()


def drop_code_gutters(root, keep: set) -> None:
    """3. A cell or column whose text only counts 1, 2, 3... beside a sibling holding the code
    (Pygments' td.linenos, Rouge's gutter): line numbers, not text. A numbered list of steps
    has words, and a column of numbers with no code beside it is data. The table that only
    set the gutter beside the code (one cell left) goes too: the code block stands alone, as
    the reader and the Markdown export show code."""
    for el in list(root.iter("td", "div", "pre")):
        parent = el.getparent()
        if parent is None or parent in keep:
            continue
        siblings = [s for s in parent if s is not el and isinstance(s.tag, str)]
        if _counts_up(el.text_content()) and any(s.tag in ("pre", "code") or s.find(".//pre") is not None
                                                  for s in siblings):
            drop(el)
            if el.tag == "td":
                _unwrap_code_table(parent)


def _unwrap_code_table(row) -> None:
    """The table around `row` holds one cell, with a code block: the cell takes its place."""
    table = next(row.iterancestors("table"), None)
    if table is None or table.getparent() is None:
        return
    cells = table.xpath(".//td | .//th")
    if len(cells) != 1 or cells[0].find(".//pre") is None:
        return
    cell = cells[0]
    cell.tag, cell.tail = "div", table.tail
    cell.attrib.clear()
    table.getparent().replace(table, cell)
    cell.drop_tag()


def drop_counters(root, keep: set) -> None:
    """4. A post's number in a thread, its reaction counts and the page's buttons: numbers and
    controls about the page, not words of it. "4 Likes" inside a sentence is the sentence's,
    and a link in the text is a link."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el in keep:
            continue
        text = text_of(el)
        if (el.get("itemprop") == "position" and text.isdigit()) or (COUNTER.match(text) and el.tag != "a"
                                                                      and not (el.tail or "").strip()) \
                or (el.tag == "a" and len(text.split()) <= MAX_BUTTON_WORDS
                    and (BUTTON.search(el.get("class") or "") or el.get("role") == "button")):
            drop(el)


def demote_h1s(root, keep: set) -> None:
    """5. An <h1> in the body becomes an <h2>: the article's title is the page's only first-rank
    heading."""
    for h1 in list(root.iter("h1")):
        if h1 not in keep:
            h1.tag = "h2"


def caption_figures(root, keep: set) -> None:
    """6. Captions as captions (see the module docstring)."""
    for block in list(root.iter("div", "p", "span", "figure")):
        if block in keep or block.getparent() is None or len(block.findall(".//img")) != 1:
            continue
        caption = next((c for c in block.iterdescendants() if isinstance(c.tag, str) and c.tag != "figcaption"
                        and c.find(".//img") is None and CAPTION_NAME.search(class_and_id(c)) and text_of(c)), None)
        if caption is not None and text_of(caption) == text_of(block):
            block.tag, caption.tag = "figure", "figcaption"
    for caption in root.iter("figcaption"):
        for credit in list(caption.iterdescendants()):
            if isinstance(credit.tag, str) and CREDIT_NAME.search(f"{class_and_id(credit)} {credit.get('itemprop', '')}") \
                    and _text_before(credit, caption):
                credit.addprevious(credit.makeelement("br", {}))
                break
    for figure in list(root.iter("figure")):
        following = figure.getnext()
        if following is not None and following not in keep and following.tag in ("p", "div", "span") \
                and 0 < len(text_of(following).split()) <= MAX_CREDIT_WORDS and text_of(following) in text_of(figure):
            drop(following)


def drop_label_figures(root, keep: set) -> None:
    """7. A figure made of labels alone (see the module docstring). A figure holding a quotation,
    a poem's lines or any sentence is not one: only a few blocks of one or two words each."""
    for figure in list(root.iter("figure")):
        if figure in keep or figure.getparent() is None or any(True for _ in figure.iter(*SHOWS)):
            continue
        labels = [text_of(el) for el in figure.iter() if isinstance(el.tag, str) and len(el) == 0 and text_of(el)]
        words = sum(len(label.split()) for label in labels)
        if len(labels) >= MIN_LABELS and words <= MAX_LEGEND_WORDS and _ink(figure.text_content()) == _ink("".join(labels)) \
                and all(len(label.split()) <= MAX_LABEL_WORDS for label in labels):
            drop(figure)


def _ink(text: str) -> str:
    return "".join(text.split())


def _content_events(root) -> list:
    """("h", heading) and ("c", element) for each heading and each text or picture outside
    headings, in document order, in one walk."""
    events, in_heading = [], 0
    for action, el in iterwalk(root, events=("start", "end")):
        if action == "start":
            if el.tag in HEADINGS:
                if not in_heading:
                    events.append(("h", el))
                in_heading += 1
            elif not in_heading and isinstance(el.tag, str) and (el.tag in SHOWS or (el.text or "").strip()):
                events.append(("c", el))
            continue
        if el.tag in HEADINGS:
            in_heading -= 1
        if el is not root and not in_heading and (el.tail or "").strip():
            events.append(("c", el.getparent()))
    return events


def _alone_in_block(heading) -> bool:
    """Whether the heading is all its block shows (the block is not the article itself)."""
    block = heading.getparent()
    return block is not None and block.getparent() is not None and text_of(block) == text_of(heading) \
        and not any(True for el in block.iter(*SHOWS) if heading not in el.iterancestors())


def drop_orphan_headings(root, keep: set) -> None:
    """8. A heading alone in its block over a section left empty (see the module docstring).
    A heading over a sub-section (a lower rank) or over text in the next block stays."""
    events = _content_events(root)
    for i, (kind, heading) in enumerate(events):
        if kind != "h" or heading in keep or link_density(heading) > MAX_ORPHAN_LINK_SHARE \
                or next(heading.iterancestors("a"), None) is not None:
            continue  # (a headline that is a link is a teaser's: boilerplate.py's business)
        after = events[i + 1] if i + 1 < len(events) else None
        if (after is None or (after[0] == "h" and after[1].tag <= heading.tag)) and _alone_in_block(heading):
            drop(heading)


def _text_before(el, top) -> bool:
    """Whether `top` shows text before `el` (so that `el` is glued to it)."""
    for text in el.xpath("preceding::text()[normalize-space()]"):
        holder = text.getparent()
        if holder is top or top in holder.iterancestors():
            return True
    return False


def strip_residue(root, keep: set) -> None:
    """Rules 1-4, 6 and 7 (5, demote_h1s, runs once the repeated headline is gone; 8,
    drop_orphan_headings, once the boilerplate is gone)."""
    drop_permalinks(root, keep)
    drop_edit_links(root, keep)
    drop_code_gutters(root, keep)
    drop_counters(root, keep)
    caption_figures(root, keep)
    drop_label_figures(root, keep)
