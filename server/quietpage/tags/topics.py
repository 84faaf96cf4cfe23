"""One topic, one tag: which candidate names and phrases of an article are the same topic.
Pure; used by keyphrases.py (among its candidates) and suggester.py (against the tags already chosen).

Candidates are (folded words, named) keys, as keyphrases.py counts them.
"""
from __future__ import annotations

from collections import defaultdict

# Short words that join the parts of a name: "Bank of England", "Rio de Janeiro".
CONNECTORS = frozenset("of de du des la le del della dello delle dei degli di da do dos das van von der den al "
                       "bin ibn af zu".split())
Key = tuple  # ((folded words...), named)


def merge_same_person(counts: dict, nouns_capitalised: bool = False) -> None:
    """A one-word name that ends a two- or three-word name the body uses ("Biden" in "Joe
    Biden", "Volker" in "Kurt Volker") is counted as that name, the most used if several. In a
    language that capitalises its nouns, not when the body also writes the rest on its own: a
    noun before a name ("des Passwortmanagers 1Password" beside "Update des Passwortmanagers")."""
    longer: dict[str, list[Key]] = defaultdict(list)
    for key in counts:
        words, named = key
        if named and 2 <= len(words) <= 3 and not (nouns_capitalised and (words[:-1], True) in counts):
            longer[words[-1]].append(key)
    for key in [k for k in counts if k[1] and len(k[0]) == 1 and k[0][0] in longer]:
        best = max(longer[key[0][0]], key=lambda k: (counts[k], -len(k[0])))
        counts[best] += counts[key]
        counts[key] = 0


def same_topic(a: Key, b: Key) -> bool:
    (wa, na), (wb, nb) = a, b
    sa, sb = f" {' '.join(wa)} ", f" {' '.join(wb)} "
    if not (na and nb) and (sa in sb or sb in sa):
        return True  # one phrase inside the other
    return na and nb and same_topic_names(wa, wb)


def inside(short: Key, long_: Key) -> bool:
    """A lower-case word or phrase inside a longer lower-case phrase."""
    return not short[1] and not long_[1] and len(short[0]) < len(long_[0]) and \
        f" {' '.join(short[0])} " in f" {' '.join(long_[0])} "


def same_topic_names(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two names (folded words) of one topic: a demonym ("chinese", "china") or an
    abbreviation ("us", "united states")."""
    return _demonym(a, b) or _abbreviation(a, b) or _abbreviation(b, a)


def _demonym(a: tuple, b: tuple) -> bool:
    """"chinese" ~ "china", "iranian" ~ "iran", "israeli" ~ "israel": one word is the other,
    less a final vowel, plus a short suffix."""
    if len(a) != 1 or len(b) != 1:
        return False
    short, long_ = sorted((a[0], b[0]), key=len)
    stem = short[:-1] if short[-1] in "aeiouy" and len(short) > 4 else short
    return len(stem) >= 4 and long_.startswith(stem) and len(long_) - len(stem) <= 4


def _abbreviation(short: tuple, long_: tuple) -> bool:
    """"us" ~ ("united", "states"): the letters of one are the initials of the other's words."""
    if len(short) != 1 or len(long_) < 2:
        return False
    initials = "".join(w[0] for w in long_ if w not in CONNECTORS)
    return short[0] == initials
