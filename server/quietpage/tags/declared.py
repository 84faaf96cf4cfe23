"""What a publisher declared as tags (meta keywords, article:tag, rel=tag, JSON-LD), cleaned of
what is not a topic. Pure.

Never a topic: ids and CMS codes ("ctp_video", "@post-id:123", "a1b2c3"), URLs, sentences,
section and article-type labels (the page's own URL sections, "Featured", "Opinion"), wire and
photo credits ("AP", "Getty Images"), the site's own name, and keywords the same site declares on
(nearly) every page the user saved from it (`SiteKeywords`, learnt by the library).
"""
from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .key import normalize as _key

MAX_TAG_CHARS = 40  # a longer "tag" is a sentence or an id
MAX_TAG_WORDS = 4
MIN_TAG_CHARS = 2
MIN_SITE_PAGES = 3  # a site's habits are known after three saved pages ...
BOILERPLATE_SHARE = 0.8  # ... and a keyword on 80 % of them is the site's, not the page's
_PREFIX = re.compile(r"^(?:category|categories|tag|tags|topic|topics|section|keyword|keywords|label)\s*:\s*", re.I)
_EDGE_PUNCT = re.compile(r"^[\W_]+|(?<!\b[^\W\d_]\.[^\W\d_])[\W_]+$")  # "U.S." keeps its dot
# Ids, paths, template flags and CMS plumbing. A year is fine ("Elections 2022"); an id is not.
_JUNK = re.compile(
    r"^[@]|[:=/\\{}<>|@]|https?|www\.|\.(?:com|org|net)\b|[a-z]+_[a-z0-9_]+|\b\d{5,}\b"
    r"|\b(?=\w*[^\W\d_])(?=(?:\w*\d){3})\w+\b"  # letters and three digits in one word: an id
    r"|^(?:null|none|undefined|nan|true|false|n/?a)$", re.I)
# Article types and placement labels that publishers put among their tags.
_GENERIC = """news|latest|top|front page|home|homepage|featured|feature|featured article|uncategorized|
uncategorised|general|default|misc|miscellaneous|other|others|all|main|slider|breaking|breaking news|
top stories|top news|headlines|editors picks|editor's picks|must read|trending|popular|most popular|
video|videos|photo|photos|gallery|article|articles|story|stories|blog|post|posts|premium|free|
sponsored|sponsored content|paid content|partner content|promoted|advertorial|press release|
world news|local news|national news|opinion|analysis|commentary|explainer|review|reviews|interview|
exclusive|live|podcast|newsletter|wire|staff|syndicated|hands on|image|images|picture|credit|credits|
copyright|caption|advertisement|getty images"""
# Wire services and picture agencies: credits, never topics.
_CREDITS = """ap|associated press|reuters|afp|agence france presse|epa|getty|getty images|shutterstock|
istock|alamy|upi|dpa|ansa|efe|pa|press association|pa wire|ap photo|reuters photo|afp photo"""


def clean(raw) -> str | None:
    """A declared tag as it should be shown, or None if it is junk (ids, URLs, sentences)."""
    if not isinstance(raw, str):
        return None
    name = " ".join(html.unescape(raw).split())
    name = _PREFIX.sub("", name)
    name = _EDGE_PUNCT.sub("", name.lstrip("#")).strip()
    if len(name) < MIN_TAG_CHARS or len(name) > MAX_TAG_CHARS or len(name.split()) > MAX_TAG_WORDS:
        return None
    if _JUNK.search(name) or not any(c.isalpha() for c in name):
        return None
    if _key(name) in _generic() or _key(name) in _credits():
        return None
    if "-" in name and " " not in name and name.islower():
        name = name.replace("-", " ")  # a URL slug ("star-wars") is the same tag as its words
    return name


def _generic() -> frozenset:
    return _word_set("generic", _GENERIC)


def _credits() -> frozenset:
    return _word_set("credits", _CREDITS)


_SETS: dict[str, frozenset] = {}


def _word_set(name: str, text: str) -> frozenset:
    if name not in _SETS:
        _SETS[name] = frozenset(_key(x) for x in text.replace("\n", "").split("|"))
    return _SETS[name]


@dataclass(frozen=True)
class SiteKeywords:
    """What one site declares across the pages the user saved from it: `pages` saved pages
    (other than the one being suggested for), `counts` how many of them declared each keyword
    (by tags.normalize key). Build it with `from_pages`."""
    pages: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_pages(cls, keyword_lists: Iterable[Iterable[str]]) -> SiteKeywords:
        """From the declared keyword lists (Article.keywords, raw) of the site's saved pages."""
        counts: Counter = Counter()
        pages = 0
        for keywords in keyword_lists:
            pages += 1
            counts.update(keyword_keys(keywords))
        return cls(pages, dict(counts))

    @classmethod
    def habits(cls, pages: int, counts: Mapping[str, int]) -> SiteKeywords:
        """From counts kept as pages come and go (the library's index): only the keywords that
        are the site's habit are kept, so what is sent to a page's reader stays small."""
        if pages < MIN_SITE_PAGES:
            return cls(max(pages, 0), {})
        return cls(pages, {k: n for k, n in counts.items() if n >= BOILERPLATE_SHARE * pages})

    def is_boilerplate(self, name: str) -> bool:
        """Declared on (nearly) every saved page of the site: the site's habit, not a topic."""
        if self.pages < MIN_SITE_PAGES:
            return False
        return self.counts.get(_key(name), 0) >= BOILERPLATE_SHARE * self.pages


def keyword_keys(keywords) -> frozenset[str]:
    """The keys (tags.normalize) of a page's declared keywords (raw) that may be tags."""
    if not isinstance(keywords, (list, tuple, set, frozenset)):  # a damaged record's field, or None
        return frozenset()
    try:
        keys = frozenset(map(_keyword_key, keywords))  # (the library files every article's at start-up)
    except TypeError:  # a damaged record's unhashable item
        keys = frozenset(_keyword_key(raw) for raw in keywords if isinstance(raw, str))
    return keys - _NONE if "" in keys else keys


_NONE = frozenset({""})


@functools.lru_cache(maxsize=1 << 16)
def _keyword_key(raw) -> str:
    """The key of one declared keyword, "" if it is junk (or not a string). Cached: the same
    keywords come back on page after page of a site."""
    name = clean(raw)
    return _key(name) if name else ""


def declared_tags(article, site_keywords: SiteKeywords | None = None, site_name: str | None = None) -> list[str]:
    """The article's declared keywords that may be topics: cleaned, once each, in their order."""
    not_topics = _site_names(article, site_name) | _sections(getattr(article, "url", None))
    out: dict[str, str] = {}
    for raw in getattr(article, "keywords", ()) or ():
        name = clean(raw)
        if not name:
            continue
        key = _key(name)
        if not key or key in out or key in not_topics:
            continue
        if site_keywords is not None and site_keywords.is_boilerplate(name):
            continue
        out[key] = name
    return list(out.values())


def _site_names(article, site_name: str | None = None) -> set[str]:
    """The site's own name, as its metadata and its host name spell it ("bbc" for bbc.co.uk)."""
    names = set()
    for site in (site_name, getattr(article, "site_name", None)):
        if site:
            names.add(_key(site))
            names.add(_key(re.sub(r"^the\s+", "", site, flags=re.I)))
    host = urlsplit(getattr(article, "url", None) or "").hostname or ""
    labels = [x for x in host.split(".") if x and x not in ("www", "m", "amp", "mobile")]
    if len(labels) >= 2:
        # the label before the public suffix ("bbc" in bbc.co.uk, "gizmodo" in gizmodo.com)
        core = labels[-3] if len(labels) >= 3 and len(labels[-2]) <= 3 and len(labels[-1]) == 2 else labels[-2]
        names.add(_key(core))
    return {n for n in names if n}


def _sections(url: str | None) -> set[str]:
    """The first folders of the page's URL path ("/politics/2022/..."): sections, not topics."""
    path = [unquote(p) for p in urlsplit(url or "").path.split("/") if p]
    return {_key(p) for p in path[:-1][:2] if any(c.isalpha() for c in p) and len(p) <= MAX_TAG_CHARS}
