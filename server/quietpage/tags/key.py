"""The identity of a tag: two spellings with the same key are one tag in the library. Pure.

Case, accents, spaces, hyphens, possessives and dots do not count ("White-House" = "white house",
"E-mail" = "email", "Montréal" = "Montreal", "U.S." = "US", "Iran's" = "Iran"), nor a simple
plural ("Drones" = "drone", "Stories" = "story"), unless the singular would be an English
function word: "News" is not "new".
"""
from __future__ import annotations

import functools
import html
import re

from . import lexicon
from .textdoc import clean, fold

_SEPARATORS = re.compile(r"['’]s\b|[^\w&+#]+")  # possessives, spaces, hyphens, dots, punctuation


def normalize(name: str) -> str:
    """The matching key of a tag; empty when it has no letters or digits."""
    words = _SEPARATORS.sub(" ", clean(html.unescape(str(name))).casefold().replace("_", " ")).split()
    return "".join(singular(fold(w)) for w in words)


@functools.lru_cache(maxsize=1 << 16)
def singular(w: str) -> str:
    """A folded word's singular, by the simple English plurals (stories, boxes, drones); the
    word itself when it has none, or the singular would be a frequent English word."""
    if len(w) > 4 and w.endswith("ies"):
        other = w[:-3] + "y"
    elif len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        other = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        other = w[:-1]
    else:
        return w
    english = lexicon.language("en")
    return w if english is not None and english.is_frequent(other) else other
