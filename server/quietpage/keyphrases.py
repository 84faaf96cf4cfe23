"""Key phrases and named things of an article, for tag suggestions. Pure, fast (one pass).

Two kinds of candidates, counted over the title (weighted) and the body:
  - named things: runs of capitalised words ("White House", "Xi Jinping"), not counted when the
    only evidence is a capital at the start of a sentence or in a Title-Cased headline;
  - key phrases: single words and pairs between stop words and punctuation ("diet pills"), as
    RAKE does (longer lower-case runs are rarely tags).
Scores favour repetition, presence in the title and multi-word phrases; a phrase contained in a
better one is dropped unless it stands much more often on its own.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .stopwords import for_language

TITLE_WEIGHT = 3.0  # an occurrence in the headline counts as three in the body
MAX_WORDS = 3  # names ("Red Dead Redemption")
MAX_CHARS = 30_000  # the topics of a long article are all in its first few thousand words
MIN_PHRASE_COUNT = 2  # a lower-case phrase must recur to be a topic
MIN_WORD_COUNT = 3  # ... a single lower-case word even more
NAME_BONUS = 1.5  # named things beat common nouns at equal counts
# Words of credits and boilerplate, never topics, in any case.
CHROME = frozenset("getty reuters afp ap associated press photo image images credit video".split())
_TOKEN = re.compile(r"[^\W\d_][\w'’.&-]*[^\W_]|[^\W\d_]|\d[\w.,]*|[.!?;:,()\"“”«»\[\]|/]|\n", re.U)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
BREAK = frozenset(".!?;:,()\"“”«»[]|/\n")
SENTENCE_END = frozenset(".!?\n\"“”")


@dataclass(frozen=True)
class Phrase:
    text: str  # as first written
    score: float
    named: bool


def _title_cased(title_tokens: list[str]) -> bool:
    words = [t for t in title_tokens if t[0].isalpha() and len(t) > 3]
    return len(words) >= 3 and sum(1 for w in words if w[0].isupper()) >= 0.7 * len(words)


def key_phrases(title: str, text: str, lang: str | None, limit: int = 12) -> list[Phrase]:
    if len(_CJK.findall(text[:2000])) > 200:
        return []  # no spaces between words: capital/stop-word rules do not apply
    body = _TOKEN.findall(text[:MAX_CHARS])
    head = _TOKEN.findall(title)
    stop = for_language(lang, [t.lower() for t in body[:400]]) | CHROME
    title_cased = _title_cased(head)
    # A Title Cased headline says nothing about what is a name: count the body only, then
    # weigh what the headline repeats.
    tokens = body if title_cased else head + ["\n"] + body
    counts, shown, named = _count(tokens, stop)
    title_key = " " + " ".join(t.lower() for t in head) + " "
    bonus = TITLE_WEIGHT - (0 if title_cased else 1)
    for key in counts:
        if f" {key} " in title_key:
            counts[key] += bonus
    return _rank(counts, shown, named, limit)


def _count(tokens: list[str], stop: frozenset) -> tuple[Counter, dict, set]:
    """Counts of names (runs of capitalised words), lower-case words and word pairs.

    Each token gets a one-letter code - C capitalised word, w other word, . sentence end,
    - any other break or stop word - so that runs are found by regular expressions over the
    code string, in C, instead of a Python loop over every token."""
    lower = [t.lower() for t in tokens]
    codes = "".join(_code(t, low, stop) for t, low in zip(tokens, lower))
    shown = dict(zip(lower[::-1], tokens[::-1]))  # first spelling of each word
    counts: Counter = Counter()
    named: set = set()
    for m in _NAME_RUN.finditer(codes):
        i, j = m.span()
        if j - i > MAX_WORDS or (j - i == 1 and (i == 0 or codes[i - 1] == ".")):
            continue  # too long to be a tag, or a single capital that only starts a sentence
        key = " ".join(lower[i:j])
        counts[key] += 1
        named.add(key)
        if key not in shown:
            shown[key] = " ".join(tokens[i:j])
    counts.update(lower[i] for i in _positions(codes, "w"))
    counts.update(f"{lower[i]} {lower[i + 1]}" for i in _pair_positions(codes))
    return counts, shown, named


def _code(tok: str, low: str, stop: frozenset) -> str:
    if tok in BREAK:
        return "." if tok in SENTENCE_END else "-"
    if low in stop or tok[0].isdigit() or (("'" in tok or "’" in tok) and tok.islower()):
        return "-"
    return "C" if tok[0].isupper() and (len(tok) > 1 or not tok.isupper()) else "w"


_NAME_RUN = re.compile(r"C+")
_PAIR = re.compile(r"(?=(?:Cw|wC|ww))")


def _positions(codes: str, letter: str):
    i = codes.find(letter)
    while i != -1:
        yield i
        i = codes.find(letter, i + 1)


def _pair_positions(codes: str):
    return (m.start() for m in _PAIR.finditer(codes))


def _rank(counts, shown, named, limit) -> list[Phrase]:
    scored = []
    for key, count in counts.items():
        words = key.split()
        if len(key) < 3:
            continue
        is_name = key in named
        if not is_name:
            need = MIN_WORD_COUNT if len(words) != 2 else MIN_PHRASE_COUNT
            if count < need or (len(words) == 1 and len(key) < 5):
                continue
        elif count < MIN_PHRASE_COUNT:
            continue
        score = count * (1 + 0.6 * (len(words) - 1)) * (NAME_BONUS if is_name else 1.0)
        scored.append((score, key))
    scored.sort(key=lambda s: (-s[0], s[1]))
    chosen: list[tuple[float, str]] = []
    for score, key in scored:
        if any(overlaps(key, other) and score < 1.5 * other_score * _len_ratio(key, other)
               for other_score, other in chosen):
            continue
        chosen.append((score, key))
        if len(chosen) >= limit:
            break
    top = chosen[0][0] if chosen else 1.0
    return [Phrase(shown.get(k) or " ".join(shown.get(w, w) for w in k.split()), round(s / top, 3), k in named)
            for s, k in chosen]


def overlaps(a: str, b: str) -> bool:
    """One phrase inside the other, as whole words."""
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


def _len_ratio(a: str, b: str) -> float:
    return 1.0 if len(a.split()) <= len(b.split()) else 0.5
