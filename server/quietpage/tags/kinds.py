"""The kind of each token of an article's body, for key phrases (keyphrases.py): part of a
NAME, a lower-case content WORD, a CONNECTOR inside a name ("of", "de") or a BREAK; and the runs
of names those kinds make. Pure.

A capitalised word is a name unless it only starts a sentence (and is a common word the page
never capitalises elsewhere); in a language that capitalises its nouns (German) only an uncommon
capitalised word is one. Most of a token's kind depends on the token alone and is cached per
language.
"""
from __future__ import annotations

from .lexicon import Language
from .textdoc import Doc
from .topics import CONNECTORS

MAX_ACRONYM = 5  # letters: "NATO", "COVID"; a longer word in capitals is shouted

NAME, WORD, CONNECTOR, BREAK = "N", "w", "c", "-"


def classify(doc: Doc, lang: Language | None) -> list[str]:
    """A kind per token of the body (the title's are BREAK): NAME part, lower-case content
    WORD, CONNECTOR or BREAK. Most of a token's kind depends on the token alone and is cached
    per language; only a capitalised word needs its place (a sentence's start, the page's
    other capitals)."""
    fold, text, start, shout = doc.fold, doc.text, doc.start, doc.shout
    b = doc.body_start
    first = 0 if doc.title_cased else b  # a headline in sentence case shows its names too
    inside = {f for f, c, st, sh in zip(fold[first:], doc.cap[first:], start[first:], shout[first:])
              if c and not st and not sh}
    code = lang.code if lang is not None else ""
    cache = _KINDS.setdefault(code, {})
    if len(cache) > _KINDS_MAX:
        cache.clear()
    kinds = [BREAK] * b
    for i in range(b, len(fold)):
        if shout[i]:
            kinds.append(BREAK)
            continue
        kind = cache.get(text[i])
        if kind is None:
            kind = cache[text[i]] = _token_kind(i, doc, lang)
        if kind == _CAPITAL:  # a capitalised word: a name unless it only starts a sentence
            kind = NAME if not start[i] or fold[i] in inside or _name_follows(doc, i) else BREAK
        elif kind == _CAPITAL_COMMON:
            kind = NAME if not start[i] or fold[i] in inside else BREAK
        elif kind == _GLUE_CAPITAL:  # "The", "In": a name's part only inside a sentence
            kind = BREAK if start[i] else NAME
        kinds.append(kind)
    return kinds


_KINDS: dict[str, dict[str, str]] = {}  # language -> token -> kind (or a capital's class)
_KINDS_MAX = 100_000
_CAPITAL, _CAPITAL_COMMON, _GLUE_CAPITAL = "C", "K", "G"  # capitalised words: the place decides


def _token_kind(i: int, doc: Doc, lang: Language | None) -> str:
    f, w, t = doc.fold[i], doc.low[i], doc.text[i]
    if not f:
        return BREAK
    if f[0].isdigit():  # a number, or a name that starts with one: 1Password, 9to5Mac
        return NAME if t != t.lower() and not doc.caps[i] else BREAK
    if doc.dotted[i]:  # U.S. (an acronym) or M. (an initial, inside a name)
        return (NAME if len(f) >= 2 else CONNECTOR) if doc.cap[i] else BREAK
    if doc.caps[i]:  # an acronym; a long or common word in capitals is shouted ("HAYWARD —", "DEAR")
        shouted = len(f) > MAX_ACRONYM or len(f) > 3 and lang is not None and lang.is_common(w)
        return BREAK if shouted or len(f) < 2 else NAME
    if "'" in w and len(w) - w.rindex("'") <= 3:
        return BREAK  # a contraction: I'll, don't, we're
    if doc.cap[i]:
        if "-" in w and not all(p[:1].isupper() or p[:1].isdigit() for p in t.split("-") if p):
            return BREAK  # "NBA-leading", "Long-dated": an adjective, not a name
        if lang is None:
            return _CAPITAL_COMMON  # no word data: only capitals inside sentences say "name"
        if lang.capitalises_nouns:  # every noun has a capital: only the uncommon ones say "name"
            return BREAK if lang.is_common(w) else NAME
        if lang.is_glue(w):
            return _GLUE_CAPITAL
        return _CAPITAL_COMMON if lang.is_common(w) else _CAPITAL
    if t != t.lower():
        return NAME  # iPhone, eBay, macOS
    if w in CONNECTORS:
        return CONNECTOR
    if lang is None or lang.is_frequent(w) or len(f) < 3 or not w.replace("-", "").isalpha():
        return BREAK
    return WORD


def _name_follows(doc: Doc, i: int) -> bool:
    """"Kurt Volker said": a rare capitalised word that starts a sentence before another name."""
    j = i + 1
    return j < len(doc.fold) and doc.para[j] == doc.para[i] and doc.cap[j] and doc.fold[j][:1].isalpha()



def runs(kinds: list[str], doc: Doc):
    """(start, end) of the runs of NAME tokens in the body, connectors allowed inside."""
    i, n = doc.body_start, len(kinds)
    while i < n:
        if kinds[i] != NAME:
            i += 1
            continue
        j = i + 1
        while j < n and doc.para[j] == doc.para[i] and not possessive(doc.text[j - 1]) and (
                kinds[j] == NAME or kinds[j] == CONNECTOR and j + 1 < n and kinds[j + 1] == NAME
                and doc.para[j + 1] == doc.para[i]):
            j += 1
        yield i, j
        i = j


def possessive(text: str) -> bool:
    """"NASA's": a name ends there ("NASA's Galileo probe" is two names)."""
    return text[-2:] in ("'s", "’s") or text[-1:] in "'’"

