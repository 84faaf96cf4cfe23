"""Topics of an article from its own words, for tag suggestions. Pure, one pass over textdoc.Doc:
tokens get a kind (kinds.py), candidates are found (candidates.py), counted and scored here.

Candidates, counted in the body only (the headline adds weight but is never enough alone):
  1. names: runs of capitalised words ("White House", "Xi Jinping"), with one inner connector
     ("Bank of England"); a capital that only starts a sentence counts when the word is not a
     common one or the page capitalises it elsewhere; leading titles are dropped ("President
     Donald Trump" -> "Donald Trump"). In a language that capitalises nouns (German) only words
     that are not common count.
  2. noun phrases: two or three words between function words and punctuation, repeated
     ("climate change", "Israeli settlements"); never starting or ending with a function word.
  3. a single lower-case word only when it is specific (not among the language's common words),
     central (in the headline and repeated in the body) and, where we can tell, not a verb or
     adjective form (English -ly/-ing/-ed; German lower case is never a noun).
One topic is shown once: a surname joins the full name the body uses ("Trump" -> "Donald Trump"),
a demonym its country ("Chinese" -> "China"), an abbreviation its long form ("U.S." -> "United
States"); two topics the headline and the body write side by side are one ("Israeli" +
"settlements"). For a language without a stop list, only names are suggested.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from . import candidates, kinds
from .key import singular
from .lexicon import Language
from .textdoc import Doc
from .topics import Key, inside, merge_same_person, same_topic

TITLE_WEIGHT = 3.0  # being in the headline is worth three body mentions
LEAD_WEIGHT = 1.0  # ... being in the first paragraphs, one more
LEAD_PARAGRAPHS = 2
MIN_NAME_COUNT = 2  # body mentions of a name (one beside the headline also does)
MIN_PHRASE_COUNT = 3  # a lower-case phrase: three body mentions, or two and the headline
MIN_WORD_COUNT = 3  # a single lower-case word: in the headline and three times in the body
NAME_WEIGHT = 1.5
PHRASE_WEIGHT = 1.3
MIN_SHARE = 0.1  # a topic scoring under a tenth of the best one is noise
NESTED_SHARE = 3  # a phrase replaces a word inside it that it accounts for a third of
MIN_JOINED = 2  # two chosen topics side by side in the headline: one topic if the body says so twice
MAX_JOINED_WORDS = 4


@dataclass(frozen=True)
class Phrase:
    text: str  # as the body writes it
    score: float  # 0..1, relative to the best topic
    named: bool


_POSSESSIVE = re.compile(r"['’]s?$")


def key_phrases(doc: Doc, lang: Language | None, limit: int = 12) -> list[Phrase]:
    if not doc.words:
        return []
    token_kinds = kinds.classify(doc, lang)
    runs = list(kinds.runs(token_kinds, doc))
    at: dict[Key, list[int]] = {}  # candidate -> body positions where it starts
    candidates.names(doc, token_kinds, runs, lang, at)
    if lang is not None:
        candidates.phrases(doc, token_kinds, runs, lang, at)
    title = _title_keys(doc)
    _join_plurals(at, title)
    counts = {key: len(where) for key, where in at.items()}
    merge_same_person(counts, lang is not None and lang.capitalises_nouns)
    scored = []
    for key, count in counts.items():
        lead = doc.para[at[key][0]] <= LEAD_PARAGRAPHS  # positions are in reading order
        score = _score(key, count, f" {' '.join(key[0])} " in title, lead, lang)
        if score > 0:
            scored.append((score, key))
    scored.sort(key=lambda sk: (-sk[0], sk[1]))
    chosen: list[tuple[float, Key]] = []
    for score, key in scored:
        if chosen and score < MIN_SHARE * chosen[0][0]:
            break
        same = [k for k, (_, other) in enumerate(chosen) if same_topic(key, other)]
        if same:
            k = same[0]
            if len(same) == 1 and inside(chosen[k][1], key) and counts[key] * NESTED_SHARE >= counts[chosen[k][1]]:
                chosen[k] = (chosen[k][0], key)  # "bubonic plague" says more than "plague"
            continue
        chosen.append((score, key))
        if len(chosen) >= limit:
            break
    _join_neighbours(doc, chosen, at, counts, title)
    top = chosen[0][0] if chosen else 1.0
    return [Phrase(_spelling(doc, at[k], k[0]), round(s / top, 3), k[1]) for s, k in chosen]


def _join_plurals(at: dict, title: str) -> None:
    """A lower-case word or phrase and its plural are one candidate ("open thread", "open
    threads"): the headline's form, or else the body's most used one. Not names ("Windows")."""
    for key in [k for k in at if not k[1] and k[0][-1][-1] == "s"]:
        one = singular(key[0][-1])
        other = (key[0][:-1] + (one,), False)
        if one == key[0][-1] or other not in at or key not in at:
            continue
        keep, drop = (key, other) if f" {' '.join(key[0])} " in title or (
            len(at[key]) > len(at[other]) and f" {' '.join(other[0])} " not in title) else (other, key)
        at[keep] = sorted(at[keep] + at.pop(drop))


def _join_neighbours(doc: Doc, chosen: list, at: dict, counts: dict, title: str) -> None:
    """Two chosen topics that the headline writes side by side and the body too, at least
    MIN_JOINED times and for a third of the rarer one's mentions, are one topic: "Israeli" +
    "settlements", "bubonic" + "plague", "диета" + "Аткинса". Not two names: a run of capitals
    already found those that are one ("Apple" beside "iPhone" stays two)."""
    joined = True
    while joined:
        joined = False
        heads = [(k, c) for k, c in enumerate(chosen) if f" {' '.join(c[1][0])} " in title]  # the rest can't join
        for (a, (sa, ka)), (b, (sb, kb)) in ((x, y) for x in heads for y in heads):
            words = ka[0] + kb[0]
            if a == b or ka[1] and kb[1] or len(words) > MAX_JOINED_WORDS or f" {' '.join(words)} " not in title:
                continue
            starts = _body_starts(doc, words)
            if len(starts) < MIN_JOINED or len(starts) * NESTED_SHARE < min(counts[ka], counts[kb]):
                continue
            key = (words, False)
            at[key], counts[key] = starts, len(starts)
            first = min(a, b)
            chosen[first] = (max(sa, sb), key)
            chosen[:] = [c for k, c in enumerate(chosen) if k == first or not same_topic(key, c[1])]
            joined = True
            break


def _body_starts(doc: Doc, words: tuple) -> list[int]:
    """Where the body has these folded words side by side, in one paragraph."""
    fold, size, out = doc.fold, len(words), []
    end = len(fold) - size + 1
    i = doc.body_start - 1
    while True:
        try:
            i = fold.index(words[0], i + 1, end)
        except ValueError:
            return out
        if tuple(fold[i:i + size]) == words and doc.para[i + size - 1] == doc.para[i]:
            out.append(i)


def _spelling(doc: Doc, starts: list[int], words: tuple) -> str:
    """The body's most common spelling of a candidate, in its own number ("open thread", not
    "open threads") and inside sentences where it has one ("диета Аткинса", not "Диета
    Аткинса" that starts a sentence)."""
    size, last = len(words), len(words) - 1
    starts = [i for i in starts if doc.fold[i + last] == words[-1]] or starts  # forms differ in the last word
    inner = [i for i in starts if not doc.start[i]] or starts
    spellings = Counter(" ".join(doc.text[i:i + size]) for i in inner)
    return _POSSESSIVE.sub("", spellings.most_common(1)[0][0])


def _title_keys(doc: Doc) -> str:
    words = [f if f else "|" for f in doc.fold[:doc.body_start]]
    return f" {' '.join(words)} "


def _score(key: Key, count: int, title: bool, lead: bool, lang: Language | None) -> float:
    words, named = key
    if not count:
        return 0.0
    if named:
        if count < MIN_NAME_COUNT and not title:
            return 0.0
        weight = NAME_WEIGHT * (1.2 if len(words) > 1 else 1.0)
    elif len(words) == 1:
        if not title or count < MIN_WORD_COUNT or lang is None or lang.is_common(words[0]) or lang.capitalises_nouns:
            return 0.0
        weight = 1.0
    else:
        if count < MIN_PHRASE_COUNT - title:
            return 0.0
        weight = PHRASE_WEIGHT
        if lang is not None and all(lang.is_common(w) for w in words):
            weight *= 0.8  # "public health" is a topic, but less telling than "diet pills"
    return (count + TITLE_WEIGHT * title + LEAD_WEIGHT * lead) * weight
