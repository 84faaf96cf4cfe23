"""The junk share of benchmarks/tags.py: which suggestions no reader would keep, told from the
article and the word-frequency source alone. A `page` or `text` suggestion is junk when it is
  common   - a single lower-case word among the language's common words (lexicon.COMMON_RANK
             most frequent: "lists", "shoes", "decision");
  edge     - a phrase that starts or ends with a function word or one of the most frequent words
             of the language ("of the week", "Iran said"), unless the body writes that word with
             a capital inside a sentence: then it is part of a name ("New York", "The Hague");
  piece    - a word piece: not in the title or body as whole words ("aliquip ex" cut from a word,
             "Winter (Season" with half a bracket);
  headline - a phrase the headline has and the body never says.
The user's own tags (`yours`) are theirs to judge and are not counted; a declared tag that the
text never names is a publisher's topic, not a piece.
"""
from __future__ import annotations

from quietpage.tags import lexicon, textdoc

_BRACKETS = ("()", "[]", "{}", "“”", "«»")


def junk_kind(name: str, source: str, doc: textdoc.Doc, lang: lexicon.Language | None) -> str | None:
    """The kind of junk `name` (a suggestion from `source`) is, or None."""
    if source == "yours":
        return None
    lang = lang or lexicon.language("en")
    words = name.split()
    if len(words) == 1 and name == name.lower() and lang.is_common(name.casefold()):
        return "common"
    if len(words) > 1 and any(_loose_edge(w, doc, lang) for w in (words[0], words[-1])):
        return "edge"
    if any(name.count(a) != name.count(b) for a, b in _BRACKETS) or name.count('"') % 2:
        return "piece"
    where = _where(name, doc)
    if where is None:
        return None if source == "page" else "piece"  # a declared topic the text never names is allowed
    if where == "title":
        return "headline"
    return None


def _loose_edge(word: str, doc: textdoc.Doc, lang: lexicon.Language) -> bool:
    low = word.casefold()
    if not lang.is_frequent(low):
        return False
    named = word[:1].isupper() and any(
        doc.cap[i] and not doc.start[i] and i >= doc.body_start for i in doc.index.get(textdoc.fold(low), ()))
    return not named


def _where(name: str, doc: textdoc.Doc) -> str | None:
    """"body" when the words stand in the body, "title" when only in the headline, else None."""
    seq = [f for f in textdoc.read("", name).fold if f]
    if not seq:
        return None
    joined = "".join(seq)
    found = set()
    for start in doc.index.get(seq[0], []) + doc.index.get(joined, []):
        if doc.fold[start] == joined or all(
                start + k < len(doc.fold) and (doc.fold[start + k] == w or w in doc.parts.get(start + k, ()))
                for k, w in enumerate(seq)):
            found.add("body" if start >= doc.body_start else "title")
    if "body" in found:
        return "body"
    return "title" if found else None
