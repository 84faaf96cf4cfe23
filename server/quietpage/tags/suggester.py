"""Tag suggestions: few, clean, in the user's vocabulary, and never imposed. Pure: no I/O, no
aiohttp, no store.

`suggest(article, user_tags, site_name=None, *, site_keywords=None)` returns at most
MAX_SUGGESTIONS `Tag(name, source, score)`, in this order:
  yours - a tag the user already uses that the title and body talk about (match.py: capitals,
          function words, plurals and evidence rules); score >= STRONG_SCORE (`Tag.strong`)
          when the evidence is strong enough to apply it without asking, if the user allows;
  page  - what the publisher declared (declared.py), those the text mentions first; at most
          MAX_UNSEEN_DECLARED that it does not mention, after the text suggestions; a common
          lower-case word ("economy") only where the article is about it; a name declared in
          lower case ("afghanistan") as the body writes it;
  text  - names and noun phrases from the body (keyphrases.py).
The library adds a fourth source, "user", for a tag the user typed. Scores are in (0, 1]: yours
0.6..0.99, page 0.85 (in the text) or 0.5 (not), text up to 0.8.

`site_keywords` (declared.SiteKeywords) holds what the same site declared on the other pages
the user saved from it: keywords it declares on (nearly) every page are dropped.
A suggestion that is one of the user's tags in another spelling is shown in the user's spelling;
one that the text does not talk about enough is never shown as `yours`.
Names of tags are compared by `normalize` (key.py).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass

from . import lexicon, textdoc
from .declared import SiteKeywords, clean, declared_tags
from .keyphrases import key_phrases
from .key import normalize
from .match import STRONG_SCORE, evidence
from .topics import same_topic_names

MAX_SUGGESTIONS = 8
MAX_UNSEEN_DECLARED = 2  # declared tags the text never mentions: at most two, last
MIN_HITS_COMMON_DECLARED = 3  # a declared common word outside the headline: three body mentions
LANGUAGE_SAMPLE = 400  # body words read to tell the language
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class Tag:
    name: str
    source: str  # "yours" | "page" | "text" (and "user" once the user typed it, in the library)
    score: float

    @property
    def strong(self) -> bool:
        """A tag of yours with strong evidence: the one kind that may be applied unasked."""
        return self.source == "yours" and self.score >= STRONG_SCORE

    def to_dict(self) -> dict:
        return asdict(self)


def suggest(article, user_tags=(), site_name: str | None = None, *,
            site_keywords: SiteKeywords | None = None) -> list[Tag]:
    """Suggested tags for an Article (anything with title, text, keywords, site_name, lang, url)."""
    doc = textdoc.read(getattr(article, "title", "") or "", getattr(article, "text", "") or "")
    sample = [w for w in doc.low[doc.body_start:doc.body_start + 2 * LANGUAGE_SAMPLE] if w][:LANGUAGE_SAMPLE]
    lang = lexicon.guess(sample, getattr(article, "lang", None))
    yours = {normalize(n): n for n in user_tags if isinstance(n, str) and normalize(n)}
    picks = _Picks(yours)

    # 1. yours: the user's tags the article talks about, strongest evidence first
    found = [(ev, name) for name in yours.values() if (ev := evidence(name, doc, lang)).found]
    for ev, name in sorted(found, key=lambda e: (-e[0].score, -e[0].body, e[1])):
        picks.add(name, "yours", ev.score)
    # 2. page: what the publisher declared, those the text mentions first (by how much)
    declared = [(evidence(n, doc, lang), i, _spelled(n, doc))
                for i, n in enumerate(declared_tags(article, site_keywords, site_name=site_name))]
    declared = [d for d in declared if not _common_word(d[2], d[0], lang)]
    seen = sorted((d for d in declared if d[0].body or d[0].title), key=lambda d: (-min(d[0].body + d[0].title, 3), d[1]))
    for rank, (_, _, name) in enumerate(seen):
        picks.add(name, "page", 0.85 - 0.01 * rank)
    # 3. text: names and noun phrases of the body
    for phrase in key_phrases(doc, lang, limit=MAX_SUGGESTIONS + 4):
        name = clean(phrase.text)
        if name:
            picks.add(name, "text", 0.8 * phrase.score, named=phrase.named)
    # 4. declared tags the text never mentions: at most two
    unseen = [name for ev, _, name in declared if not (ev.body or ev.title)][:MAX_UNSEEN_DECLARED]
    for rank, name in enumerate(unseen):
        picks.add(name, "page", 0.5 - 0.01 * rank)
    return picks.tags


def _spelled(name: str, doc: textdoc.Doc) -> str:
    """A declared tag in lower case ("afghanistan") as the body writes it when it writes it as a
    name ("Afghanistan")."""
    if name != name.lower() or " " in name:
        return name
    at = [i for i in doc.index.get(textdoc.fold(name), ()) if i >= doc.body_start and not doc.start[i]]
    named = Counter(doc.text[i] for i in at if doc.cap[i])
    if named and sum(named.values()) > len(at) / 2:
        return _POSSESSIVE.sub("", named.most_common(1)[0][0])
    return name


def _common_word(name: str, ev, lang) -> bool:
    """A declared single lower-case word among the language's common ones ("economy",
    "shoes") is a tag only where the article is about it: in the headline or talked about."""
    if " " in name or name != name.lower() or lang is None or not lang.is_common(name.casefold()):
        return False
    return not (ev.title or ev.body >= MIN_HITS_COMMON_DECLARED)


class _Picks:
    """The suggestions so far: one per topic, at most MAX_SUGGESTIONS."""

    def __init__(self, yours: dict[str, str]):
        self.yours = yours
        self.tags: list[Tag] = []
        self.keys: list[str] = []
        self.words: list[tuple[tuple[str, ...], bool]] = []  # folded words, a name?

    def add(self, name: str, source: str, score: float, named: bool | None = None) -> None:
        key = normalize(name)
        if not key or key in self.keys or len(self.tags) >= MAX_SUGGESTIONS:
            return
        if source != "yours" and key in self.yours:
            if source == "text":
                return  # your tag, but the text does not talk about it enough: not imposed
            name = self.yours[key]  # declared by the page: offered in your spelling, as the page's
        words = tuple(textdoc.fold(w) for w in name.replace("-", " ").split())
        named = name[:1].isupper() if named is None else named
        if source == "text" and any(self._same(words, named, *other) for other in self.words):
            return
        self.tags.append(Tag(name, source, round(min(max(score, 0.01), 1.0), 3)))
        self.keys.append(key)
        self.words.append((words, named))

    @staticmethod
    def _same(a: tuple[str, ...], a_named: bool, b: tuple[str, ...], b_named: bool) -> bool:
        """One topic: a phrase inside another (two names may nest: "Google", "Google Stadia"),
        or a demonym or abbreviation of a name ("Chinese", "China"; "U.S.", "United States")."""
        sa, sb = f" {' '.join(a)} ", f" {' '.join(b)} "
        if not (a_named and b_named) and (sa in sb or sb in sa):
            return True
        return same_topic_names(a, b)
