"""Search words: what the library derives from each article so a search never opens its files.

Each article has a derived document (kept by the store beside the records, see store.DERIVED):
`{"w": its text's distinct words, "n": the words of its highlights' quotes and notes}`, both
case-folded and space-separated. A search term (which holds no space) is in the text exactly
when it is in one of its words, so testing the words finds the same articles as the text.
The library refreshes them where it writes (a new body, a highlight or note changed), and fills
in any that are missing when it opens a store (a crash between the two writes, an old schema).
"""
from __future__ import annotations

import orjson

from ..anchoring import quote_of
from ..errors import BodyMissing
from .index import ArticleIndex


def search_words(text: str) -> str:
    """An article's distinct case-folded words, in order."""
    return " ".join(dict.fromkeys(text.casefold().split()))


def text_doc(text: str) -> dict:
    return {"w": search_words(text or "")}


def highlight_words(highlights: list[dict]) -> str:
    return search_words(" ".join(f"{quote_of(h.get('selectors', []))} {h.get('note') or ''}" for h in highlights))


def matches(store, index: ArticleIndex, article_id: str, terms: list[str]) -> bool:
    """Whether every (case-folded) term is in the article's metadata, tags, text, or the quotes
    and notes of its highlights."""
    hay = index.hay(article_id)
    missing = [t for t in terms if t not in hay]
    if not missing:
        return True
    raw = store.derived_bytes(article_id)
    if raw is None:  # not derived yet: read the text
        try:
            words = search_words(store.read_body(article_id).get("text") or "").encode()
        except BodyMissing:  # its saved page is gone: only its details can match
            return False
        return all(t.encode() in words for t in missing)
    # raw is b'{"w":"..."}', with ',"n":"..."' once it has highlights: look inside the two
    # strings only - never at the keys - for the term as JSON escapes it (a quote inside a
    # string is escaped, so '","' is the boundary between them).
    cut = raw.find(b'","', 6)
    spans = ((6, len(raw) - 2),) if cut < 0 else ((6, cut), (cut + 7, len(raw) - 2))
    return all(any(raw.find(orjson.dumps(t)[1:-1], lo, hi) >= 0 for lo, hi in spans) for t in missing)


def rank(index: ArticleIndex, article_id: str, terms: list[str]) -> int:
    """2: every word in the title; 1: in the title, byline, site or tags; 0: only in the text or
    in highlights and their notes."""
    if all(t in index.title(article_id) for t in terms):
        return 2
    return 1 if all(t in index.hay(article_id) for t in terms) else 0
