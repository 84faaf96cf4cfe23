"""An article's words, read once for tag suggestions: cleaned, split into tokens that know their
case, their sentence and their paragraph. Pure.

Cleaning first: NFKC (full-width letters, ligatures), soft hyphens and zero-width characters
removed, so "Mont\u00adréal" is one word. Each word token has
  text  - as written (cleaned), possessive kept ("Iran's")
  low   - lower-case, possessive and elided article dropped ("iran", "l'Union" -> "union")
  fold  - `low` with accents and inner hyphens removed ("montréal" -> "montreal", "e-mail" -> "email")
  parts - the folded pieces of a hyphenated word ("iran-russia" -> ("iran", "russia"))
and flags: capitalised, all capitals, dotted (an abbreviation "U.S." or an initial "M."), first
word of a sentence,
in a shouted (mostly capitals) sentence. Punctuation that ends a sentence or breaks a phrase is
kept as a token with an empty `fold`, so nothing is matched across it; paragraphs are separate.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

MAX_CHARS = 30_000  # the topics of a long article are all in its first few thousand words
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e]")
_TOKEN = re.compile(
    r"(?=\S)(?:"  # (the guards skip spaces and ordinary words fast: half the time)
    r"(?=[^\W\d_]\.)(?:(?:[^\W\d_]\.){2,}(?![^\W\d_])|[^\W\d_](?:\.[^\W\d_])+(?![\w.])"  # U.S. / U.S / e.g.
    r"|(?<![\w.])[^\W\d_]\.(?=[ \u00a0][^\W\d_]))"  # an initial: John M. Ford
    r"|[^\W_][\w'’&]*(?:-[^\W_][\w'’&]*)*"  # words (AT&T), with inner apostrophes and hyphens; numbers
    r"|[.!?…]+|[,;:()\[\]{}\"“”„«»|/–—]|(?<!\w)-(?!\w))")
_SENTENCE_END = frozenset(".!?…")
_OPENERS = frozenset("\"“„«([")
_CLOSERS = frozenset("\"”»)]’'")  # after a sentence's end, still before the next one
_ELIDED = re.compile(r"^([^\W\d_]{1,4})'(?=[^\W\d_]{3})")  # l'Union, dell'Europa, qu'elle
_POSSESSIVE = re.compile(r"'s?$")
SHOUT_SHARE = 0.6  # a sentence with this share of words in capitals is shouted, not acronyms


@dataclass
class Doc:
    """Title and body tokens. Paragraph 0 is the title; tokens never join across paragraphs."""
    text: list[str] = field(default_factory=list)
    low: list[str] = field(default_factory=list)
    fold: list[str] = field(default_factory=list)
    parts: dict = field(default_factory=dict)  # position -> folded pieces of a hyphenated word
    para: list[int] = field(default_factory=list)
    cap: list[bool] = field(default_factory=list)
    caps: list[bool] = field(default_factory=list)  # all capitals, two letters or more
    dotted: list[bool] = field(default_factory=list)
    start: list[bool] = field(default_factory=list)  # first word of a sentence
    shout: list[bool] = field(default_factory=list)
    body_start: int = 0  # first position of the body
    title_cased: bool = False  # the headline Capitalises Most Words: its capitals say nothing
    words: int = 0  # word tokens in the body

    def is_word(self, i: int) -> bool:
        return bool(self.fold[i])

    @functools.cached_property
    def index(self) -> dict[str, list[int]]:
        """folded form (whole word or hyphen piece) -> positions, title and body."""
        out: dict[str, list[int]] = {}
        for i, f in enumerate(self.fold):
            if f:
                out.setdefault(f, []).append(i)
        for i, pieces in self.parts.items():
            for p in pieces:
                if p != self.fold[i]:
                    out.setdefault(p, []).append(i)
        return out


    @functools.cached_property
    def initials(self) -> dict[str, list[int]]:
        """Initials of runs of two to four capitalised words of three letters or more -> positions
        ("us" -> "United States"), for acronyms. A run that starts a sentence ("And It ...") or
        follows another capitalised word inside one (part of a longer name) is left out."""
        out: dict[str, list[int]] = {}
        n = len(self.fold)
        for i in range(n):
            if not self._plain_capital(i) or self.start[i] or (i > 0 and self.cap[i - 1] and self.fold[i - 1]
                                                              and not self.start[i - 1]
                                                              and self.para[i - 1] == self.para[i]):
                continue
            letters = ""
            for k in range(i, min(i + 4, n)):
                if not self._plain_capital(k) or self.para[k] != self.para[i]:
                    break
                letters += self.fold[k][0]
                if len(letters) >= 2:
                    out.setdefault(letters, []).append(i)
        return out

    def _plain_capital(self, i: int) -> bool:
        return self.cap[i] and not self.caps[i] and not self.shout[i] and len(self.fold[i]) >= 3 \
            and self.fold[i].isalpha()


def clean(text: str) -> str:
    """NFKC, without soft hyphens and zero-width characters."""
    if text.isascii():
        return text  # nothing to do, and the common case
    return unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))


@functools.lru_cache(maxsize=4096)
def fold_char(c: str) -> str:
    """A Latin letter without its accents ("é" -> "e", "ß" stays "ß"); other scripts as they
    are (Cyrillic "й" is a letter of its own, not an accented "и")."""
    if not unicodedata.name(c, "").startswith("LATIN"):
        return c
    return "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)) or c


class _Folder(dict):
    def __missing__(self, code: int) -> str:
        value = self[code] = fold_char(chr(code))
        return value


_FOLD = _Folder({ord("-"): "", ord("'"): "", ord("’"): ""})


def fold(word: str) -> str:
    """The matching form of a word or tag word: lower-case, no accents, no hyphens."""
    return word.casefold().translate(_FOLD)


def read(title: str, body: str) -> Doc:
    props: list[tuple] = []
    starts: list[bool] = []
    shout: list[bool] = []
    para: list[int] = []
    _tokens(clean(title or ""), 0, props, starts, shout, para)
    body_start = len(props)
    for n, line in enumerate(clean((body or "")[:MAX_CHARS]).split("\n"), start=1):
        if line.strip():
            _tokens(line, n, props, starts, shout, para)
    doc = Doc(start=starts, shout=shout, para=para, body_start=body_start)
    if props:
        text, low, folded, cap, caps, dotted, parts = zip(*props)
        doc.text, doc.low, doc.fold = list(text), list(low), list(folded)
        doc.cap, doc.caps, doc.dotted = list(cap), list(caps), list(dotted)
        doc.parts = {k: pieces for k, pieces in enumerate(parts) if pieces}
    doc.title_cased = _title_cased(doc)
    body = doc.fold[body_start:]
    doc.words = len(body) - body.count("")
    return doc


def _tokens(line: str, n: int, props: list, starts: list, shout: list, para: list) -> None:
    """Append the tokens of one paragraph (n) with their properties and places."""
    tokens = _TOKEN.findall(line)
    first = len(props)
    props.extend([_PROPS.get(t) or _props(t) for t in tokens])
    shout.extend([False] * len(tokens))
    para.extend([n] * len(tokens))
    at_start, sentence, words, capitals = True, first, 0, 0
    for k in range(first, len(props)):
        p = props[k]
        if p[2]:  # a word
            starts.append(at_start)
            at_start = p[5] and len(p[2]) > 1  # "in the U.S. The ..." may end a sentence; "M." does not
            if p[2][0].isalpha():
                words += 1
                capitals += p[4]
            continue
        tok = p[0]
        starts.append(False)
        at_start = at_start and (tok in _OPENERS or tok in _CLOSERS) or tok[-1] in _SENTENCE_END or tok == ":"
        if tok[-1] in _SENTENCE_END:
            if words >= 3 and capitals >= SHOUT_SHARE * words:
                shout[sentence:k] = [True] * (k - sentence)
            sentence, words, capitals = k + 1, 0, 0
    if words >= 3 and capitals >= SHOUT_SHARE * words:
        shout[sentence:] = [True] * (len(props) - sentence)


_PROPS: dict[str, tuple] = {}  # token -> its properties; tokens repeat across pages
_PROPS_MAX = 100_000
_PUNCTUATION = ("", "", False, False, False, None)


def _props(tok: str) -> tuple:
    """(text, low, fold, capitalised, all capitals, dotted, hyphen pieces) of a token."""
    if len(_PROPS) >= _PROPS_MAX:
        _PROPS.clear()
    if not tok[0].isalnum():
        value = (tok, *_PUNCTUATION)
    else:
        dotted = len(tok) >= 2 and tok[1] == "."  # U.S., or an initial (M.)
        low = tok.casefold().replace("’", "'")
        text = tok
        if not dotted and "'" in low:
            low = _POSSESSIVE.sub("", low)
            m = _ELIDED.match(low)
            if m and not tok[0].isupper():
                low, text = low[m.end():], tok[m.end():]
        letters = [ch for ch in text if ch.isalpha()]
        caps = len(letters) >= 2 and all(ch.isupper() for ch in letters)
        f = low.replace(".", "") if dotted else fold(low)
        pieces = tuple(fold(p) for p in low.split("-") if p) if "-" in low else None
        value = (text, low, f or low, text[:1].isupper(), caps, dotted, pieces)
    _PROPS[tok] = value
    return value


def _title_cased(doc: Doc) -> bool:
    head = range(doc.body_start)
    words = [doc.text[i] for i in head if doc.fold[i] and len(doc.text[i]) > 3 and doc.text[i][0].isalpha()]
    return len(words) >= 3 and sum(1 for w in words if w[0].isupper()) >= 0.7 * len(words)
