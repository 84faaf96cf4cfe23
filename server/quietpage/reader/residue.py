"""Residue: bits of a page's furniture left inside the article, each small and recognisable.

  1. permalinks in headings: a link to the heading itself that shows only a sign ("¶", "#",
     "§", "🔗") or nothing (Sphinx, MkDocs, GitHub, WordPress anchors);
  2. edit links: a wiki's "[edit]" / "[bearbeiten | Quelltext bearbeiten]" beside a heading,
     a CMS's "Edit" link (a link that edits the page, or a group marked as edit links);
  3. the line-number gutter of a code block: a column that counts 1, 2, 3... beside the code;
  4. headings of the first rank inside the body (an <h1> would show larger than the article's
     title): they become <h2>s.
A rule never looks inside code or tables of data (`keep`, verbatim.protected).
"""
from __future__ import annotations

import re

from .dom import class_and_id, drop, text_of

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
PERMALINK_SIGNS = frozenset("¶ § # 🔗 ⚓ ∞ ⁋ 🔖 link permalink".split()) | {""}
_EDIT = (r"(?:edit(?: source| section)?|quelltext bearbeiten|bearbeiten|modifier(?: le code| le wikicode)?|"
         r"editar(?: código(?: fuente)?)?|modifica(?: wikitesto)?|bewerken|redigera|muokkaa)")
EDIT_LINK = re.compile(rf"^\[?\s*{_EDIT}(?:\s*[|·]\s*{_EDIT})*\s*\]?$", re.I)
EDIT_MARK = re.compile(r"editsection|edit-link|post-edit-link|editlink|edit-section", re.I)
_EDITS_PAGE = re.compile(r"[?&]action=(?:edit|submit)\b|[?&]do=edit\b|/edit(?:/|$|[?#])|[?&]veaction=edit", re.I)
MAX_EDIT_WORDS = 6
_COUNT = re.compile(r"\d+")


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
    has words, and a column of numbers with no code beside it is data."""
    for el in list(root.iter("td", "div", "pre")):
        if el.getparent() is None or el.getparent() in keep:
            continue
        siblings = [s for s in el.getparent() if s is not el and isinstance(s.tag, str)]
        if _counts_up(el.text_content()) and any(s.tag in ("pre", "code") or s.find(".//pre") is not None
                                                  for s in siblings):
            drop(el)


def demote_h1s(root, keep: set) -> None:
    """4. An <h1> in the body becomes an <h2>: the article's title is the page's only first-rank
    heading."""
    for h1 in list(root.iter("h1")):
        if h1 not in keep:
            h1.tag = "h2"


def strip_residue(root, keep: set) -> None:
    """Rules 1-3 (4, demote_h1s, runs once the repeated headline is gone)."""
    drop_permalinks(root, keep)
    drop_edit_links(root, keep)
    drop_code_gutters(root, keep)
