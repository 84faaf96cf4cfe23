"""Page metadata, from the most trusted source to the least:
JSON-LD, OpenGraph / Twitter / Dublin Core and other meta tags, microdata, <time>, visible bylines.

`read_metadata(doc, url)` looks at the parsed page before any pruning and returns `Metadata`:
every field is the first usable value in that order of trust, cleaned.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from .dates import parse_date, find_visible_date

ARTICLE_TYPES = frozenset(
    "Article NewsArticle BlogPosting ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle "
    "ReviewNewsArticle BackgroundNewsArticle TechArticle ScholarlyArticle SocialMediaPosting "
    "LiveBlogPosting Report WebPage MedicalWebPage Recipe HowTo".split()
)
_SPACE = re.compile(r"\s+")
_URLISH = re.compile(r"^(?:https?:)?//|^www\.|\.(?:com|org|net)/", re.I)
_BY_PREFIX = re.compile(r"^\s*(?:by|von|par|por|di|door|av|af)\s*[:\-]?\s+", re.I)


def squash(value) -> str:
    return _SPACE.sub(" ", str(value)).strip() if value is not None else ""


@dataclass
class Metadata:
    titles: list[str] = field(default_factory=list)  # candidate titles, most trusted first
    byline: str | None = None
    site_name: str | None = None
    published: str | None = None
    lang: str | None = None
    direction: str | None = None
    excerpt: str | None = None
    lead_image: str | None = None
    keywords: list[str] = field(default_factory=list)  # publisher-declared, raw
    article_body: str | None = None  # JSON-LD articleBody, a candidate for the main text


# ------------------------------------------------------------------------------- sources
def _meta_map(doc) -> dict[str, list[str]]:
    """All <meta> values by lower-cased name/property/itemprop."""
    out: dict[str, list[str]] = {}
    for el in doc.iter("meta"):
        content = el.get("content")
        if content is None or not content.strip():
            continue
        for key_attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(key_attr)
            if key:
                for part in key.lower().split():
                    out.setdefault(part.strip(), []).append(squash(content))
    return out


def _jsonld_objects(doc) -> list[dict]:
    """Every JSON object in ld+json scripts, @graph flattened."""
    found: list[dict] = []

    def visit(node, depth=0):
        if depth > 6:
            return
        if isinstance(node, list):
            for item in node:
                visit(item, depth + 1)
        elif isinstance(node, dict):
            found.append(node)
            if "@graph" in node:
                visit(node["@graph"], depth + 1)

    for script in doc.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            visit(json.loads(raw))
        except (ValueError, RecursionError):
            try:  # a common publisher bug: raw newlines / trailing commas
                visit(json.loads(re.sub(r",\s*([}\]])", r"\1", raw.replace("\n", " "))))
            except (ValueError, RecursionError):
                continue
    return found


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    items = t if isinstance(t, list) else [t]
    return {str(x).rsplit("/", 1)[-1] for x in items if x}


def _names(value) -> list[str]:
    """Person/Organization names from a JSON-LD value (string, object, or list of them)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, list):
            name = name[0] if name else None
        name = squash(name) if isinstance(name, str) else ""
        if name and not _URLISH.search(name):
            names.append(name)
    return names


def _image_url(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return squash(value) or None if isinstance(value, str) else None


def _article_ld(objects: list[dict]) -> dict:
    """The JSON-LD object that describes the article, if any (the one with the most fields)."""
    candidates = [o for o in objects if _types(o) & ARTICLE_TYPES]
    articles = [o for o in candidates if not _types(o) <= {"WebPage"}] or candidates
    return max(articles, key=lambda o: ("headline" in o, len(o)), default={})


def _site_ld(objects: list[dict]) -> str | None:
    for o in objects:
        if _types(o) & {"WebSite", "Organization", "NewsMediaOrganization"}:
            names = _names(o)
            if names:
                return names[0]
    return None


def _visible_byline(doc) -> str | None:
    """A short visible author name: rel=author, itemprop=author, or a class/id that says author."""
    xpaths = (
        '//*[@rel="author"]',
        '//*[@itemprop="author"]//*[@itemprop="name"]',
        '//*[@itemprop="author"]',
        '//*[contains(concat(" ", normalize-space(@class), " "), " byline ")]',
        '//*[contains(@class, "author") or contains(@id, "author")]',
    )
    for xp in xpaths:
        for el in doc.xpath(xp):
            text = _BY_PREFIX.sub("", squash(el.text_content()))
            if 2 <= len(text) <= 100 and len(text.split()) <= 8 and not _URLISH.search(text):
                return text
    return None


def _first(*values) -> str | None:
    for value in values:
        if isinstance(value, list):
            value = next((v for v in value if v), None)
        value = squash(value) if value is not None else ""
        if value:
            return value
    return None


# ------------------------------------------------------------------------------- the whole
def read_metadata(doc, url: str | None) -> Metadata:
    meta = _meta_map(doc)
    objects = _jsonld_objects(doc)
    ld = _article_ld(objects)
    m = Metadata()

    # 1. titles: JSON-LD headline, OpenGraph, Twitter, <title>, the first <h1>
    h1 = doc.find(".//h1")
    title_el = doc.find(".//title")
    for value in (
        ld.get("headline") if isinstance(ld.get("headline"), str) else None,
        _first(meta.get("og:title")),
        _first(meta.get("twitter:title")),
        _first(meta.get("dc.title")),
        squash(title_el.text_content()) if title_el is not None else None,
        squash(h1.text_content()) if h1 is not None else None,
    ):
        value = squash(value)
        if value and value not in m.titles:
            m.titles.append(value)

    # 2. byline: JSON-LD author, meta author tags, visible byline
    m.byline = _first(
        ", ".join(_names(ld.get("author"))) if ld.get("author") else None,
        meta.get("author"), meta.get("article:author"), meta.get("parsely-author"),
        meta.get("dc.creator"), meta.get("sailthru.author"), meta.get("citation_author"),
    )
    if m.byline and _URLISH.search(m.byline):  # article:author is often a profile URL
        m.byline = None
    m.byline = m.byline or _visible_byline(doc)

    # 3. site name
    publisher = _names(ld.get("publisher")) if ld.get("publisher") else []
    m.site_name = _first(meta.get("og:site_name"), publisher, meta.get("application-name"), _site_ld(objects))

    # 4. published date (ISO 8601)
    for value in (
        ld.get("datePublished"), ld.get("dateCreated"),
        _first(meta.get("article:published_time")), _first(meta.get("og:published_time")),
        _first(meta.get("datepublished")), _first(meta.get("pubdate")),
        _first(meta.get("publishdate")), _first(meta.get("date")), _first(meta.get("dc.date")),
        _first(meta.get("dc.date.issued")), _first(meta.get("parsely-pub-date")),
        _first(meta.get("sailthru.date")), _first(meta.get("citation_publication_date")),
    ):
        if isinstance(value, str) and (iso := parse_date(value)):
            m.published = iso
            break
    if not m.published:
        for el in doc.xpath("//time[@datetime]"):
            if iso := parse_date(el.get("datetime")):
                m.published = iso
                break
    if not m.published:
        m.published = find_visible_date(doc)

    # 5. language and direction
    html_el = doc.getroottree().getroot()
    m.lang = _first(html_el.get("lang"), html_el.get("xml:lang"), meta.get("content-language"),
                    ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None,
                    meta.get("og:locale"))
    if m.lang:
        m.lang = m.lang.replace("_", "-").split(",")[0].strip() or None
    direction = (html_el.get("dir") or "").lower()
    body = doc.find(".//body")
    if body is not None and not direction:
        direction = (body.get("dir") or "").lower()
    m.direction = direction if direction in ("rtl", "ltr") else None

    # 6. excerpt and lead image
    m.excerpt = _first(ld.get("description") if isinstance(ld.get("description"), str) else None,
                       meta.get("og:description"), meta.get("description"),
                       meta.get("twitter:description"))
    image = _first(_image_url(ld.get("image")), meta.get("og:image"), meta.get("og:image:url"),
                   meta.get("og:image:secure_url"), meta.get("twitter:image"),
                   meta.get("twitter:image:src"))
    if image and not image.lower().startswith("data:"):
        m.lead_image = urljoin(url, image) if url else image
        if not m.lead_image.lower().startswith(("http://", "https://")):
            m.lead_image = None

    # 7. declared keywords (for tag suggestions) and the JSON-LD body (a main-text candidate)
    kws = ld.get("keywords")
    if isinstance(kws, str):
        m.keywords += [k for k in re.split(r"[,;]", kws)]
    elif isinstance(kws, list):
        m.keywords += [k for k in kws if isinstance(k, str)]
    for key in ("keywords", "news_keywords", "article:tag", "parsely-tags", "sailthru.tags"):
        for value in meta.get(key, []):
            m.keywords += value.split(",") if key != "article:tag" else [value]
    m.keywords += [squash(a.text_content()) for a in doc.xpath('//a[@rel="tag"]')]
    m.keywords = [squash(k) for k in m.keywords if squash(k)]
    body_text = ld.get("articleBody")
    m.article_body = body_text.strip() if isinstance(body_text, str) and body_text.strip() else None
    return m
