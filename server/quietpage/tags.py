"""Tag suggestions: few, clean, and in the user's vocabulary. Pure: no I/O, no aiohttp.

`suggest(article, user_tags)` returns at most MAX_SUGGESTIONS `Tag`s, each with a source:
  yours - a tag the user already uses whose words occur in the article (ranked first)
  page  - what the publisher declared (keywords, article:tag, rel=tag, JSON-LD), cleaned
  text  - named things from the title and body
Tags are matched by `normalize` (case, spacing, hyphens, simple plurals) and shown as written.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import asdict, dataclass

MAX_SUGGESTIONS = 8
MAX_TAG_CHARS = 40  # a longer "tag" is a sentence or an id
MAX_TAG_WORDS = 4
_SPACE = re.compile(r"[\s_\-‐-―]+")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_JUNK = re.compile(r"^[@#]|^\d+$|[:=/\\]|https?|www\.|\.(?:com|org|net)\b|[{}<>|]|^(?:null|none|undefined|nan|true|false)$", re.I)
MIN_TAG_CHARS = 2
_NAME = re.compile(r"\b(?:[A-Z][\w'’.&]*[\w]|[A-Z])(?:\s+(?:of|de|du|la|van|von|the|and|&)?\s*[A-Z][\w'’.&]*\w)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”]\s+|\n)$")
STOP_NAMES = frozenset(
    "the a an and or but if in on at to of for by with from as is it this that these those he she "
    "they we you i his her their our its said says mr mrs ms dr monday tuesday wednesday thursday "
    "friday saturday sunday january february march april may june july august september october "
    "november december last next after before since when while however also according".split()
)


@dataclass(frozen=True)
class Tag:
    name: str
    source: str  # "yours" | "page" | "text"
    score: float

    def to_dict(self) -> dict:
        return asdict(self)


def normalize(name: str) -> str:
    """The matching key of a tag: case-folded, spaces/hyphens/underscores as one space, a simple
    plural 's' dropped ("White-House" == "white house", "Drones" == "drone")."""
    words = _SPACE.sub(" ", _EDGE_PUNCT.sub("", name.casefold())).split()
    out = []
    for w in words:
        if len(w) > 3 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        out.append(w)
    return " ".join(out)


def clean(raw: str) -> str | None:
    """A declared tag as it should be shown, or None if it is junk (ids, URLs, sentences)."""
    name = _SPACE.sub(lambda m: "-" if m.group().strip() == "-" else " ", html.unescape(str(raw)))
    name = _EDGE_PUNCT.sub("", name.strip()).strip()
    if len(name) < MIN_TAG_CHARS or len(name) > MAX_TAG_CHARS or len(name.split()) > MAX_TAG_WORDS:
        return None
    if _JUNK.search(name):
        return None
    return name


def _words(text: str) -> set[str]:
    return set(normalize(text).split())


def _occurs(tag_key: str, text_key: str) -> bool:
    return f" {tag_key} " in f" {text_key} "


def suggest(article, user_tags=(), site_name: str | None = None) -> list[Tag]:
    """Suggested tags for an Article (anything with title, text, keywords, site_name)."""
    site = normalize(site_name or getattr(article, "site_name", None) or "")
    title = getattr(article, "title", "") or ""
    text = getattr(article, "text", "") or ""
    text_key = normalize(f"{title}\n{text}")
    seen: set[str] = {site} if site else set()
    out: list[Tag] = []

    def add(name: str, source: str, score: float) -> None:
        key = normalize(name)
        if key and key not in seen and len(out) < MAX_SUGGESTIONS:
            seen.add(key)
            out.append(Tag(name, source, round(score, 3)))

    # 1. yours: the user's own tags that the article talks about
    for name in user_tags:
        key = normalize(name)
        if key and _occurs(key, text_key):
            add(name, "yours", 1.0)
    # 2. page: what the publisher declared, in their order
    declared = [c for c in (clean(k) for k in getattr(article, "keywords", ()) or ()) if c]
    for i, name in enumerate(declared):
        add(name, "page", 0.9 - 0.01 * i)
    # 3. text: names that recur in the body, boosted when the title names them too
    for name, score in named_things(title, text):
        add(name, "text", score)
    return out


def named_things(title: str, text: str, limit: int = MAX_SUGGESTIONS) -> list[tuple[str, float]]:
    """Capitalised names (not at a sentence start unless they recur) ranked by frequency."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    title_key = normalize(title)
    for source, weight in ((title, 2), (text, 1)):
        for m in _NAME.finditer(source):
            name = m.group().strip(" .")
            words = name.split()
            if not words or len(words) > MAX_TAG_WORDS or clean(name) != name:
                continue
            if len(words) == 1 and (len(name) < 3 or "'" in name or "’" in name):
                continue  # initials and contractions ("We're") are not topics
            if all(w.lower().strip(".") in STOP_NAMES for w in words):
                continue
            if len(words) == 1 and _SENTENCE_START.search(source[: m.start()]) and weight == 1:
                weight_here = 0.5  # sentence-initial capitals are weak evidence
            else:
                weight_here = weight
            key = normalize(name)
            counts[key] += weight_here
            shown.setdefault(key, name)
    ranked = [(k, c) for k, c in counts.most_common() if c >= 2 or _occurs(k, title_key)]
    top = ranked[0][1] if ranked else 1
    return [(shown[k], min(0.8, 0.8 * c / top)) for k, c in ranked[:limit]]
