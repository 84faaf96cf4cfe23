"""Does the article talk about one of the user's tags? Pure: a tag and a read article (textdoc.Doc)
in, the evidence out. The rules, each pinned by a test with its counter-example:

  1. A word written in capitals (IT, US, UN, EU, AI) matches only the same capitals or the dotted
     form (U.S., U.N.), never a lower-case word, and not in a shouted sentence; from four letters
     on, the capitalised form too ("Nasa" for NASA). On a page that uses the acronym, its long
     form counts too ("United States" for US); alone, a long form may be another name with the
     same initials ("Amnesty International", Spanish "Estados Unidos").
  2. A short word (up to three letters) that is a function word or among the most frequent words
     of the page's language (English "it", "us", "go", French "un", "car", Portuguese "eu",
     Italian "ai"), or a common word of a language that capitalises its nouns (German "Art"),
     matches only where the page writes it as a name: capitalised, not first in a sentence, not
     part of a longer name ("HBO Go"), in a language that does not capitalise every noun.
  3. Accents, hyphens and spacing fold: Montreal = Montréal, e-mail = email = "e mail",
     White-House = White House.
  4. Singular and plural fold only when the other form is not a function word or one of the
     most frequent words of the page's language (news never matches "new"), and a plural tag
     counts its singular only where the plural itself is talked about (Mars is not found in
     "mar", Windows not in "window").
  5. Evidence is what the body says: at least two mentions (or one beside the headline), and for
     a word common in the page's language, used far more often than the language uses it: 20
     times its usual rate, or 8 times when mentioned four times or more (German "Art" at its
     everyday rate is not the topic "Art"). Keywords the page declares are
     no evidence: only the title and body are read.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .lexicon import Language
from .textdoc import Doc, clean, fold

MIN_HITS = 2  # one mention in passing is not "talks about it"
STRONG_HITS = 3  # ... three, over two paragraphs or beside the headline, is
KEYNESS = 20.0  # a common word must be used this many times more than its language uses it ...
REPEATED = 4  # ... or, mentioned this many times,
REPEATED_KEYNESS = 8.0  # this many times more
STRONG_KEYNESS = 50.0
CAPITALS_AS_NAME = 4  # an acronym this long may be written as a name ("Nasa", "Covid")
ACRONYM_LETTERS = 4


@dataclass(frozen=True)
class Evidence:
    body: int = 0  # mentions in the body
    title: bool = False  # mentioned in the headline
    paragraphs: int = 0  # body paragraphs that mention it
    keyness: float = math.inf  # how much more than the language's usual rate (inf: a rare word)

    @property
    def found(self) -> bool:
        """The body talks about it: more than a passing mention."""
        if self.keyness < KEYNESS and not (self.body >= REPEATED and self.keyness >= REPEATED_KEYNESS):
            return False
        return self.body >= MIN_HITS or (self.title and self.body >= 1)

    @property
    def strong(self) -> bool:
        """Enough to apply the tag without asking (when the user allows that)."""
        if not self.found or self.keyness < STRONG_KEYNESS:
            return False
        return self.body >= STRONG_HITS and (self.title or self.paragraphs >= 2)

    @property
    def score(self) -> float:
        """0.6 .. 1.0 for found evidence, STRONG_SCORE and above only when strong."""
        if not self.found:
            return 0.0
        base = 0.9 if self.strong else 0.6
        return round(base + min(0.09, 0.01 * (self.body + 3 * self.title)), 3)


STRONG_SCORE = 0.9


def evidence(tag: str, doc: Doc, lang: Language | None) -> Evidence:
    """How the article (title and body in `doc`, in language `lang`) talks about `tag`."""
    words = clean(tag).replace("_", " ").split()
    if not words:
        return Evidence()
    found: dict[tuple, list[int]] = {}
    for seq in _variants(words, lang):
        found[seq] = _find(seq, doc, lang)
        own = sum(1 for p in found[seq] if p >= doc.body_start)
        for other in _other_numbers(seq[-1], own, lang):
            found[seq[:-1] + (other,)] = _find(seq[:-1] + (other,), doc, lang)
    positions = {p for at in found.values() for p in at}
    written = next(iter(found))[0]
    if len(words) == 1 and written.capitals and positions:
        positions.update(doc.initials.get(written.fold, ()))  # "US": "United States"
    if not positions:
        return Evidence(keyness=0.0)
    body = [p for p in positions if p >= doc.body_start]
    title = len(body) < len(positions)
    forms = [seq[0] for seq, at in found.items() if at and len(seq) == 1]
    keyness = _keyness(forms, len(body), doc, lang) if len(words) == 1 else math.inf
    return Evidence(len(body), title, len({doc.para[p] for p in body}), keyness)


# ------------------------------------------------------------------------------ variants
@dataclass(frozen=True)
class _Word:
    fold: str
    written: str  # as the user wrote it (capitals matter)
    capitals: bool = False  # an acronym: rule 1


def _word(written: str, lang: Language | None) -> _Word:
    """An all-capitals word is an acronym up to ACRONYM_LETTERS letters, or when longer, if it
    is not a word of the page's language ("UNHCR"; "DRONES" is just shouted)."""
    f = fold(written)
    letters = [c for c in written if c.isalpha()]
    capitals = len(letters) >= 2 and all(c.isupper() for c in letters) and (
        len(letters) <= ACRONYM_LETTERS or lang is None or f not in lang.zipf)
    return _Word(f, written, capitals)


def _variants(words: list[str], lang: Language | None) -> list[tuple[_Word, ...]]:
    """The word sequences to look for: as written, joined ("e-mail" -> "email") and with the
    hyphen pieces apart ("e mail")."""
    pieces = [p for w in words for p in w.split("-") if p]
    seqs = [tuple(_word(w, lang) for w in words)]
    if len(pieces) > 1:
        seqs.append((_word("".join(pieces), lang),))
        seqs.append(tuple(_word(p, lang) for p in pieces))
    return list(dict.fromkeys(seqs))


def _other_numbers(last: _Word, own_hits: int, lang: Language | None) -> list[_Word]:
    """The other number of a tag's last word, where rule 4 allows it: never a frequent word
    ("news" is not "new"), and a plural's singular only where the plural itself is talked
    about (a page with one "windows" and ten "window" is not about Windows)."""
    if last.capitals or len(last.fold) < 3:
        return []
    out = []
    for other, is_singular in _other_number(last.fold):
        if lang is not None and lang.is_frequent(other):
            continue
        if is_singular and own_hits < MIN_HITS:
            continue
        out.append(_Word(other, other))
    return out


def _other_number(w: str) -> list[tuple[str, bool]]:
    """[(other form, is a singular of the plural w)]: English-like -s/-es/-ies plurals."""
    if w.endswith("ies") and len(w) > 4:
        return [(w[:-3] + "y", True)]
    if w.endswith(("ches", "shes", "sses", "xes", "zes")) and len(w) > 4:
        return [(w[:-2], True)]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return [(w[:-1], True)]
    if w.endswith("y") and len(w) > 3 and w[-2] not in "aeiou":
        return [(w[:-1] + "ies", False)]
    if w.endswith(("ch", "sh", "ss", "x", "z")):
        return [(w + "es", False)]
    return [(w + "s", False)]


# ------------------------------------------------------------------------------ finding
def _find(seq: tuple[_Word, ...], doc: Doc, lang: Language | None) -> list[int]:
    """Start positions where the sequence stands, one word per token, within one paragraph."""
    first = seq[0]
    out = []
    for p in doc.index.get(first.fold, ()):
        if p + len(seq) > len(doc.fold) or doc.para[p + len(seq) - 1] != doc.para[p]:
            continue
        if all(_fits(w, p + k, doc, lang, alone=len(seq) == 1) for k, w in enumerate(seq)):
            out.append(p)
    return out


def _fits(w: _Word, i: int, doc: Doc, lang: Language | None, alone: bool) -> bool:
    """Is token i the word w, written as rules 1-2 require?"""
    if doc.fold[i] != w.fold and w.fold not in doc.parts.get(i, ()):
        return False
    if w.capitals:  # rule 1
        if doc.shout[i]:
            return False
        if doc.caps[i] or doc.dotted[i]:
            return True
        return len(w.fold) >= CAPITALS_AS_NAME and doc.cap[i]
    if alone and _name_only(doc.low[i], lang):  # rule 2
        return _written_as_name(i, doc, lang)
    return True


SHORT = 3  # letters


def _name_only(word: str, lang: Language | None) -> bool:
    """A short word that only a name may stand for: frequent in the language, or common in one
    that capitalises its nouns, where no capital tells a name (German "Art" is "kind")."""
    if lang is None or len(word) > SHORT:
        return False
    return lang.is_frequent(word) or lang.capitalises_nouns and lang.is_common(word)


def _written_as_name(i: int, doc: Doc, lang: Language) -> bool:
    """A name on its own: capitalised inside a sentence, not part of a longer name ("HBO Go")."""
    if lang.capitalises_nouns or not doc.cap[i] or doc.start[i] or doc.shout[i]:
        return False
    if doc.para[i] == 0 and doc.title_cased:
        return False
    before = i > 0 and doc.para[i - 1] == doc.para[i] and doc.cap[i - 1] and not doc.start[i - 1]
    after = i + 1 < len(doc.fold) and doc.para[i + 1] == doc.para[i] and doc.cap[i + 1] and doc.fold[i + 1].isalpha()
    return not (before or after)


def _keyness(forms: list[_Word], hits: int, doc: Doc, lang: Language | None) -> float:
    """How many times more often the body uses a one-word tag (in the forms found) than its
    language does; infinite for capitals, names and words that are not common."""
    words = [w.written.casefold() for w in forms if not w.capitals]
    if lang is None or not hits or not words or any(_name_only(w, lang) for w in words):
        return math.inf  # capitals, or a short frequent word found only where written as a name
    if not any(lang.is_common(w) for w in words):
        return math.inf  # a specific word: any repeated use is topical
    usual = sum(10 ** (lang.zipf_of(w) - 9) for w in words)  # per word of running text
    return (hits / max(doc.words, 1)) / usual
