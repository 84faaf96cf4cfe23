"""The visible byline: the author line as the page prints it ("By Joshua Sokol").

Walks the page in reading order, as Readability.js does when a page declares no author: the
first element that says it is a byline (rel="author", itemprop="author", or a class/id naming a
byline, author or dateline) and holds a short text. What a reader never sees is skipped with
its whole subtree: hidden nodes, modal dialogs, and page chrome (headers, footers, sidebars,
comments...) - except a header that holds the page's <h1>, which is the article's own header,
where bylines live - so an author link in a "related stories" rail is not taken for the article's.
"""
from __future__ import annotations

import re

from .dom import class_and_id, has_rel, text_of
from .visibility import is_hidden

BYLINE_HINT = re.compile(r"byline|author|dateline|writtenby", re.I)
# Containers that are page chrome, by class/id (Readability.js's "unlikely candidates").
UNLIKELY = re.compile(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|"
    r"header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|"
    r"supplemental|ad-break|agegate|pagination|pager|popup|yom-remote", re.I)
MAYBE_CONTENT = re.compile(r"and|article|body|column|content|main|shadow", re.I)
UNLIKELY_ROLES = frozenset({"menu", "menubar", "complementary", "navigation", "alert",
                            "alertdialog", "dialog"})
MAX_BYLINE_CHARS = 100  # longer than this is a paragraph about the author, not a byline
DATE_PART = re.compile(r"(?:^|[\s_-])(?:date|time|timestamp|dateline|published|updated)(?:$|[\s_-])", re.I)
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
GLUED_DATE = re.compile(rf"(?<=[a-z]){_MONTHS}\.?\s*\d{{1,2}},?\s*\d{{4}}.*$", re.I)
# "By Priya Natarajan", "Von Anna Berg und Jan Holt": a line that is only a byline
BY_NAME = re.compile(r"^(?i:by|von|par|por|door|av|af)\s+[A-ZÀ-Þ][\w'’.-]*(?:\s+(?:and|und|et|y|&|[A-ZÀ-Þ][\w'’.-]*)){0,5}$")
LINE_TAGS = ("p", "div", "span", "address")
SEPARATORS = " |·•»«-–—/,;:"


def _is_byline(el, match: str) -> bool:
    if not (has_rel(el, "author") or "author" in (el.get("itemprop") or "")
            or BYLINE_HINT.search(match)):
        return False
    length = len(el.text_content().strip())
    return 0 < length < MAX_BYLINE_CHARS


def _is_chrome(el, match: str) -> bool:
    if el.tag in ("body", "a", "html") or el.find(".//h1") is not None:
        return False  # (a "header" that holds the headline is the article's own header)
    if UNLIKELY.search(match) and not MAYBE_CONTENT.search(match):
        return not any(a.tag in ("table", "code") for a in el.iterancestors())
    return (el.get("role") or "") in UNLIKELY_ROLES


def _name_inside(el):
    """A descendant marked itemprop="name" names the author more exactly than the whole line."""
    for child in el.iterdescendants():
        if isinstance(child.tag, str) and "name" in (child.get("itemprop") or ""):
            return child
    return el


def byline_text(el) -> str:
    """The byline's words without the date the page prints inside it (a <time>, a part named
    date, or a date glued to the name: "By Carrie ArnoldNovember 15, 2019"), nor what is hidden
    (a screen reader's "Posted" label)."""
    parts: list[str] = []
    stack: list = [el]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        if not isinstance(item.tag, str) or (item is not el and _left_out(item)):
            parts.append(" ")
            continue
        later: list = [item.text or ""]
        for child in item:
            later += [child, child.tail or ""]
        stack.extend(reversed(later))
    text = " ".join("".join(parts).split())
    return " ".join(GLUED_DATE.sub("", text).split()).strip(SEPARATORS)


def _left_out(node) -> bool:
    return node.tag == "time" or bool(DATE_PART.search(class_and_id(node))) or is_hidden(node)


def find_byline(doc) -> str | None:
    """The first hinted byline in reading order; failing that, the first short line that
    says "By Name" (a capitalised name of a few words) outside the page's chrome."""
    plain = None
    stack = [doc]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        if is_hidden(el) or (el.get("aria-modal") == "true" and el.get("role") == "dialog"):
            continue
        match = class_and_id(el)
        if _is_byline(el, match):
            return byline_text(_name_inside(el)) or None
        if _is_chrome(el, match):
            continue
        if plain is None and el.tag in LINE_TAGS and BY_NAME.match(text_of(el)):
            plain = text_of(el)
        stack.extend(reversed(el))
    return plain
