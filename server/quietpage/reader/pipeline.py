"""The reader pipeline: page HTML + URL -> Article. Pure: no I/O, no aiohttp.

Phases, in order:
  1. parse once, tolerating whatever arrives (empty, binary, huge, mis-decoded); refuse a page
     nested deeper than the limit (limits.py)
  2. read metadata from the untouched page (JSON-LD, meta tags, microdata, <time>, bylines)
  3. choose the title, and find phrases injected around it and into the text
  4. resolve lazy images and drop tracking pixels, then prune page chrome
  5. find the main text: readability-lxml's pick, judged against the page's own article markup
  6. repair it: injected spam, repeated headline, byline lines, duplicate captions, boilerplate
  7. make URLs absolute (honouring <base href>), then sanitise (allow-list)
  8. derive the plain text from the sanitised HTML, so highlights point into what is shown
     (or, when the page's JSON-LD articleBody is much longer than what we found, that)
"""
from __future__ import annotations

import logging
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from ..errors import ExtractionError, NoContent, QuietPageError
from .article import Article, count_words, reading_minutes
from .candidates import choose
from .dom import squash
from .images import resolve_images
from .limits import MAX_HTML_DEPTH
from .metadata import read_metadata
from .parse import element, parse_document, parse_fragment
from .prune import prune
from .repair import repair
from .sanitize import sanitize
from .spam import strip_injected
from .text import block_text
from .titles import choose_title, opening_heading
from .visibility import HIDDEN_MARK, carries_marks, drop_marked, prefer_formulas

log = logging.getLogger(__name__)
MAX_EXCERPT_CHARS = 300
MIN_EXCERPT_CHARS = 80  # a first paragraph shorter than this is a dateline, not an excerpt
# JSON-LD articleBody rescues the text when it is this much longer than what we found, and long
MIN_RESCUE_CHARS, RESCUE_FACTOR = 500, 2.0
# The page's text as a reader sees it, where injected phrases show themselves glued into words:
# not its scripts and styles. (Scripts are over 90 % of the text of big news pages - a megabyte
# on yahoo-1; counting every word of them made the title's spam check 31 % of the reading time
# of a zyte news page, and their JSON made a real headline segment look glued: "reviews".)
_SHOWN_TEXT = lxml.etree.XPath("descendant-or-self::text()[not(ancestor::script or ancestor::style "
                               "or ancestor::template)]")


def extract(html: str, url: str | None = None, max_depth: int = MAX_HTML_DEPTH, *,
            keep_local_urls: bool = False) -> Article:
    """The article in a page. Raises ExtractionError (NoContent when there is nothing to read,
    too_deep when the page nests deeper than `max_depth`), with a message for people, whatever
    the page: never a library's traceback. Links and images to this machine or a private
    network are dropped unless `keep_local_urls` (sanitize.py)."""
    if not isinstance(html, str):
        raise TypeError("html must be a str")
    try:
        return _extract(html, url, max_depth, keep_local_urls)
    except QuietPageError:
        raise
    except Exception as exc:  # a page no rule foresaw: say so, keep the details in the log
        log.exception("reader failed on %s", url)
        raise ExtractionError(f"The reader could not read this page ({type(exc).__name__}).") from exc


def _extract(html: str, url: str | None, max_depth: int, keep_local_urls: bool = False) -> Article:
    # 1. parse; formulas over their pictures; what the rendered page marked as unseen goes
    doc = parse_document(html, max_depth)
    prefer_formulas(doc)
    marks = HIDDEN_MARK in html and carries_marks(doc)  # (the string first: nearly no page has it)
    if marks:
        drop_marked(doc)
    page_url = _usable(url)
    base = _base_url(doc, page_url)
    # 2. metadata, before anything is removed
    meta = read_metadata(doc, base)
    # 3. title, and the phrases a spam site glues around it and into the text
    body = doc.find(".//body")
    headings = [squash(h.text_content()) for h in doc.iter("h1", "h2")]
    title = choose_title(meta, headings, page_url, " ".join(_SHOWN_TEXT(body if body is not None else doc)))
    # 4. images, then chrome
    resolve_images(doc)
    prune(doc, marks)
    # 5. main text
    choice = choose(doc, base, title.title)
    content = choice.element
    if not title.sure:  # a <title> nothing confirms: the heading the article opens with says better
        title = replace(title, title=opening_heading(content) or title.title)
    # 6. repairs
    strip_injected(content, title.junk)
    repair(content, title.title, meta.byline)
    # 7-8. absolute URLs, sanitised HTML, and its text
    content_html, text = _render(content, base, keep_local_urls)
    readerable = choice.readerable
    if (rescued := _from_article_body(meta.article_body, text)) is not None:
        (content_html, text), readerable = _render(rescued, None, keep_local_urls), True
    if not text and body is not None:  # nothing article-like: best effort, the page's own text
        content_html, text = _render(body, base, keep_local_urls)
        readerable = False
    if not text:
        raise NoContent("No readable text was found on this page.")
    words = count_words(text)
    excerpt = meta.excerpt or _first_paragraph(text)
    return Article(
        url=url,
        title=title.title or text.split("\n", 1)[0][:200],
        byline=meta.byline,
        site_name=meta.site_name or title.site_name,
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
        readerable=readerable,
    )


def _render(content, base: str | None, keep_local_urls: bool = False) -> tuple[str, str]:
    """7. absolute URLs, then the allow-list sanitiser; 8. the plain text of what is shown."""
    if base:
        try:
            content.make_links_absolute(base, resolve_base_href=False, handle_failures="discard")
        except ValueError:
            pass
    content_html = sanitize(lxml.html.tostring(content, encoding="unicode", method="html"),
                            keep_local_urls=keep_local_urls)
    return content_html, block_text(parse_fragment(content_html))


def _from_article_body(article_body: str | None, text: str):
    """The article as the page's JSON-LD articleBody gives it - paragraphs of text, any markup
    in it taken as text - when what we found is much shorter (a page that fills its body with
    a script, a paywalled preview); None otherwise. A body shorter than what we found (a
    teaser, a truncated summary) never replaces it."""
    if not article_body or len(article_body) < MIN_RESCUE_CHARS or len(article_body) < RESCUE_FACTOR * len(text):
        return None
    plain = block_text(parse_fragment(article_body)) if "<" in article_body else article_body
    paragraphs = [" ".join(line.split()) for line in plain.split("\n") if line.strip()]
    root = element("div")
    for paragraph in paragraphs:
        root.append(element("p"))
        root[-1].text = paragraph
    return root


def _usable(url: str | None) -> str | None:
    """The page URL if links can be resolved against it (a malformed one is ignored, not fatal)."""
    if not url:
        return None
    try:
        urlsplit(url).hostname  # raises on a malformed host ("http://[::1")
    except ValueError:
        return None
    return url


def _base_url(doc, url: str | None) -> str | None:
    """Where relative links point: the page URL, or the page's <base href> resolved against it."""
    base = doc.find(".//base[@href]")
    href = (base.get("href") or "").strip() if base is not None else ""
    if not href:
        return url
    try:
        joined = urljoin(url or "", href)
    except ValueError:
        return url
    return joined if joined.lower().startswith(("http://", "https://")) else url


def _first_paragraph(text: str) -> str | None:
    return next((line for line in text.split("\n") if len(line) >= MIN_EXCERPT_CHARS), None)
