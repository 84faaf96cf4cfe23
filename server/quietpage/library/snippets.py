"""Why an article matched: where the search's words are (`matched_in`) and a short passage with
them marked (`snippet`: plain text and the [start, end) offsets of each mark, in code points -
never HTML: the text is the page's, untrusted).

The index folds words (case, Latin accents, ß -> ss); here each folded word becomes a pattern
that finds it as written - every character as the set of characters the index folds to it,
taken from the index's own analyzer, so both agree.
"""
from __future__ import annotations

import functools
import re
from itertools import islice

# The scripts the index cuts into single characters (fulltext.UNSPACED), as Python ranges.
UNSPACED = ("\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff"
            "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f")
_CJK = re.compile(f"[{UNSPACED}]")
BEFORE = f"(?<![^\\W_{UNSPACED}])"  # not inside a word
AFTER = f"(?![^\\W_{UNSPACED}])"
BETWEEN = "[\\W_]*?"  # what may separate the words of a phrase
# Latin letters whose accents (or ligatures) the index folds away.
FOLDED_RANGES = ((0x00C0, 0x02AF), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF), (0xFB00, 0xFB06))
LENGTH, LEAD, SPAN = 200, 60, 160  # a snippet's characters; before its first mark; where marks gather
FIELDS = (("title", "title"), ("tags", "tags"), ("meta", "site"), ("body", "text"), ("quotes", "highlight"),
          ("notes", "note"))
PREFERRED = ("highlight", "note", "text")  # the snippet's source, among equally good ones
_FLAT = str.maketrans("\n\r\t\f\v", "     ")  # one line, same length


@functools.lru_cache(maxsize=4)
def _folds(analyze) -> tuple[dict[str, str], dict[str, str]]:
    """({folded char: the characters folded to it}, {folded 2-3 letters: the characters folded to them})."""
    single: dict[str, str] = {}
    multi: dict[str, str] = {}
    for lo, hi in FOLDED_RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            tokens = analyze(ch)
            if len(tokens) != 1 or tokens[0] == ch.lower():
                continue
            target = multi if len(tokens[0]) > 1 else single
            target[tokens[0]] = target.get(tokens[0], "") + ch
    return single, multi


def _char_class(ch: str, single: dict) -> str:
    chars = ch + ch.upper() + single.get(ch, "")
    return re.escape(ch) if len(set(chars)) == 1 else "[" + "".join(re.escape(c) for c in dict.fromkeys(chars)) + "]"


def _token_pattern(token: str, folds) -> str:
    single, multi = folds
    out, i = [], 0
    while i < len(token):
        for n in (3, 2):
            part = token[i:i + n]
            if len(part) == n and part in multi:
                together = "".join(_char_class(c, single) for c in part)
                out.append(f"(?:{together}|[{''.join(re.escape(c) for c in multi[part])}])")
                i += n
                break
        else:
            out.append(_char_class(token[i], single))
            i += 1
    return "".join(out)


def term_pattern(tokens: list[str], prefix: bool, folds) -> str:
    """A regex finding these (folded) words, one after the other, as a text writes them."""
    parts = []
    for n, token in enumerate(tokens):
        unspaced = bool(_CJK.fullmatch(token))
        last_open = prefix and n == len(tokens) - 1
        parts.append(("" if unspaced else BEFORE) + _token_pattern(token, folds)
                     + ("" if unspaced or last_open else AFTER))
    return BETWEEN.join(parts)


class Marker:
    """Finds a search's words in an article's stored fields."""

    def __init__(self, terms: list[tuple[list[str], bool]], analyze):
        folds = _folds(analyze)
        alternatives = [f"(?P<t{i}>{term_pattern(tokens, prefix, folds)})" for i, (tokens, prefix) in enumerate(terms)]
        self.rx = re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None
        self.terms = len(alternatives)

    def explain(self, fields: dict[str, list[str]]) -> tuple[dict | None, list[str]]:
        """(snippet or None, matched_in) for one article's stored fields."""
        if self.rx is None:
            return None, []
        matched, best = [], None
        for name, label in FIELDS:
            found = False
            for value in fields.get(name, ()):
                if name in ("title", "tags", "meta"):
                    found = found or self.rx.search(value) is not None
                    continue
                passage = self._passage(value)
                if passage is None:
                    continue
                found = True
                rank = (passage[0], -PREFERRED.index(label))
                if best is None or rank > best[0]:
                    best = (rank, {**passage[1], "in": label})
            if found:
                matched.append(label)
        return (best[1] if best else None), matched

    def _passage(self, text: str) -> tuple[int, dict] | None:
        """(how many different words it shows, {text, marks}) of the best passage of `text`."""
        found = list(islice(self.rx.finditer(text), 64))
        if not found:
            return None
        score, anchor, j = 0, found[0], 0
        for i, a in enumerate(found):  # the first place where the most different words gather
            j = max(j, i)
            while j < len(found) and found[j].start() < a.start() + SPAN:
                j += 1
            words = len({m.lastgroup for m in found[i:j]})
            if words > score:
                score, anchor = words, a
                if score == self.terms:
                    break
        start = max(0, anchor.start() - LEAD)
        if start:
            space = text.find(" ", start, anchor.start())
            start = space + 1 if space >= 0 else start
        end = min(len(text), start + LENGTH)
        if end < len(text):
            space = text.rfind(" ", anchor.end(), end)
            end = space if space > anchor.end() else end
        lead = "…" if start else ""
        shown = lead + text[start:end].translate(_FLAT) + ("…" if end < len(text) else "")
        marks = [[m.start() - start + len(lead), m.end() - start + len(lead)] for m in found
                 if m.start() >= start and m.end() <= end]
        return score, {"text": shown, "marks": marks}
