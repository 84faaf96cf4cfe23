"""The quick way to find a search's plain words (ASCII letters and digits, as the index folded
them) in a stored field - what snippets.py's patterns find, without compiling them.

The words are looked for with bytes.find in a copy of the text in which every character stands
where it stood: ASCII lower-cased, the accented forms of the words' letters made plain (É -> e),
the Kelvin sign a k, and every other character a "?". It is what str.lower() would give and
then plain letters put in place of accented ones, except where that gives no ASCII; there the
checks that need the character (is it a letter of a spaced script?) look at the text itself.
Why: str.lower() of a text that is not ASCII costs about 10 ns a character (each one's full
case mapping is looked up), the copy 2 - and a search page lowered 130,000 characters.
"""
from __future__ import annotations

from .scripts import CJK, is_word

DOTTED_I = "\u0130"  # the one character whose lower case is two (i + a dot above): the patterns take texts with it
_TO_ASCII = (("\u212a", "k"),)  # the one character beside it whose lower case is ASCII: the Kelvin sign
LETTERLIKE = (0x2100, 0x214F)  # the angstrom sign lowers to å
_LETTER, _OTHER = 1, 2
# what each byte of the copy is: a letter or digit, a character to look at in the text ("?"), or neither
_KIND = bytes(_LETTER if chr(b).isalnum() else _OTHER if b == ord("?") else 0 for b in range(128)) + bytes(128)


def lowered_from(accented: set[str], ranges: tuple[tuple[int, int], ...]) -> dict[str, tuple[str, ...]]:
    """Of each of these lower-case characters, every character whose lower case it is (é: é, É;
    å: å, Å and the angstrom sign), in order. Looked for among them, the `ranges` of letters
    the index folds and the letterlike symbols, not all of Unicode (24 ms at the first search:
    a test checks every code point)."""
    candidates = set(accented).union(*(map(chr, range(lo, hi + 1)) for lo, hi in (*ranges, LETTERLIKE)))
    out: dict[str, list[str]] = {}
    for c in sorted(candidates):
        low = c.lower()
        if low in accented:
            out.setdefault(low, []).append(c)
    return {low: tuple(cs) for low, cs in out.items()}


def plain_copy(text: str, folds: list[tuple[tuple[str, ...], str]]) -> bytes:
    """The copy searched (see above). `folds`: (the characters that lower to an accented form of
    one of the words' letters that the article holds, that letter). Not for a text with DOTTED_I."""
    if text.isascii():
        return text.encode().lower()
    for sources, plain in folds:
        for c in sources:
            if c in text:
                text = text.replace(c, plain)
    for c, plain in _TO_ASCII:
        if c in text:
            text = text.replace(c, plain)
    return text.encode("ascii", "replace").lower()


def plain_matches(low: bytes, text: str, words: list[tuple[list[bytes], bool]], most: int,
                  reach_after: int, at_most: int) -> list[tuple[int, int, int]]:
    """(start, end, which word) of the words' matches in `low` (plain_copy of `text`), in order:
    each word's (or phrase's) matches from the start, up to `at_most` in all; at most `most` (1:
    whether there is one). A single word stops `reach_after` characters after its first match
    (its passage starts there, so no later match could be marked)."""
    out: list[tuple[int, int, int]] = []
    reach = len(low) if len(words) > 1 else None
    size = len(low)
    for n, (tokens, prefix) in enumerate(words):
        word, step, alone = tokens[0], len(tokens[0]), len(tokens) == 1
        at = low.find(word)
        while at >= 0 and len(out) < at_most and (reach is None or at <= reach):
            if at and _word_at(low, text, at - 1):
                end = None  # inside a word
            elif alone:  # the common case, without a call
                end = at + step
                if end < size and _word_at(low, text, end):
                    end = _word_end(low, text, end) if prefix else None
            else:
                end = _phrase_end(low, text, at, tokens, prefix)
            if end is not None:
                out.append((at, end, n))
                if most == 1:
                    return out
                if reach is None:
                    reach = at + reach_after
            at = low.find(word, at + step)
    out.sort()
    return out


def _word_at(low: bytes, text: str, i: int) -> bool:
    """Whether the character at `i` is a letter or digit of a spaced script (patterns' WORD)."""
    kind = _KIND[low[i]]
    return kind == _LETTER or (kind == _OTHER and is_word(text[i].lower()))


def _phrase_end(low: bytes, text: str, at: int, tokens: list[bytes], prefix: bool) -> int | None:
    """Where `tokens`, the first found at `at` (not inside a word), end as whole words - or None
    (the last may be the start of a word when `prefix`)."""
    end, size = at, len(low)
    for n, token in enumerate(tokens):
        if n:  # what separates the words: neither a letter or digit nor a character of unspaced scripts
            while end < size and not _word_at(low, text, end) and not (
                    _KIND[low[end]] == _OTHER and CJK.match(text[end].lower())):
                end += 1
            if not low.startswith(token, end):
                return None
        end += len(token)
        if end < size and _word_at(low, text, end):
            if prefix and n == len(tokens) - 1:
                return _word_end(low, text, end)
            return None
    return end


def _word_end(low: bytes, text: str, at: int) -> int:
    """Where the word that goes on at `at` ends (a prefix's mark covers the whole word)."""
    size = len(low)
    while at < size and _word_at(low, text, at):
        at += 1
    return at
