"""The reader pipeline: page HTML + URL -> Article. Pure: no I/O, no aiohttp.

Phases, in order:
  1. parse once, tolerating whatever arrives
  2. read metadata from the untouched page (JSON-LD, OpenGraph, meta, <time>, bylines)
  3. pick the headline and note the junk segments glued around it
  4. prune page chrome (nav, share bars, related lists, hidden nodes) before scoring
  5. find the main text with readability-lxml
  6. remove spam glued into the text, and the headline repeated at its top
  7. make URLs absolute, then sanitise (allow-list; no script, no handlers)
  8. derive the plain text from the sanitised HTML, so highlights point into what is shown
"""
from __future__ import annotations

import logging

import lxml.html
from lxml.etree import ParserError
from readability import Document
from readability.readability import Unparseable

from ..errors import NoContent
from .article import Article, count_words, reading_minutes
from .metadata import read_metadata, squash
from .parse import parse_document, parse_fragment
from .prune import prune
from .sanitize import sanitize
from .spam import strip_injected
from .text import block_text
from .titles import clean_title

log = logging.getLogger(__name__)
MAX_EXCERPT_CHARS = 300


def extract(html: str, url: str | None = None) -> Article:
    if not isinstance(html, str):
        raise TypeError("html must be a str")
    # 1. parse
    doc = parse_document(html)
    # 2. metadata, before anything is removed
    meta = read_metadata(doc, url)
    # 3. headline
    headings = [squash(h.text_content()) for h in doc.iter("h1")]
    title = clean_title(meta.titles, meta.site_name, url, headings)
    # 4. prune chrome
    prune(doc)
    # 5. main text
    content = _main_content(doc, url)
    # 6. spam and a repeated headline
    strip_injected(content, title.junk)
    _drop_repeated_headline(content, title.title, headings)
    # 7. absolute URLs, then sanitise
    if url:
        try:
            content.make_links_absolute(url, resolve_base_href=False, handle_failures="discard")
        except ValueError:
            pass
    content_html = sanitize(lxml.html.tostring(content, encoding="unicode", method="html"))
    # 8. plain text of what is shown
    text = block_text(parse_fragment(content_html))
    if not text:
        raise NoContent("No readable text was found on this page.")
    words = count_words(text)
    excerpt = meta.excerpt or _first_sentence_block(text)
    return Article(
        url=url,
        title=title.title or _first_line(text),
        byline=meta.byline,
        site_name=meta.site_name,
        published=meta.published,
        lang=meta.lang,
        excerpt=excerpt[:MAX_EXCERPT_CHARS] if excerpt else None,
        lead_image=meta.lead_image,
        content_html=content_html,
        text=text,
        word_count=words,
        reading_minutes=reading_minutes(words),
        direction=meta.direction,
        keywords=tuple(meta.keywords),
    )


def _main_content(doc, url: str | None):
    """readability-lxml's choice of the main content, as an lxml element."""
    try:
        summary = Document(doc, url=url).summary(html_partial=True)
    except (Unparseable, ParserError, ValueError) as exc:
        log.info("readability failed (%s); falling back to the body", exc)
        body = doc.find(".//body")
        return body if body is not None else doc
    return parse_fragment(summary)


def _drop_repeated_headline(content, title: str, headings: list[str]) -> None:
    """The reader shows the title itself: drop a leading heading that repeats it."""
    for el in content.iter("h1", "h2"):
        text = squash(el.text_content())
        if text and (text == title or text in headings and title in text):
            el.drop_tree()
        break


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0][:200]


def _first_sentence_block(text: str) -> str | None:
    for line in text.split("\n"):
        if len(line) >= 80:
            return line
    return None
