"""Text injected into the article that belongs to the site's SEO, not to the story.

Spam republishers glue a phrase into sentences ("will be Poinbank Exchangeused to build"). The
phrase is recognisable because the same site also glues it around its titles: a segment of the
<title> (or of the headline) that also turns up *glued* to a word of the page's text is injected
(`injected_phrases`); titles.py drops it from the title, and `strip_injected` from the article.
An occurrence counts as glued when it touches a neighbouring word and what is left on that side
is a word the text itself uses elsewhere - so a real word that merely starts with the phrase
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


def _vocabulary_without(text: str, phrases) -> Counter:
    # The text's own words decide what is a word - counted without the glued tokens themselves,
    # so a remnant only counts if the text uses it elsewhere.
    for p in phrases:
        text = _glued_pattern(p).sub(" ", text)
    return vocabulary(text)


def _touches_a_word(phrase: str, text: str) -> bool:
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        if (start > 0 and text[start - 1].isalpha()) or (end < len(text) and text[end].isalpha()):
            return True
        start = text.find(phrase, end)
    return False


def injected_phrases(candidates, text: str) -> tuple[str, ...]:
    """The candidate phrases that occur glued into words of `text`."""
    candidates = [c for c in dict.fromkeys(candidates)
                  if len(c) >= MIN_PHRASE_CHARS and c in text and _touches_a_word(c, text)]
    if not candidates:
        return ()
    vocab = _vocabulary_without(text, candidates)
    return tuple(c for c in candidates if remove_glued_phrases(text, [c], vocab)[1])


def strip_injected(root, phrases) -> int:
    """Remove glued spam phrases from every text node under the lxml element `root`."""
    phrases = [p for p in phrases if len(p) >= MIN_PHRASE_CHARS]
    if not phrases:
        return 0
    vocab = _vocabulary_without(root.text_content(), phrases)
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
