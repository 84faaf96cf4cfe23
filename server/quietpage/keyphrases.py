"""Topics of an article from its own words, for tag suggestions. Pure, one pass over textdoc.Doc.

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
States"). For a language without a stop list, only names are suggested.
"""
from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from .lexicon import Language
from .textdoc import Doc
from .topics import CONNECTORS, Key, inside, merge_same_person, same_topic

MAX_NAME_WORDS = 4  # "Red Dead Redemption 2"-like names; longer runs are headlines, not names
MAX_RUN = 7  # a longer run of capitals is a Title Cased line (a heading, a list), skipped
MAX_PHRASE_WORDS = 3
MAX_ACRONYM = 5  # letters: "NATO", "COVID"; a longer word in capitals is shouted
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


@dataclass(frozen=True)
class Phrase:
    text: str  # as the body writes it
    score: float  # 0..1, relative to the best topic
    named: bool


_POSSESSIVE = re.compile(r"['’]s?$")


def key_phrases(doc: Doc, lang: Language | None, limit: int = 12) -> list[Phrase]:
    if not doc.words:
        return []
    kinds = _classify(doc, lang)
    runs = list(_runs(kinds, doc))
    at: dict[Key, list[int]] = {}  # candidate -> body positions where it starts
    _names(doc, kinds, runs, lang, at)
    if lang is not None:
        _phrases(doc, kinds, runs, lang, at)
    counts = {key: len(where) for key, where in at.items()}
    merge_same_person(counts)
    title = _title_keys(doc)
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
    top = chosen[0][0] if chosen else 1.0
    return [Phrase(_spelling(doc, at[k], len(k[0])), round(s / top, 3), k[1]) for s, k in chosen]


def _spelling(doc: Doc, starts: list[int], size: int) -> str:
    """The body's most common spelling of a candidate."""
    spellings = Counter(" ".join(doc.text[i:i + size]) for i in starts)
    return _POSSESSIVE.sub("", spellings.most_common(1)[0][0])


# ------------------------------------------------------------------------------ token kinds
NAME, WORD, CONNECTOR, BREAK = "N", "w", "c", "-"


def _classify(doc: Doc, lang: Language | None) -> list[str]:
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


# ------------------------------------------------------------------------------ candidates
def _names(doc: Doc, kinds: list[str], runs: list, lang: Language | None, at: dict) -> None:
    roles, before = _role_words(doc, runs, lang)
    for start, end in runs:
        if end - start > MAX_RUN:
            continue
        if all(doc.caps[k] or kinds[k] == CONNECTOR for k in range(start, end)) and end - start > 1:
            continue  # "NEW DELHI —", "DEAR ABBY": a dateline or a heading, in capitals
        while end - start > 1 and _is_glue(doc, start, lang):
            start += 1  # "The Guardian" -> "Guardian"
        while end - start > 2 and (doc.fold[start] in roles or doc.fold[start + 1] in roles):
            start += 1  # "President Donald Trump", "Vice President Joe Biden", "Russian President X"
        if end - start == 2 and doc.fold[start] in roles and len(before[doc.fold[start]]) >= 2:
            start += 1  # "President Trump" beside "President Zelensky": the name is "Trump"
        if end - start > MAX_NAME_WORDS:
            continue
        if end - start == 1 and not _single_name(doc, start, lang):
            continue
        start, end = _strip_titles(doc, start, end, lang)
        at.setdefault((tuple(doc.fold[start:end]), True), []).append(start)


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
        if all(lang.is_common(doc.low[j]) for j in head) and not any(
                lang.is_common(doc.low[j]) or doc.dotted[j] for j in rest):
            return k, end
    return start, end


def _is_glue(doc: Doc, i: int, lang: Language | None) -> bool:
    return doc.low[i] in CONNECTORS or lang is not None and lang.is_glue(doc.low[i])


def _runs(kinds: list[str], doc: Doc):
    """(start, end) of the runs of NAME tokens in the body, connectors allowed inside."""
    i, n = doc.body_start, len(kinds)
    while i < n:
        if kinds[i] != NAME:
            i += 1
            continue
        j = i + 1
        while j < n and doc.para[j] == doc.para[i] and not _possessive(doc.text[j - 1]) and (
                kinds[j] == NAME or kinds[j] == CONNECTOR and j + 1 < n and kinds[j + 1] == NAME
                and doc.para[j + 1] == doc.para[i]):
            j += 1
        yield i, j
        i = j


def _possessive(text: str) -> bool:
    """"NASA's": a name ends there ("NASA's Galileo probe" is two names)."""
    return text[-2:] in ("'s", "’s") or text[-1:] in "'’"


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


def _phrases(doc: Doc, kinds: list[str], runs: list, lang: Language, at: dict) -> None:
    """Lower-case noun phrases of two or three words, "Capitalised lower-case" pairs ("Israeli
    settlements") and, when the headline has them, "lower-case Capitalised" pairs ("диета
    Аткинса") in the body; single lower-case words only if the headline has them (they need it,
    see _score)."""
    n = len(kinds)
    title_words = {f for f in doc.fold[:doc.body_start] if f}
    english = lang.code == "en"
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


def _shaped(doc: Doc, i: int, j: int, english: bool) -> bool:
    """No verb or adverb forms at the edges, where the language lets us tell (English)."""
    if not english:
        return True
    first, last = doc.low[i], doc.low[j - 1]
    return not (first.endswith("ly") or last.endswith(("ly", "ing", "ed")))


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
