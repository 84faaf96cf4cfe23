"""Page metadata, from the most trusted source to the least:
JSON-LD, Dublin Core / OpenGraph / Twitter / Parse.ly and other meta tags, microdata and <time>,
then what the page prints (a visible byline, a date near the top).

`read_metadata(doc, url)` looks at the parsed page before any pruning and returns `Metadata`:
every field is the first usable value in that order of trust, cleaned. The title is chosen in
titles.py (it needs the page's headings); here we collect its candidates.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from . import jsonld
from .byline import find_byline
from .dates import find_visible_date, parse_date
from .dom import has_rel, squash


# Meta keys in order of trust, per field (names lower-cased, "dc.title" spelled "dc:title").
TITLE_KEYS = ("dc:title", "dcterm:title", "og:title", "weibo:article:title", "weibo:webpage:title",
              "title", "twitter:title", "parsely-title")
BYLINE_KEYS = ("dc:creator", "dcterm:creator", "author", "parsely-author", "article:author",
               "sailthru.author", "citation_author")
EXCERPT_KEYS = ("dc:description", "dcterm:description", "og:description",
                "weibo:article:description", "weibo:webpage:description", "description",
                "twitter:description")
DATE_KEYS = ("article:published_time", "parsely-pub-date", "og:published_time", "datepublished",
             "pubdate", "publishdate", "date", "dc:date", "dc:date:issued", "sailthru.date",
             "citation_publication_date")
IMAGE_KEYS = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src")
# A <title> is a line for a tab or a bookmark: past this many characters it is not one.
MAX_TITLE_CHARS = 2000
_URL_IN_TEXT = re.compile(r"(?:https?:)?//\S+|www\.\S+")
MAX_NAME_WORDS = 4  # "jane-doe", "maria-de-la-cruz": a profile's last part that spells a name
KEYWORD_KEYS = ("keywords", "news_keywords", "article:tag", "parsely-tags", "sailthru.tags")


@dataclass
class Metadata:
    declared_titles: list[str] = field(default_factory=list)  # publisher-declared, most trusted first
    document_title: str | None = None  # the <title> element, as written
    ld_headline: str | None = None  # JSON-LD headline and name: titles.py picks between them
    ld_name: str | None = None
    byline: str | None = None
    site_name: str | None = None
    published: str | None = None
    lang: str | None = None
    direction: str | None = None
    excerpt: str | None = None
    lead_image: str | None = None
    keywords: list[str] = field(default_factory=list)  # publisher-declared, raw
    article_body: str | None = None  # JSON-LD articleBody: a witness for the main text


def meta_values(doc) -> dict[str, list[str]]:
    """All <meta> contents by lower-cased key, in order of trust: a `property` (the RDFa form
    OpenGraph and Dublin Core specify) before a `name`, `itemprop` or `http-equiv` of the same
    key; "DC.title" is spelled "dc:title", and "og:article:author" also counts as
    "article:author". Entities a publisher escaped twice ("&amp;amp;") are unescaped once more."""
    ranked: dict[str, list[tuple[int, str]]] = {}
    for el in doc.iter("meta"):
        content = squash(html.unescape(el.get("content") or ""))
        if not content:
            continue
        for rank, attr in enumerate(("property", "name", "itemprop", "http-equiv")):
            for key in (el.get(attr) or "").lower().split():
                key = key.replace(".", ":") if key.startswith("dc") else key
                for alias in {key, key[3:] if key.startswith("og:article:") else key}:
                    ranked.setdefault(alias, []).append((rank, content))
    return {key: [v for _, v in sorted(values, key=lambda rv: rv[0])] for key, values in ranked.items()}


def _first(*values) -> str | None:
    for value in values:
        if isinstance(value, list):
            value = next((v for v in value if v), None)
        if value := squash(value) if value is not None else "":
            return value
    return None


# ------------------------------------------------------------------------------- fields
def _titles(m: Metadata, doc, meta, ld) -> None:
    m.ld_headline, m.ld_name = jsonld.text(ld, "headline"), jsonld.text(ld, "name")
    for key in TITLE_KEYS:
        for value in meta.get(key, []):
            if value not in m.declared_titles:
                m.declared_titles.append(value)
    title_el = doc.find(".//title")
    m.document_title = squash(title_el.text_content())[:MAX_TITLE_CHARS] if title_el is not None else None


def _byline(doc, meta, ld) -> str | None:
    """The declared author (JSON-LD, then meta tags in order of trust; a profile address gives
    its name part). When the page declares several different ones, the one its visible byline
    names wins; with none, the visible byline."""
    ld_authors = ", ".join(jsonld.names(ld.get("author"))) if ld.get("author") else None
    declared = [ld_authors] + [_name_part(v) for k in BYLINE_KEYS for v in meta.get(k, [])]
    declared = list(dict.fromkeys(html.unescape(squash(d)) for d in declared if d and squash(d)))
    if len(declared) == 1:
        return declared[0]
    visible = find_byline(doc)
    if not declared:
        return visible
    seen = squash(visible).lower()
    return next((d for d in declared if seen and d.lower() in seen), declared[0])


def _name_part(value: str | None) -> str | None:
    """An author value as a name: "https://site.example/author/jane-doe/" gives "Jane Doe" (a
    profile address whose last part spells a name); "Jane Doe (https://...)" gives "Jane Doe";
    another address gives nothing."""
    if not value or not jsonld.URLISH.search(value):
        return value
    named = _URL_IN_TEXT.sub("", value).strip(" ()[]<>,;|-")
    if named and not jsonld.URLISH.search(named):
        return named
    last = value.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    words = [w for w in re.split(r"[-_.+]+", last) if w]
    if 2 <= len(words) <= MAX_NAME_WORDS and all(w.isalpha() for w in words):
        return " ".join(w.capitalize() for w in words)
    return None


def _published(doc, meta, ld) -> str | None:
    for value in (ld.get("datePublished"), ld.get("dateCreated"), *(_first(meta.get(k)) for k in DATE_KEYS)):
        if isinstance(value, str) and (iso := parse_date(value)):
            return iso
    for el in doc.iter("time"):
        if iso := parse_date(el.get("datetime")):
            return iso
    return find_visible_date(doc)


def _language(m: Metadata, doc, meta, ld) -> None:
    root = doc.getroottree().getroot()
    lang = _first(root.get("lang"), root.get("xml:lang"), meta.get("content-language"),
                  jsonld.text(ld, "inLanguage"), meta.get("og:locale"))
    m.lang = (lang.replace("_", "-").split(",")[0].strip() or None) if lang else None
    direction = (root.get("dir") or "").lower()
    body = doc.find(".//body")
    if body is not None and not direction:
        direction = (body.get("dir") or "").lower()
    m.direction = direction if direction in ("rtl", "ltr") else None


def _lead_image(meta, ld, url: str | None) -> str | None:
    image = _first(jsonld.image_url(ld.get("image")), *(meta.get(k) for k in IMAGE_KEYS))
    if not image or image.lower().startswith("data:"):
        return None
    image = urljoin(url, image) if url else image
    return image if image.lower().startswith(("http://", "https://")) else None


def _keywords(doc, meta, ld) -> list[str]:
    found: list[str] = []
    kws = ld.get("keywords")
    if isinstance(kws, str):
        found += re.split(r"[,;]", kws)
    elif isinstance(kws, list):
        found += [k for k in kws if isinstance(k, str)]
    for key in KEYWORD_KEYS:
        for value in meta.get(key, []):
            found += [value] if key == "article:tag" else value.split(",")
    found += [a.text_content() for a in doc.iter("a") if has_rel(a, "tag")]
    return [squash(k) for k in found if squash(k)]


# ------------------------------------------------------------------------------- the whole
def read_metadata(doc, url: str | None) -> Metadata:
    meta = meta_values(doc)
    objects = jsonld.jsonld_objects(doc)
    ld = jsonld.article_object(objects)
    m = Metadata()
    _titles(m, doc, meta, ld)  # 1. title candidates
    m.byline = _byline(doc, meta, ld)  # 2. byline
    publisher = jsonld.names(ld.get("publisher")) if ld.get("publisher") else []
    m.site_name = _first(publisher, meta.get("og:site_name"), meta.get("application-name"),
                         jsonld.site_name(objects))  # 3. site name
    m.published = _published(doc, meta, ld)  # 4. published date (ISO 8601)
    _language(m, doc, meta, ld)  # 5. language and direction
    m.excerpt = _first(jsonld.text(ld, "description"), *(meta.get(k) for k in EXCERPT_KEYS))  # 6.
    m.lead_image = _lead_image(meta, ld, url)
    m.keywords = _keywords(doc, meta, ld)  # 7. declared keywords (for tag suggestions)
    body = ld.get("articleBody")
    m.article_body = body.strip() if isinstance(body, str) and body.strip() else None
    return m
