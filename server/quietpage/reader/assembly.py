"""What belongs to the article around the block readability picked, when the page keeps it apart:

  - the lead: what stands between the article's headline and its body - the standfirst, the
    lead picture and its caption, the byline (repairs take the byline out again) - is the
    article's, when it is short and not a list of links (news templates put the headline, the
    standfirst and the picture in a header, the body in a section beside it);
  - blocks sandwiched between parts of the article: a table of data, a figure, a code block, a
    heading or a list standing between two blocks that belong is part of it too (page builders
    and wikis split an article into sibling blocks; readability takes the prose and leaves
    what stands between), unless it is mostly links;
  - the other segments of a page builder's article: when a block around the pick has siblings
    built alike (same tag, same first class: Elementor's sections, Divi's rows) that hold prose
    and few links, the article is all of them, in order (readability takes one section).
Used by core.ReaderDocument.get_article; `doc` is that ReaderDocument (its link density).
"""
from __future__ import annotations

import re

from .blocks import holds_prose
from .dom import text_of
from .titles import SIMILAR, similarity

LEAD_NAMES = re.compile(r"summary|standfirst|\bdek\b|deck|lede|\blead|intro|teaser|subtitle|subhead|"
                        r"excerpt|abstract|description|sapo|chapeau|vorspann", re.I)
NOT_LEAD_NAMES = re.compile(r"credit|caption|photo|image|byline|author|date|time|meta|share", re.I)
MIN_LEAD_CHARS, MAX_STANDFIRST_CHARS = 50, 600
SENTENCE_ENDS = (".", "!", "?", "…", '"', "”", "»", "“")
MAX_LEAD_CHARS = 1200  # a standfirst, a caption, a byline: more is another block of the page
MAX_LEAD_LINK_DENSITY = 0.3
MAX_SANDWICHED_LINK_DENSITY = 0.3
MAX_SEGMENT_LEVELS = 8  # a page builder nests text 6 or 7 levels inside its section
STOP_TAGS = frozenset({"body", "html", "article", "main"})  # the page's own container ends the search
MIN_SEGMENT_PROSE = 80  # a paragraph of prose, not a teaser
MIN_OTHER_SEGMENTS = 2  # a builder's article has sections; one look-alike block is a box beside it
MAX_SEGMENT_LINK_DENSITY = 0.2


def headline_of(root, title: str):
    """The page's headline: the first <h1>/<h2> that says the title."""
    if not title:
        return None
    return next((h for h in root.iter("h1", "h2") if similarity(title, text_of(h)) > SIMILAR), None)


def _between(start, end) -> list:
    """The outermost elements after `start` and before `end` in document order (neither
    holding one of them)."""
    found = []
    holders_of_end = set(end.iterancestors())
    node = start
    while node is not None and node not in holders_of_end:
        for sibling in node.itersiblings():
            if sibling is end or sibling in holders_of_end:
                return found
            if isinstance(sibling.tag, str):
                found.append(sibling)
        node = node.getparent()
    return []  # the end is not after the start


def headline_leads(doc, body, title: str) -> list:
    """The blocks between the headline and `body` (see the module docstring), in order."""
    headline = headline_of(doc.html, title)
    if headline is None or headline in body.iterancestors() or body in headline.iterancestors():
        return []
    blocks = [el for el in _between(headline, body) if text_of(el) or el.find(".//img") is not None]
    if not blocks or sum(len(text_of(el)) for el in blocks) > MAX_LEAD_CHARS:
        return []
    return [el for el in blocks if _is_standfirst(el) and doc.get_link_density(el) <= MAX_LEAD_LINK_DENSITY]


def _is_standfirst(el) -> bool:
    """A block named as the standfirst that reads as one: a sentence or two, not a credit,
    a caption or a byline line."""
    names = f"{el.get('class', '')} {el.get('id', '')}"
    text = text_of(el)
    return bool(LEAD_NAMES.search(names)) and not NOT_LEAD_NAMES.search(names) \
        and MIN_LEAD_CHARS <= len(text) <= MAX_STANDFIRST_CHARS and text.endswith(SENTENCE_ENDS)


def fill_sandwiched(doc, siblings: list, belongs: list[bool]) -> list[bool]:
    """`belongs` (per sibling), with the siblings standing between two that belong added when
    they are not mostly links (see the module docstring)."""
    taken = [i for i, b in enumerate(belongs) if b]
    if len(taken) < 2:
        return belongs
    filled = list(belongs)
    for i in range(taken[0] + 1, taken[-1]):
        sibling = siblings[i]
        if not filled[i] and isinstance(sibling.tag, str) and (text_of(sibling) or sibling.find(".//img") is not None) \
                and doc.get_link_density(sibling) <= MAX_SANDWICHED_LINK_DENSITY:
            filled[i] = True
    return filled


def _signature(el) -> tuple:
    classes = (el.get("class") or "").split()
    return el.tag, classes[0] if classes else None


def builder_segments(doc, body) -> list:
    """`body`, and the blocks that play its part in the other segments built alike around it
    (see the module docstring), in order - or []. A segment's own wrappers (a builder's
    widgets, named "widget") are not taken: the blocks at `body`'s place in each are."""
    node, path = body, []
    for _ in range(MAX_SEGMENT_LEVELS):
        parent = node.getparent()
        if parent is None or node.tag in STOP_TAGS:
            return []
        signature = _signature(node)
        path.insert(0, signature)
        if signature[1] is not None:
            alike = [s for s in parent if s is not node and isinstance(s.tag, str) and _signature(s) == signature
                     and holds_prose(s, MIN_SEGMENT_PROSE) and doc.get_link_density(s) <= MAX_SEGMENT_LINK_DENSITY]
            if len(alike) >= MIN_OTHER_SEGMENTS:
                found = []
                for segment in parent:
                    if segment is node:
                        found.append(body)
                    elif segment in alike:
                        found += [el for el in _follow([segment], path[1:]) if text_of(el) or el.find(".//img") is not None]
                return found
        node = parent
    return []


def _follow(elements: list, path: list) -> list:
    """The descendants of `elements` reached by children of the signatures in `path`, in order."""
    for signature in path:
        elements = [c for e in elements for c in e if isinstance(c.tag, str) and _signature(c) == signature]
    return elements
