"""Candidate topics of an article: names and noun phrases, each with the body positions where
it starts (keyphrases.py counts and scores them). Pure.
"""
from __future__ import annotations

import calendar
from collections import defaultdict

from .kinds import CONNECTOR, NAME, WORD
from .lexicon import Language
from .textdoc import Doc
from .topics import CONNECTORS

MAX_NAME_WORDS = 4  # "Red Dead Redemption 2"-like names; longer runs are headlines, not names
MAX_RUN = 7  # a longer run of capitals is a Title Cased line (a heading, a list), skipped
MAX_PHRASE_WORDS = 3
ADVERB_ZIPF_GAP = 0.5  # an -ly word whose stem is at most this much rarer is that stem's adverb


def names(doc: Doc, kinds: list[str], runs: list, lang: Language | None, at: dict) -> None:
    roles, before = _role_words(doc, runs, lang)
    for start, end in runs:
        if end - start > MAX_RUN:
            continue
        if all(doc.caps[k] or kinds[k] == CONNECTOR for k in range(start, end)) and end - start > 1:
            continue  # "NEW DELHI —", "DEAR ABBY": a dateline or a heading, in capitals
        while end - start > 1 and _is_glue(doc, start, lang):
            start += 1  # "The Guardian" -> "Guardian"
        while end - start > 2 and (doc.fold[start] in roles or doc.fold[start + 1] in roles) \
                and not _is_glue(doc, start + 1, lang):  # "Department of Environmental Protection" is whole
            start += 1  # "President Donald Trump", "Vice President Joe Biden", "Russian President X"
        if end - start == 2 and doc.fold[start] in roles and len(before[doc.fold[start]]) >= 2:
            start += 1  # "President Trump" beside "President Zelensky": the name is "Trump"
        if end - start > MAX_NAME_WORDS:
            continue
        if end - start == 1 and not _single_name(doc, start, lang):
            continue
        start, end = _strip_titles(doc, start, end, lang)
        at.setdefault((tuple(doc.fold[start:end]), True), []).append(start)
    _numbered(doc, at, lang)


def _numbered(doc: Doc, at: dict, lang: Language | None) -> None:
    """A name the body always writes with the same number right after it is named with it:
    "Red Dead Redemption 2", "Windows 10". Not a name written with and without one, nor a count
    ("Martinez 1 goal. Martinez 1 assist.": a lower-case word after the number every time)."""
    n = len(doc.fold)
    for key in [k for k in at if k[1] and len(k[0]) < MAX_NAME_WORDS and len(at[k]) >= 2]:
        size, starts = len(key[0]), at[key]
        after = {doc.text[i + size] if i + size < n and doc.para[i + size] == doc.para[i] else "" for i in starts}
        number = after.pop() if len(after) == 1 else ""
        if number.isascii() and number.isdigit() and len(number) <= 4 and not all(
                _counted(doc, i + size + 1, lang) for i in starts):
            at.setdefault((key[0] + (doc.fold[starts[0] + size],), True), []).extend(starts)
            del at[key]


def _counted(doc: Doc, i: int, lang: Language | None) -> bool:
    """Whether the word at i is what a number before it counts: a lower-case word that is not a
    function word or a very frequent one ("1 goal", but not "2 on", "2 isn't")."""
    if i >= len(doc.text) or not doc.text[i][:1].isalpha() or doc.cap[i]:
        return False
    return lang is None or not lang.is_frequent(doc.low[i].replace("’", "'"))


# English day and month names are capitalised common words, not names (from the stdlib's C locale).
_CALENDAR = frozenset(n.lower() for n in (*calendar.day_name, *calendar.month_name, *calendar.day_abbr,
                                          *calendar.month_abbr, "sept") if n)


def _single_name(doc: Doc, i: int, lang: Language | None) -> bool:
    """A one-word name worth a tag: not "New", "Go" (frequent words), "Friday", "Oct" (the
    calendar), nor "Mr", "Dr", "St" (short words before a dot: abbreviations)."""
    w = doc.low[i]
    if lang is not None and lang.is_frequent(w) or w in _CALENDAR:
        return False
    if doc.caps[i] or doc.dotted[i]:
        return True
    return len(w) > 3 or len(w) == 3 and not (i + 1 < len(doc.text) and doc.text[i + 1] == ".")


def _strip_titles(doc: Doc, start: int, end: int, lang: Language | None) -> tuple[int, int]:
    """Leading common words before a name of rare words are a title: "Russian President
    Vladimir Putin" -> "Vladimir Putin" (but "National Security Council" stays whole)."""
    if lang is None:
        return start, end
    for k in range(start + 1, end - 1):
        head, rest = range(start, k), range(k, end)
        if all(lang.is_common(doc.low[j]) for j in head) and not _is_glue(doc, k, lang) and not any(
                lang.is_common(doc.low[j]) or doc.dotted[j] for j in rest):
            return k, end
    return start, end


def _is_glue(doc: Doc, i: int, lang: Language | None) -> bool:
    return doc.low[i] in CONNECTORS or lang is not None and lang.is_glue(doc.low[i])



def _role_words(doc: Doc, runs: list, lang: Language | None) -> tuple[set, dict]:
    """Capitalised words that are titles before names, not names: words the body also writes in
    lower case ("the president"), other than frequent words ("New York" stays whole). Also
    returns, for each capitalised word, the names it stands before."""
    b = doc.body_start
    before: dict[str, set] = defaultdict(set)
    fold = doc.fold
    for start, end in runs:
        for i in range(start, end - 1):
            before[fold[i]].add(fold[i + 1])
    if not before:
        return set(), before
    lower = {f for f, c in zip(fold[b:], doc.cap[b:]) if f and not c}
    roles = {w for w in before if w in lower and not (lang is not None and lang.is_frequent(w))}
    return roles, before


def phrases(doc: Doc, kinds: list[str], runs: list, lang: Language, at: dict) -> None:
    """Lower-case noun phrases of two or three words, "Capitalised lower-case" pairs ("Israeli
    settlements") and, when the headline has them, "lower-case Capitalised" pairs ("диета
    Аткинса") in the body; single lower-case words only if the headline has them (they need it,
    see _score)."""
    n = len(kinds)
    title_words = {f for f in doc.fold[:doc.body_start] if f}
    english = lang if lang.code == "en" else None  # where _shaped can tell verb and adverb forms
    fold, para = doc.fold, doc.para
    adjectival = _adjectival(doc, kinds, runs)
    title_pairs = set(zip(doc.fold[:doc.body_start], doc.fold[1:doc.body_start]))
    for i in [k for k in range(doc.body_start, n) if kinds[k] == WORD or kinds[k] == NAME]:
        kind = kinds[i]
        if kind == WORD:
            if fold[i] in title_words and _shaped(doc, i, i + 1, english):
                at.setdefault(((fold[i],), False), []).append(i)
            if i + 1 < n and kinds[i + 1] == NAME and (fold[i], fold[i + 1]) in title_pairs:
                at.setdefault(((fold[i], fold[i + 1]), False), []).append(i)  # the headline's "диета Аткинса"
        elif kind != NAME or lang.capitalises_nouns or fold[i] not in adjectival:
            continue
        for j in range(i + 2, (i + MAX_PHRASE_WORDS if i + MAX_PHRASE_WORDS < n else n) + 1):
            if kinds[j - 1] != WORD or para[j - 1] != para[i] or kind == NAME and j > i + 2:
                break
            if _shaped(doc, i, j, english):
                at.setdefault((tuple(fold[i:j]), False), []).append(i)


def _adjectival(doc: Doc, kinds: list[str], runs: list) -> set[str]:
    """Capitalised words that the body only ever writes alone before a lower-case word ("Israeli
    settlements", "Israeli officials"): adjectives of a name, which may head a phrase."""
    before_word: dict[str, bool] = {}
    n = len(kinds)
    for start, end in runs:
        nxt = end - start == 1 and end < n and kinds[end] == WORD and doc.para[end] == doc.para[start]
        before_word[doc.fold[start]] = before_word.get(doc.fold[start], True) and nxt
    return {w for w, always in before_word.items() if always}


def _shaped(doc: Doc, i: int, j: int, english: Language | None) -> bool:
    """No verb or adverb forms at the edges, where the language lets us tell (English)."""
    if english is None:
        return True
    first, last = doc.low[i], doc.low[j - 1]
    return not (first.endswith("ly") and _adverb(first, english) or last.endswith(("ly", "ing", "ed")))


def _adverb(word: str, lang: Language) -> bool:
    """An -ly word made from a word about as frequent as itself ("quickly", "highly", "really");
    not one that is a word of its own ("early", "family", "daily")."""
    known = _ADVERBS.get(word)
    if known is None:
        if len(_ADVERBS) >= _ADVERBS_MAX:
            _ADVERBS.clear()
        known = _ADVERBS[word] = _made_from_a_word(word, lang)
    return known


_ADVERBS: dict[str, bool] = {}  # English -ly words: adverb? (English only: no language in the key)
_ADVERBS_MAX = 20_000


def _made_from_a_word(word: str, lang: Language) -> bool:
    stems = (word[:-2], word[:-3] + "y", word[:-2] + "e", word[:-1] + "e")  # quick-ly, happi-ly, true, gentl-y
    return max(lang.zipf_of(s) for s in stems if len(s) >= 3) >= lang.zipf_of(word) - ADVERB_ZIPF_GAP
