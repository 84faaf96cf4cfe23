"""Choosing the main text: readability's pick, judged against what the page itself marks as
its article, keeping the best (a sieve, as Readability.js and trafilatura do).

Candidates:
  A. readability-lxml's article (core.ReaderDocument);
  B. the page's own article container: the element marked itemprop="articleBody", the <article>
     that holds the headline, the only substantial <article>, or <main> / role="main" - cleaned
     the way readability cleans its own pick.
Judgement:
  - readability found nothing, or far less than the container holds (it settled on one figure
    or one list item of a post made of many): take the container;
  - readability's pick spans several <article>s (a post followed by teasers of other posts) while
    one of them holds the headline: take that one.
Otherwise readability's pick stands. `Choice.readerable` says whether what we return looks like
an article at all (enough text, not a list of links).
"""
from __future__ import annotations

from dataclasses import dataclass

from .core import ReaderDocument
from .dom import link_density as _link_density, text_length as _text_len, text_of as _squashed
from .titles import SIMILAR, similarity

TOO_LITTLE = 0.2  # readability's prose under this share of the container's: it missed most of it
MAX_CONTAINER_LINK_DENSITY = 0.3  # a container denser in links than this is a list of links
MIN_CONTAINER_CHARS = 250  # smaller containers are teasers, not the article
SPANS_MANY = 1.5  # readability's text over this multiple of the headline article: it took others too
MIN_READERABLE_CHARS = 140  # Readability.js's isProbablyReaderable minimum content length
PROSE_BLOCKS = ("p", "pre", "li", "blockquote", "td", "dd", "figcaption")
MIN_PROSE_CHARS = 25  # readability-lxml's own minimum for a paragraph worth scoring


@dataclass
class Choice:
    element: object  # an lxml element holding the article
    source: str  # "readability", "container" or "headline-article"
    readerable: bool


def _prose_len(el) -> int:
    """Characters in the element's paragraphs: blocks of text long enough to be sentences (menus,
    player controls and tag clouds are many short blocks, and do not count)."""
    total = 0
    for block in el.iter(*PROSE_BLOCKS):
        if block.find(".//p") is None and block.find(".//li") is None:
            length = len(_squashed(block))
            total += length if length >= MIN_PROSE_CHARS else 0
    return total


def _opening(el) -> str:
    """The first words of an element's longest paragraph: enough to find it elsewhere."""
    paragraphs = [_squashed(p) for p in el.iter("p")] or [_squashed(el)]
    return max(paragraphs, key=len)[:80]


def _holds_headline(el, title: str) -> bool:
    for h in el.iter("h1", "h2", "h3"):
        text = _squashed(h)
        if text and title and similarity(title, text) > SIMILAR:
            return True
    return False


def headline_article(doc, title: str):
    """The <article> that holds the headline, when the page has several."""
    articles = list(doc.iter("article"))
    if len(articles) < 2:
        return None
    holding = [a for a in articles if a.find(".//article") is None and _holds_headline(a, title)]
    return holding[0] if len(holding) == 1 else None


def container(doc, lead):
    """The page's own article container, most specific marking first (`lead`: the headline
    article, from headline_article)."""
    marked, articles, mains = [], [], []
    for el in doc.iter():  # one walk for the three markings
        if not isinstance(el.tag, str):
            continue
        if "articleBody" in (el.get("itemprop") or "").split():
            marked.append(el)
        if el.tag == "article":
            articles.append(el)
        if el.tag == "main" or el.get("role") == "main":
            mains.append(el)
    lengths: dict = {}

    def length(el) -> int:
        if el not in lengths:
            lengths[el] = _text_len(el)
        return lengths[el]

    articles = [a for a in articles if length(a) >= MIN_CONTAINER_CHARS]
    for group in (marked, [lead] if lead is not None else [], articles if len(articles) == 1 else [],
                  mains[:1]):
        group = [el for el in group if length(el) >= MIN_CONTAINER_CHARS]
        if group:
            return max(group, key=length)
    return None


def choose(doc, url: str | None, title: str) -> Choice:
    reader = ReaderDocument(doc, url=url, title=title)
    picked = reader.main_content()
    picked_len = _text_len(picked) if picked is not None else 0
    lead = headline_article(doc, title)
    box = container(doc, lead)
    if box is not None and _link_density(box) <= MAX_CONTAINER_LINK_DENSITY:
        picked_prose = _prose_len(picked) if picked is not None else 0
        if picked is None or picked_prose < TOO_LITTLE * _prose_len(box):
            cleaned = reader.clean_container(box)
            if cleaned is not None and _prose_len(cleaned) > picked_prose:
                return Choice(cleaned, "container", True)
    if picked is not None and lead is not None and picked_len > SPANS_MANY * _text_len(lead) \
            and _text_len(lead) >= MIN_CONTAINER_CHARS and _opening(lead) in _squashed(picked):
        cleaned = reader.clean_container(lead)
        if cleaned is not None:
            return Choice(cleaned, "headline-article", True)
    if picked is None:
        body = doc.find(".//body")
        picked = reader.clean_container(body if body is not None else doc)
        picked = picked if picked is not None else (body if body is not None else doc)
    readerable = _text_len(picked) >= MIN_READERABLE_CHARS and _link_density(picked) < 0.5
    return Choice(picked, "readability", readerable)
