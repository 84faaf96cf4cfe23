"""The title: the headline the publisher declared, else the page's <title> without the site name
and SEO segments glued around it.

1. A title the publisher declared for the article - JSON-LD headline/name, Dublin Core,
   OpenGraph, Twitter, Parse.ly - is the headline the site chose to show, and is used as written
   (as Firefox's Reader View does).
2. Otherwise the <title> element, which templates decorate: "Spam Phrase|The Headline -Site".
   We split it on separators and keep the segment that the page's own <h1>/<h2> repeats; failing
   that, we drop the last (else the first) segment the way Readability.js does, and keep the
   whole title when what is left is too short to be a headline.

A segment of the <title> or headline that the page also glues into its words ("will be Poinbank
Exchangeused to build") is injected spam (spam.py): it is dropped from whichever title we use,
and returned as `junk` so that the pipeline cuts it out of the article too.
"""
from __future__ import annotations

import re
from html import unescape
from itertools import accumulate
from dataclasses import dataclass
from urllib.parse import urlsplit

from .spam import injected_phrases

# Separators between title segments: "|", "·", "»" with or without spaces; a dash with a space
# on at least one side ("Iran-Russia" stays whole); " / ", " \\ ", " > ", " :: ".
_SEPARATOR = re.compile(r"\s*[|·•»«]\s*|\s+[-–—]+\s*|(?<=[^\s\-–—])[-–—]+\s+|\s+(?:::|/|\\|>)\s+")
# Readability.js's stricter rule for a separator: one of these between spaces.
_SPACED_SEPARATOR = re.compile(r" [|\-–—\\/>»] ")
_HIERARCHICAL = re.compile(r" [\\/>»] ")
_NON_ALNUM = re.compile(r"[\W_]+")
_BRACKETED_END = re.compile(r"\s+\[[^\[\]]{1,60}\]$")  # "backup:rsync [Hafenwiki]": a wiki's name, a tag
_TOKEN = re.compile(r"\w+")
MIN_HEADLINE_WORDS = 3  # fewer words than this left after cutting: cut the other end instead
MIN_HEADLINE_CHARS = 8  # ...or this many characters (CJK headlines have no spaces)
MAX_SHORT_TITLE_WORDS = 4  # a cut title this short is likelier a section name: keep the whole
# Share of words two titles must share to be the same title (Readability.js's threshold): the
# JSON-LD name vs its headline, a heading that repeats the title, the <article> holding it.
SIMILAR = 0.75
# What follows a short site name to make its title segment: "BBC News", "CNN Online".
SITE_WORDS = frozenset("news online com blog magazine daily times tv sport sports media digital radio "
                       "nachrichten zeitung aktuell".split())
MAX_SITE_WORDS = 4  # a site's name is a few words ("The Guardian view on ..." is a headline)
MAX_RUN_SEGMENTS = 16  # a heading repeats a few segments of the <title> (real titles have under 10)


@dataclass(frozen=True)
class TitleResult:
    title: str
    junk: tuple[str, ...]  # phrases injected around the headline and glued into the text
    site_name: str | None = None  # the <title> segment that spells the page's domain, as written
    # False when the title is a <title> that reads as an identifier, not a headline (a wiki's
    # "backup:rsync [Wiki]"): the heading the article itself starts with is better (pipeline.py).
    sure: bool = True


def _key(text: str) -> str:
    return _NON_ALNUM.sub("", text.lower())


def _words(text: str) -> int:
    return len(text.split())


def split_segments(title: str) -> list[str]:
    return [s.strip() for s in _SEPARATOR.split(title) if s and s.strip()]


def site_keys(site_name: str | None, url: str | None) -> set[str]:
    """Normalised names the site goes by: its declared name, its domain's labels."""
    keys = {_key(site_name)} if site_name else set()
    host = (urlsplit(url).hostname or "").lower() if url else ""
    labels = [p for p in host.split(".") if p not in ("www", "m", "amp")]
    keys |= {_key(label) for label in labels[:-1]}
    keys.add(_key(host))
    return {k for k in keys if len(k) >= 3}


def _is_site(segment: str, sites: set[str]) -> bool:
    """Whether a segment names the site: one of its keys, the start of a long one, or a short
    one and a word that names what it is ("BBC News" on bbc.co.uk, "eHow" on ehow.com)."""
    k = _key(segment)
    if not k:
        return False
    if k in sites:
        return True
    return _words(segment) <= MAX_SITE_WORDS and any(
        (len(s) >= 5 and (k.startswith(s) or s.startswith(k))) or (k.startswith(s) and k[len(s):] in SITE_WORDS)
        for s in sites)


def _segment_spans(title: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SEPARATOR.finditer(title):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(title)))
    return [(a, b) for a, b in spans if title[a:b].strip()]


def _confirmed_by_heading(title: str, sites: set[str], headings: list[str]) -> str | None:
    """The longest run of title segments that a heading on the page repeats, as written. (A
    run's key is its segments' keys joined; runs longer than the longest heading, or than
    MAX_RUN_SEGMENTS segments, are not tried: the search stays linear in the title.)"""
    heading_keys = {_key(part) for h in headings for part in (h, *split_segments(h))} - {""}
    if not heading_keys:
        return None
    longest = max(map(len, heading_keys))
    spans = _segment_spans(title)
    keys = [_key(title[a:b]) for a, b in spans]
    site = [_is_site(title[a:b], sites) for a, b in spans]
    joined, offsets = "".join(keys), list(accumulate(map(len, keys), initial=0))
    best = None
    for i in range(len(spans)):
        if site[i]:
            continue
        for j in range(i, min(len(spans), i + MAX_RUN_SEGMENTS)):
            if offsets[j + 1] - offsets[i] > longest:
                break
            if site[j] or joined[offsets[i]:offsets[j + 1]] not in heading_keys:
                continue
            run = title[spans[i][0]:spans[j][1]].strip()
            if _is_headline_like(run) and (best is None or len(run) > len(best)):
                best = run
    return best


def _is_headline_like(text: str) -> bool:
    return _words(text) >= 2 or len(text) >= MIN_HEADLINE_CHARS


def _readability_cut(title: str, headings: list[str]) -> str:
    """Readability.js's rule for a <title> no heading confirms."""
    cut = title
    hierarchical = bool(_HIERARCHICAL.search(title))
    if _SPACED_SEPARATOR.search(title):
        last = list(_SPACED_SEPARATOR.finditer(title))[-1]
        cut = title[:last.start()]
        if _words(cut) < MIN_HEADLINE_WORDS:
            cut = title[_SPACED_SEPARATOR.search(title).end():]
    elif ": " in title:
        if not any(h == title for h in headings):
            cut = title[title.rfind(":") + 1:]
            if _words(cut) < MIN_HEADLINE_WORDS:
                cut = title[title.find(":") + 1:]
            elif _words(title[:title.find(":")]) > 5:
                cut = title
    cut = " ".join(cut.split())
    stripped_words = _words(re.sub(r"[|\-–—\\/>»]+", "", title))
    if _words(cut) <= MAX_SHORT_TITLE_WORDS and (not hierarchical or _words(cut) != stripped_words - 1):
        return title
    return cut


def without_segments(text: str, phrases) -> str:
    """`text` without the separator-delimited segments that are in `phrases` (at either end)."""
    kept = [(a, b) for a, b in _segment_spans(text) if text[a:b].strip() not in phrases]
    if not kept:
        return text
    return " ".join(text[kept[0][0]:kept[-1][1]].split())


def clean_document_title(raw: str | None, sites: set[str], headings: list[str],
                         injected=()) -> tuple[str, bool]:
    """The headline inside a <title> (or the first heading when there is no <title>), and
    whether something confirms the cut (a heading repeats it, or what went is the site's name)."""
    headings = [without_segments(h, injected) for h in headings]
    raw = without_segments(" ".join((raw or "").split()), injected)
    if not raw:
        return (headings[0], True) if headings else ("", False)
    if len(split_segments(raw)) > 1 and (confirmed := _confirmed_by_heading(raw, sites, headings)):
        return confirmed, True
    unnamed = without_site(raw, sites)
    if unnamed != raw:  # "Headline | Site": the site goes
        return unnamed, True
    cut = _readability_cut(_BRACKETED_END.sub("", raw) or raw, headings)
    return cut, " " in cut.strip()  # (one word - "backup:rsync", "index.php" - is an identifier)


def without_site(title: str, sites: set[str]) -> str:
    """`title` without the segments at its ends that name the site ("Headline | eHow",
    "Headline - BBC News"), when what is left still reads as a headline."""
    named = [s for s in split_segments(title) if _is_site(s, sites)]
    unnamed = without_segments(title, named) if named else title
    return unnamed if unnamed != title and _is_headline_like(unnamed) else title


def similarity(a: str, b: str) -> float:
    """Readability.js's text similarity: how much of b's words a also has (1 = all)."""
    ta, tb = set(_TOKEN.findall(a.lower())), _TOKEN.findall(b.lower())
    if not ta or not tb:
        return 0.0
    unique = [t for t in tb if t not in ta]
    return 1 - len(" ".join(unique)) / len(" ".join(tb))


def choose_title(meta, headings: list[str], url: str | None, page_text: str) -> TitleResult:
    """The article's title (see the module docstring); `meta` is a metadata.Metadata, `page_text`
    the page's text (where injected phrases show themselves glued into words)."""
    sites = site_keys(meta.site_name, url)
    segments = [s for t in (meta.document_title or "", *headings) for s in split_segments(t)
                if s != t and not _is_site(s, sites)]
    injected = injected_phrases(segments, page_text)
    fallback, sure = clean_document_title(meta.document_title, sites, headings, injected)
    name, headline = meta.ld_name, meta.ld_headline
    if name and headline and name != headline:
        headline_matches = similarity(headline, fallback) > SIMILAR
        ld_title = headline if headline_matches and similarity(name, fallback) <= SIMILAR else name
    else:
        ld_title = name or headline
    declared = ld_title or next(iter(meta.declared_titles), None)
    # A declared title is used as written (as Firefox does), less injected phrases, entities the
    # publisher escaped twice ("doesn&#8217;t") and a segment that spells the page's own domain
    # ("Tide gauge - Wikipedia" on en.wikipedia.org: a name declared elsewhere is not proof).
    if declared:
        title = without_site(without_segments(unescape(declared), injected), site_keys(None, url))
    else:
        title = fallback
    return TitleResult(title, injected, _site_segment(meta.document_title, title, url), bool(declared) or sure)


def _site_segment(document_title: str | None, title: str, url: str | None) -> str | None:
    """ "Headline - Prime Money Path" on primemoneypath.example: the site's name as it writes it."""
    domain = site_keys(None, url)
    segments = split_segments(document_title or "")
    if len(segments) < 2:
        return None
    return next((s for s in segments if s != title and _is_site(s, domain)), None)


def opening_heading(root) -> str | None:
    """The text of the <h1>/<h2> the article starts with (no text before it), if it has one."""
    first = next(root.iter("h1", "h2"), None)
    if first is None or first.xpath("preceding::text()[normalize-space()]"):
        return None
    text = " ".join(first.text_content().split())
    return text if _is_headline_like(text) else None
