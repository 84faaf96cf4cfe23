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

from .verbatim import protected

_WORD = re.compile(r"[^\W\d_]+", re.U)
_LETTERS = re.compile(r"[^\W\d_]*", re.U)
MIN_PHRASE_CHARS = 4  # shorter segments ("US", "AI") are too likely to be real text
# Phrases looked for, in the order given (the <title>'s segments first): each costs a pass over
# the text, and a spam site injects one or two, not hundreds.
MAX_CANDIDATES = 24


def _is_letter(ch: str) -> bool:
    return ch.isalnum() and not ch.isdecimal()  # what [^\W\d_] matches


def glued(text: str, phrase: str):
    r"""(start, phrase_start, phrase_end, end) of each occurrence of `phrase` with the letters
    glued to it on either side, left to right, as the regular expression
    `([^\W\d_]*)PHRASE([^\W\d_]*)` would find them - in linear time (that expression retries
    its left part at every letter of a long word: quadratic on "harbourxharbourx...").
    Occurrences do not overlap; inside one run of letters the last occurrence is taken."""
    size, cur = len(phrase), 0
    while (first := text.find(phrase, cur)) >= 0:
        start = first
        while start > cur and _is_letter(text[start - 1]):
            start -= 1
        run_end = _LETTERS.match(text, start).end()  # the left part may reach no further
        at = text.rfind(phrase, first, max(run_end, first) + size)
        end = _LETTERS.match(text, at + size).end()
        yield start, at, at + size, end
        cur = end


def vocabulary(text: str) -> Counter:
    return Counter(w.lower() for w in _WORD.findall(text))


def remove_glued_phrases(text: str, phrases, vocab: Counter) -> tuple[str, int]:
    """Remove glued occurrences of `phrases` from `text`; return the new text and the count."""
    removed = 0
    for phrase in phrases:
        if len(phrase) < MIN_PHRASE_CHARS or phrase not in text:
            continue
        parts, last = [], 0
        for start, at, after, end in glued(text, phrase):
            left, right = text[start:at], text[after:end]
            glued_left = bool(left) and vocab[left.lower()] > 0
            glued_right = bool(right) and vocab[right.lower()] > 0
            if (left or right) and (not left or glued_left) and (not right or glued_right):
                removed += 1
                parts += [text[last:start], f"{left} {right}" if left and right else left or right]
                last = end
        text = "".join(parts) + text[last:] if parts else text
    return text, removed


def _vocabulary_without(text: str, phrases) -> Counter:
    # The text's own words decide what is a word - counted without the glued tokens themselves,
    # so a remnant only counts if the text uses it elsewhere.
    for p in phrases:
        kept, last = [], 0
        for start, *_, end in glued(text, p):
            kept.append(text[last:start])
            last = end
        text = " ".join([*kept, text[last:]]) if kept else text
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
    """The candidate phrases (the first MAX_CANDIDATES long enough) that occur glued into words
    of `text`."""
    long_enough = (c for c in dict.fromkeys(candidates) if len(c) >= MIN_PHRASE_CHARS)
    candidates = [c for _, c in zip(range(MAX_CANDIDATES), long_enough) if c in text and _touches_a_word(c, text)]
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
    keep = protected(root)  # code says what it says
    total = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("text", "tail"):
            if (el if attr == "text" else el.getparent()) in keep:
                continue
            value = getattr(el, attr)
            if value and any(p in value for p in phrases):
                new, n = remove_glued_phrases(value, phrases, vocab)
                if n:
                    setattr(el, attr, new)
                    total += n
    return total
