"""Anchoring highlights in plain text. Pure: no I/O, no aiohttp.

A highlight is described by W3C Web Annotation selectors over an article's `text`:
a TextQuoteSelector (exact quote plus ~32 characters of prefix and suffix) and a
TextPositionSelector (start/end offsets). `anchor(text, selectors)` finds it again:
  1. the position, if the text there still equals the quote;
  2. else an exact search for the quote, choosing among matches by context and old position;
  3. else the same search with whitespace differences ignored.
It returns a `Match` or None: None means the highlight is an orphan, never a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CONTEXT_CHARS = 32
QUOTE = "TextQuoteSelector"
POSITION = "TextPositionSelector"
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    score: float  # 1.0 = exact at the old position; lower = less certain


def describe(text: str, start: int, end: int) -> list[dict]:
    """Selectors for text[start:end]."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"range {start}..{end} is outside the text (length {len(text)})")
    return [
        {"type": QUOTE, "exact": text[start:end],
         "prefix": text[max(0, start - CONTEXT_CHARS):start], "suffix": text[end:end + CONTEXT_CHARS]},
        {"type": POSITION, "start": start, "end": end},
    ]


def selector(selectors: list[dict], kind: str) -> dict | None:
    return next((s for s in selectors if isinstance(s, dict) and s.get("type") == kind), None)


def anchor(text: str, selectors: list[dict]) -> Match | None:
    quote = selector(selectors, QUOTE)
    position = selector(selectors, POSITION)
    start_hint = position.get("start") if position else None
    if not quote or not quote.get("exact"):
        # a position alone can only be trusted as it is
        if position and _valid_range(text, position.get("start"), position.get("end")):
            return Match(position["start"], position["end"], 1.0)
        return None
    exact = quote["exact"]
    prefix, suffix = quote.get("prefix") or "", quote.get("suffix") or ""
    # 1. position still holds the quote
    if position and _valid_range(text, position.get("start"), position.get("end")) \
            and text[position["start"]:position["end"]] == exact:
        return Match(position["start"], position["end"], 1.0)
    # 2. exact search, best by context and distance
    spans = _find_all(text, exact)
    if spans:
        return _best(text, spans, prefix, suffix, start_hint)
    # 3. whitespace-insensitive search
    spans = _find_all_loose(text, exact)
    if spans:
        best = _best(text, spans, prefix, suffix, start_hint)
        return Match(best.start, best.end, round(best.score * 0.95, 4))
    return None


def _valid_range(text: str, start, end) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)


def _find_all(text: str, needle: str) -> list[tuple[int, int]]:
    spans, i = [], text.find(needle)
    while i != -1:
        spans.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return spans


def _find_all_loose(text: str, needle: str) -> list[tuple[int, int]]:
    words = needle.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> float:
    """Share of the prefix/suffix characters that match next to the span (0..1)."""
    total = len(prefix) + len(suffix)
    if not total:
        return 1.0
    before = text[max(0, start - len(prefix)):start]
    after = text[end:end + len(suffix)]
    hits = _common_suffix(before, prefix) + _common_prefix(after, suffix)
    return hits / total


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def _best(text: str, spans, prefix: str, suffix: str, start_hint) -> Match:
    def score(span):
        context = _context_score(text, span[0], span[1], prefix, suffix)
        distance = abs(span[0] - start_hint) / max(len(text), 1) if isinstance(start_hint, int) else 0.0
        return 0.8 + 0.15 * context + 0.05 * (1 - distance)

    best = max(spans, key=score)
    return Match(best[0], best[1], round(score(best), 4))
