"""Text injected into the article that belongs to the site's SEO, not to the story.

Spam republishers glue a phrase into sentences ("will be Poinbank Exchangeused to build"). The
phrase is recognisable because the same site also glues it around its titles: the title segments
that are neither the headline nor the site name (titles.py returns them as `junk`). We remove an
occurrence in the body when it is glued to a neighbouring word and what is left on that side is
a word the article itself uses elsewhere - so a real word that merely starts with the phrase
("Tech" in "Technology") is never cut.
"""
from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W\d_]+", re.U)
MIN_PHRASE_CHARS = 4  # shorter segments ("US", "AI") are too likely to be real text


def _glued_pattern(phrase: str) -> re.Pattern:
    escaped = re.escape(phrase)
    # glued on the right ("Exchangeused") or on the left ("wordPoinbank Exchange")
    return re.compile(rf"(?P<left>[^\W\d_]*)(?P<phrase>{escaped})(?P<right>[^\W\d_]*)")


def vocabulary(text: str) -> Counter:
    return Counter(w.lower() for w in _WORD.findall(text))


def remove_glued_phrases(text: str, phrases, vocab: Counter) -> tuple[str, int]:
    """Remove glued occurrences of `phrases` from `text`; return the new text and the count."""
    removed = 0
    for phrase in phrases:
        if len(phrase) < MIN_PHRASE_CHARS or phrase not in text:
            continue

        def fix(m: re.Match) -> str:
            nonlocal removed
            left, right = m["left"], m["right"]
            glued_left = bool(left) and vocab[left.lower()] > 0
            glued_right = bool(right) and vocab[right.lower()] > 0
            if (left or right) and (not left or glued_left) and (not right or glued_right):
                removed += 1
                if left and right:
                    return f"{left} {right}"
                return left or right
            return m[0]

        text = _glued_pattern(phrase).sub(fix, text)
    return text, removed


def strip_injected(root, phrases) -> int:
    """Remove glued spam phrases from every text node under the lxml element `root`."""
    phrases = [p for p in phrases if len(p) >= MIN_PHRASE_CHARS]
    if not phrases:
        return 0
    # The article's own words decide what is a word - counted without the glued tokens
    # themselves, so a remnant only counts if the article uses it elsewhere.
    full = root.text_content()
    for p in phrases:
        full = _glued_pattern(p).sub(" ", full)
    vocab = vocabulary(full)
    total = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("text", "tail"):
            value = getattr(el, attr)
            if value and any(p in value for p in phrases):
                new, n = remove_glued_phrases(value, phrases, vocab)
                if n:
                    setattr(el, attr, new)
                    total += n
    return total
