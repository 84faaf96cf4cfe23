"""Tag suggestions: few, clean, and in the user's vocabulary. Pure: no I/O, no aiohttp.

`suggest(article, user_tags)` returns at most MAX_SUGGESTIONS `Tag`s, each with a source:
  yours - a tag the user already uses that the article talks about (ranked first)
  page  - what the publisher declared (keywords, article:tag, rel=tag, JSON-LD), cleaned
  text  - named things and key phrases from the title and body (keyphrases.py)
Tags are matched by `normalize` (case, spacing, hyphens, simple plurals) and shown as written:
a suggestion that matches one of the user's tags is shown in the user's spelling.
"""
from __future__ import annotations

import functools
import html
import re
from dataclasses import asdict, dataclass

from .keyphrases import key_phrases, overlaps

MAX_SUGGESTIONS = 8
MAX_TAG_CHARS = 40  # a longer "tag" is a sentence or an id
MAX_TAG_WORDS = 4
MIN_TAG_CHARS = 2
MIN_YOURS_HITS = 2  # a tag of yours must be talked about, not just mentioned once in passing
_SEPARATORS = re.compile(r"['’]s\b|[^\w&+#]+")  # possessives, spaces, hyphens, punctuation
_POSSESSIVE = re.compile(r"['’]s?$")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_PREFIX = re.compile(r"^(?:category|categories|tag|tags|topic|topics|section|keyword|keywords|label)\s*:\s*", re.I)
# Declared "tags" that are ids, paths, template flags or CMS plumbing, not topics.
_JUNK = re.compile(
    r"^[@]|\d{4,}|[:=/\\{}<>|@]|https?|www\.|\.(?:com|org|net)\b|[a-z]+_[a-z0-9_]+"
    r"|^(?:null|none|undefined|nan|true|false|n/?a)$", re.I)
# CMS sections and placement labels that publishers put among their tags.
_GENERIC = """news|latest|top|front page|home|homepage|featured|feature|uncategorized|uncategorised|general|
default|misc|miscellaneous|other|main|slider|breaking|breaking news|top stories|top news|headlines|
editors picks|editor's picks|must read|trending|popular|most popular|video|photo|gallery|article|story|
blog|post|premium|free|sponsored|promoted|world news|local news|national news|opinion|analysis"""


@dataclass(frozen=True)
class Tag:
    name: str
    source: str  # "yours" | "page" | "text"
    score: float

    def to_dict(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------------------ normalising
def normalize(name: str) -> str:
    """The matching key of a tag: case-folded, spaces/hyphens/underscores as one space, a simple
    plural dropped ("White-House" == "white house", "Drones" == "drone", "Stories" == "story")."""
    words = _SEPARATORS.sub(" ", html.unescape(str(name)).casefold().replace("_", " ")).split()
    return " ".join(_singular(w) for w in words)


@functools.lru_cache(maxsize=1 << 16)
def _singular(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s")):
        return w[:-1]
    return w


def clean(raw) -> str | None:
    """A declared tag as it should be shown, or None if it is junk (ids, URLs, sentences)."""
    if not isinstance(raw, str):
        return None
    name = " ".join(html.unescape(raw).split())
    name = _PREFIX.sub("", name)
    name = _EDGE_PUNCT.sub("", name.lstrip("#")).strip()
    if len(name) < MIN_TAG_CHARS or len(name) > MAX_TAG_CHARS or len(name.split()) > MAX_TAG_WORDS:
        return None
    if _JUNK.search(name) or normalize(name) in GENERIC or not any(c.isalpha() for c in name):
        return None
    if "-" in name and " " not in name and name.islower() and name.count("-") >= 1:
        name = name.replace("-", " ")  # a URL slug ("star-wars") is the same tag as its words
    return name


GENERIC = frozenset(normalize(x) for x in _GENERIC.replace("\n", "").split("|"))


# ------------------------------------------------------------------------------ suggesting
def _key_text(article) -> tuple[str, str]:
    title = normalize(getattr(article, "title", "") or "")
    # each paragraph on its own line: a tag's words never match across a paragraph break
    body = " \n ".join(normalize(line) for line in (getattr(article, "text", "") or "").split("\n"))
    return f" {title} ", f" {body} "


def _hits(key: str, title_key: str, body_key: str) -> int:
    needle = f" {key} "
    return body_key.count(needle) + 2 * title_key.count(needle)


def suggest(article, user_tags=(), site_name: str | None = None) -> list[Tag]:
    """Suggested tags for an Article (anything with title, text, keywords, site_name, lang)."""
    site = normalize(site_name or getattr(article, "site_name", None) or "")
    yours_by_key = {normalize(n): n for n in user_tags if isinstance(n, str) and normalize(n)}
    declared = list(dict.fromkeys(c for c in map(clean, getattr(article, "keywords", ()) or ()) if c))
    title_key, body_key = _key_text(article) if (yours_by_key or declared) else ("", "")
    seen: set[str] = {site} if site else set()
    out: list[Tag] = []

    def add(name: str, source: str, score: float) -> None:
        key = normalize(name)
        if not key or key in seen or len(out) >= MAX_SUGGESTIONS:
            return
        seen.add(key)
        if key in yours_by_key:  # in the user's vocabulary: their spelling, their tag
            name, source = yours_by_key[key], "yours"
        out.append(Tag(name, source, round(min(score, 1.0), 3)))

    # 1. yours: the user's tags that the article talks about, most talked about first
    talked = sorted(((_hits(k, title_key, body_key), n) for k, n in yours_by_key.items()), reverse=True)
    for hits, name in talked:
        if hits >= MIN_YOURS_HITS:
            add(name, "yours", 0.9 + min(hits, 10) / 100)
    # 2. page: what the publisher declared - the ones the text talks about first
    ranked = sorted(declared, key=lambda n: (-min(_hits(normalize(n), title_key, body_key), 3),
                                             declared.index(n)))
    for i, name in enumerate(ranked):
        in_text = _hits(normalize(name), title_key, body_key) > 0
        add(name, "page", (0.85 if in_text else 0.6) - 0.01 * i)
    # 3. text: named things and key phrases
    texts = key_phrases(getattr(article, "title", "") or "", getattr(article, "text", "") or "",
                        getattr(article, "lang", None), limit=MAX_SUGGESTIONS + 4)
    chosen = [normalize(t.name) for t in out]
    for phrase in texts:
        name = clean(_POSSESSIVE.sub("", phrase.text))
        key = normalize(name) if name else ""
        # a phrase inside a tag already chosen (or around one) is the same topic twice
        if key and not any(overlaps(key, other) for other in chosen):
            add(name, "text", 0.8 * phrase.score)
            chosen.append(key)
    return out
