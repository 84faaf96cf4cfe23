"""Why an article matched: where the search's words are (`matched_in`) and a short passage with
them marked (`snippet`: plain text and the [start, end) offsets of each mark, in code points -
never HTML: the text is the page's, untrusted).

The index folds words (case, Latin accents, ß -> ss); here each folded word becomes a pattern
that finds it as written - every character as the set of characters the index folds to it,
taken from the index's own analyzer, so both agree.
"""
from __future__ import annotations

import functools
import re
from itertools import islice

from .plainwords import DOTTED_I, lowered_from, plain_copy, plain_matches
from .scripts import CJK, UNSPACED, WORD

BEFORE = f"(?<!{WORD})"  # not inside a word
AFTER = f"(?![^\\W_{UNSPACED}])"
BETWEEN = "[\\W_]*?"  # what may separate the words of a phrase
# Latin letters whose accents (or ligatures) the index folds away.
FOLDED_RANGES = ((0x00C0, 0x02AF), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF), (0xFB00, 0xFB06))
LENGTH, LEAD, SPAN = 200, 60, 160  # a snippet's characters; before its first mark; where marks gather
MOST = 64  # matches looked at in one field
# A long field is looked through this far first, then further, then whole, each time only if the
# passage is not settled by what was found (or, where only whether it matches counts, nothing was).
STAGES = (800, 3000)
FIELDS = (("title", "title"), ("tags", "tags"), ("meta", "site"), ("body", "text"), ("quotes", "highlight"),
          ("notes", "note"))
PREFERRED = ("highlight", "note", "text")  # the snippet's source, among equally good ones
LOOKED_AT = sorted(FIELDS, key=lambda f: PREFERRED.index(f[1]) if f[1] in PREFERRED else len(PREFERRED))
# (field, label, its preference as a snippet's source: higher is better, None if never one)
_LOOKED_AT = tuple((name, label, -PREFERRED.index(label) if label in PREFERRED else None) for name, label in LOOKED_AT)


class _Frozen(dict):
    """A dict that can be a cache key (it is filled once, then only read)."""

    def __hash__(self):
        return id(self)


@functools.lru_cache(maxsize=4)
def _folds(analyze) -> tuple[dict[str, str], dict[str, str]]:
    """({folded char: the characters folded to it}, {folded 2-3 letters: the characters folded to them})."""
    single: dict[str, str] = _Frozen()
    multi: dict[str, str] = _Frozen()
    for lo, hi in FOLDED_RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            tokens = analyze(ch)
            if len(tokens) != 1 or tokens[0] == ch.lower():
                continue
            target = multi if len(tokens[0]) > 1 else single
            target[tokens[0]] = target.get(tokens[0], "") + ch
    return single, multi


@functools.lru_cache(maxsize=4)
def _letter_folds(analyze) -> tuple[dict[str, tuple[tuple[str, tuple[str, ...], str], ...]], dict[str, frozenset[str]]]:
    """Of each folded letter: ((an accented form of it, lower-cased and one character; every
    character that lowers to that; the letter), ...), and the lower-cased forms of the characters
    folded to several letters that hold it (ß -> ss: s). Made once: a search's Marker only unites
    those of its words' letters (going through every folded form took 0.1 ms at each query)."""
    single, multi = _folds(analyze)
    forms = {c: [v.lower() for v in vs if len(v.lower()) == 1] for c, vs in single.items()}
    sources = lowered_from({v for vs in forms.values() for v in vs}, FOLDED_RANGES)
    one_to_one = {c: tuple((v, sources[v], c) for v in vs) for c, vs in forms.items()}
    one_to_many: dict[str, set[str]] = {}
    for k, vs in multi.items():
        for c in set(k):
            one_to_many.setdefault(c, set()).update(v.lower() for v in vs)
    return one_to_one, {c: frozenset(vs) for c, vs in one_to_many.items()}


@functools.lru_cache(maxsize=4096)
def _char_class(ch: str, single) -> str:
    chars = ch + ch.upper() + single.get(ch, "")
    return re.escape(ch) if len(set(chars)) == 1 else "[" + "".join(re.escape(c) for c in dict.fromkeys(chars)) + "]"


@functools.lru_cache(maxsize=4096)
def _token_pattern(token: str, folds) -> str:
    single, multi = folds
    out, i = [], 0
    while i < len(token):
        for n in (3, 2):
            part = token[i:i + n]
            if len(part) == n and part in multi:
                together = "".join(_char_class(c, single) for c in part)
                out.append(f"(?:{together}|[{''.join(re.escape(c) for c in multi[part])}])")
                i += n
                break
        else:
            out.append(_char_class(token[i], single))
            i += 1
    return "".join(out)


def term_pattern(tokens: list[str], prefix: bool, folds) -> str:
    """A regex finding these (folded) words, one after the other, as a text writes them. A word
    starts with its first character, then looks back (so that re can scan for that character)."""
    parts = []
    for n, token in enumerate(tokens):
        unspaced = bool(CJK.fullmatch(token))
        last_open = prefix and n == len(tokens) - 1
        body = _token_pattern(token, folds)
        if not unspaced:
            first = _token_pattern(token[0], folds)
            body = f"{first}(?<!{WORD}.){_token_pattern(token[1:], folds)}" if len(token) > 1 and first == body[:len(first)] \
                else f"(?<!{WORD}){body}"
        parts.append(body + ("" if unspaced else f"{WORD}*" if last_open else AFTER))
    return BETWEEN.join(parts)


class Marker:
    """Finds a search's words in an article's stored fields. Words (and phrases) of plain
    letters are found with bytes.find in a copy of the text, lower-cased ASCII and the accented
    forms of their letters made plain (plainwords.py: fast); other scripts, and texts holding a
    letter folded to several (ß -> ss), with the regex. A long text is looked through from its
    start, and further only if needed."""

    def __init__(self, terms: list[tuple[list[str], bool]], analyze):
        folds = _folds(analyze)
        alternatives = [f"(?P<t{i}>{term_pattern(tokens, prefix, folds)})" for i, (tokens, prefix) in enumerate(terms)]
        self._pattern, self._rx = "|".join(alternatives), None
        self.terms = len(alternatives)
        plain = all(t.isascii() and t.isalnum() for tokens, _ in terms for t in tokens)
        self.words = [([t.encode() for t in tokens], prefix) for tokens, prefix in terms] if plain else None
        letters = {c for tokens, _ in terms for t in tokens for c in t}
        # accented forms of the words' letters: one character folded to one (lower-cased: é -> e),
        # made plain in the copy searched (plainwords); or to several (ß -> ss): the regex
        one_to_one, one_to_many = _letter_folds(analyze)
        self.one_to_one = {v: (sources, c) for letter in letters for v, sources, c in one_to_one.get(letter, ())}
        self.one_to_many = set().union(*(one_to_many.get(letter, ()) for letter in letters))
        self.longest = max((sum(map(len, tokens)) + 8 * len(tokens) for tokens, _ in terms), default=0)

    def rx(self) -> re.Pattern:
        """The regex, made when first needed: its classes of letters make it slow to compile
        (tens of ms, each new query - each letter typed), and words of plain letters in texts
        without letters folded to several are found without it."""
        if self._rx is None:
            self._rx = re.compile(self._pattern, re.IGNORECASE)
        return self._rx

    def _found(self, text: str, folds: list[tuple[tuple[str, ...], str]] | None, limit: int | None = None,
               most: int = MOST) -> list[tuple[int, int, int]]:
        """(start, end, which term) of the first matches in `text` (up to `limit`, cut at a
        space), in order; at most `most` (1: whether there is one). `folds`: (the characters
        that lower to an accented form of the words' letters that the article holds, the plain
        letter); None when the regex must look (see explain)."""
        if limit is not None and limit < len(text):
            cut = text.find(" ", limit)
            text = text if cut < 0 else text[:cut]
        if self.words is None or folds is None or DOTTED_I in text:
            return [(m.start(), m.end(), int(m.lastgroup[1:])) for m in islice(self.rx().finditer(text), most)]
        # one word (or phrase): its passage starts at its first match, so none after that
        # match's passage can be marked
        return plain_matches(plain_copy(text, folds), text, self.words, most, LENGTH, MOST)

    def explain(self, fields: dict[str, list[str]]) -> tuple[dict | None, list[str]]:
        """(snippet or None, matched_in) for one article's stored fields. Each field is looked
        through once, its values joined by line breaks (which no word crosses). The snippet is
        the passage showing the most different words, from a highlight, a note or the text in
        that order of preference among equals (the first such in its field): the fields it may
        come from are looked at first, and a passage that cannot beat the best so far (it has
        fewer different words in it) is not made; elsewhere one match is enough to know."""
        if not self.terms:
            return None, []
        matched, best = set(), None
        held = set("".join(fields.get("letters", ())))  # the article's non-ASCII characters, lower-cased
        folds = None if held & self.one_to_many else [self.one_to_one[v] for v in held if v in self.one_to_one]
        for name, label, preference in _LOOKED_AT:
            values = fields.get(name)
            if not values:
                continue
            # whether a match is all that is wanted: no passage here could be the snippet
            enough = preference is None or (best is not None and best[0] >= (self.terms, preference))
            hits = self._hits(values, folds, enough)
            if not hits:
                continue
            matched.add(label)
            if enough:
                continue
            for value, start, shown in _by_value(values, hits):  # each value with words in it
                if best is not None and (len({n for _, _, n in shown}), preference) <= best[0]:
                    continue  # its passage shows at most these words: it cannot win
                passage = self._passage(value, [(a - start, b - start, n) for a, b, n in shown])
                rank = (passage[0], preference)
                if best is None or rank > best[0]:
                    best = (rank, {**passage[1], "in": label})
        return (best[1] if best else None), [label for _, label in FIELDS if label in matched]

    def _hits(self, values: list[str], folds, enough: bool) -> list[tuple[int, int, int]]:
        """The matches in a field's values, joined by line breaks: the first one if `enough`."""
        joined = values[0] if len(values) == 1 else "\n".join(values)
        most = 1 if enough else MOST
        for limit in (STAGES if len(values) == 1 else ()):  # a long text: its start may be enough
            if len(joined) <= limit:
                break
            found = self._found(joined, folds, limit, most)
            if found if enough else self._settled(found, limit):
                return found
        return self._found(joined, folds, None, most) if joined else []

    def _settled(self, hits: list[tuple[int, int, int]], limit: int) -> bool:
        """Whether the matches found in the first `limit` characters give the passage the whole
        text would: every word is there, gathered, and the passage ends well before the cut."""
        if not hits or len({n for _, _, n in hits}) < self.terms or len(hits) >= MOST:
            return False
        j = 0
        for i, a in enumerate(hits):  # the first place where every word gathers (as _passage finds it)
            j = max(j, i)
            while j < len(hits) and hits[j][0] < a[0] + SPAN:
                j += 1
            if len({f[2] for f in hits[i:j]}) == self.terms:
                return a[0] + LENGTH + SPAN + self.longest < limit
        return False

    def _passage(self, text: str, found: list[tuple[int, int, int]]) -> tuple[int, dict]:
        """(how many different words it shows, {text, marks}) of the best passage of `text`."""
        score, anchor = (1, found[0]) if self.terms == 1 else _gathered(found, self.terms)
        start = max(0, anchor[0] - LEAD)
        if start:
            space = text.find(" ", start, anchor[0])
            start = space + 1 if space >= 0 else start
        size = len(text)
        end = min(size, start + LENGTH)
        if end < size:
            space = text.rfind(" ", anchor[1], end)
            end = space if space > anchor[1] else end
        window = text[start:end]
        if not window.isprintable():  # (one scan, where most windows have none of these)
            for ch in "\n\r\t\f\v":  # one line, same length
                if ch in window:
                    window = window.replace(ch, " ")
        shift = start - 1 if start else 0  # "…" before it
        shown = ("…" if start else "") + window + ("…" if end < size else "")
        marks = [[a - shift, b - shift] for a, b, _ in found if a >= start and b <= end]
        return score, {"text": shown, "marks": marks}


def _gathered(found: list[tuple[int, int, int]], terms: int) -> tuple[int, tuple[int, int, int]]:
    """(how many different words, the first of them) of the first place where the most
    different words gather (within SPAN characters) - every one of the `terms` if they do."""
    score, anchor, j = 0, found[0], 0
    for i, a in enumerate(found):
        j = max(j, i)
        while j < len(found) and found[j][0] < a[0] + SPAN:
            j += 1
        words = len({f[2] for f in found[i:j]})
        if words > score:
            score, anchor = words, a
            if score == terms:
                break
    return score, anchor


def _by_value(values, hits):
    """(value, where it starts in the joined text, the hits inside it) of each value with hits."""
    if len(values) == 1:  # the joined text is the value: every hit is inside it
        yield values[0], 0, hits
        return
    start, i = 0, 0
    for value in values:
        if i == len(hits):
            return  # no hit left for the values after
        end = start + len(value)
        inside = []
        while i < len(hits) and hits[i][0] < end:
            if hits[i][0] >= start and hits[i][1] <= end:
                inside.append(hits[i])
            i += 1
        if inside:
            yield value, start, inside
        start = end + 1
