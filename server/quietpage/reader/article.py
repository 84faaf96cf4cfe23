"""The reader pipeline's result: one immutable value, plain data only."""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

# Adult reading speed for prose (words per minute); CJK scripts read per character.
WORDS_PER_MINUTE = 230
CJK_CHARS_PER_WORD = 2  # a CJK "word" is ~1.5-2 characters, so a char counts as half a word
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class Article:
    url: str | None
    title: str
    byline: str | None
    site_name: str | None
    published: str | None  # ISO 8601
    lang: str | None  # BCP 47, e.g. "en", "pt-BR"
    excerpt: str | None
    lead_image: str | None  # absolute URL
    content_html: str  # sanitised: no script, no event handlers, absolute URLs
    text: str  # plain text of the body, one paragraph per line
    word_count: int
    reading_minutes: int
    direction: str | None = None  # "rtl" for right-to-left scripts, else None
    keywords: tuple[str, ...] = ()  # what the publisher declared (meta keywords, rel=tag, ...), raw
    readerable: bool = True  # False: not an article (a front page, a list of links): best effort

    def to_dict(self) -> dict:
        d = asdict(self)
        d["keywords"] = list(self.keywords)
        return d


def count_words(text: str) -> int:
    """Words in `text`; CJK characters count as half a word each (no spaces to split on)."""
    cjk = len(_CJK.findall(text))
    latin = len(_WORD.findall(_CJK.sub(" ", text)))
    return latin + math.ceil(cjk / CJK_CHARS_PER_WORD)


def reading_minutes(word_count: int) -> int:
    return math.ceil(word_count / WORDS_PER_MINUTE) if word_count > 0 else 0
