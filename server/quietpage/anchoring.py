"""Anchoring highlights in plain text. Pure: no I/O, no aiohttp.

A highlight is described by W3C Web Annotation selectors over an article's `text`:
a TextQuoteSelector (exact quote plus ~32 characters of prefix and suffix) and a
TextPositionSelector (start/end offsets, in code points). `anchor(text, selectors)` finds it again:
  1. the position, if the text there still equals the quote (score 1.0);
  2. else every exact occurrence of the quote, the best by context and old position;
  3. else a fuzzy search for approximate occurrences, scored on quote, context and position;
     below MIN_SCORE it gives up.
It returns a `Match` or None: None means the highlight is an orphan, never a guess.

The fuzzy search filters, then verifies, as approximate string matchers do. Cut into
`e + 2` disjoint pieces, a quote with at most e edits keeps two pieces intact (pigeonhole):
exact hits of the pieces, of pieces of the context and the old position propose windows, and
Myers' bit-parallel edit distance checks each window. So a quote with at most SURE_ERROR_RATE of
its characters edited is found wherever it went (up to MAX_PIECES pieces); one edited up to
MAX_ERROR_RATE only where its context or old position vouches for it. It looks around the old
position first and stops there when it finds a sure match.

static/js/anchoring/match.js is the JavaScript twin: same steps and scores, and the same constants,
which both read from static/js/anchoring/rules.json (tests/anchoring_cases.json pins both).
"""
from __future__ import annotations

from dataclasses import dataclass

from .paths import anchoring_rules

_RULES = anchoring_rules()
CONTEXT_CHARS: int = _RULES["CONTEXT_CHARS"]
QUOTE: str = _RULES["QUOTE"]
POSITION: str = _RULES["POSITION"]
# A fuzzy match may differ from the quote in at most this share of its characters...
MAX_ERROR_RATE: float = _RULES["MAX_ERROR_RATE"]
# ...and is always found when at most this share differs.
SURE_ERROR_RATE: float = _RULES["SURE_ERROR_RATE"]
# Pieces of a long quote: enough to find it, few enough to keep the search fast.
MAX_PIECES: int = _RULES["MAX_PIECES"]
# A piece found more often than this says nothing about where the quote is.
MAX_PIECE_HITS: int = _RULES["MAX_PIECE_HITS"]
# Windows verified per search, the most promising first (most votes, then nearest).
MAX_WINDOWS: int = _RULES["MAX_WINDOWS"]
# Exact occurrences scored in full (the rest are ranked by exact context, then distance).
MAX_SCORED: int = _RULES["MAX_SCORED"]
# The fuzzy search looks this far around the old position first, and stops there if it
# finds a match scoring at least SURE_SCORE.
LOCAL_CHARS: int = _RULES["LOCAL_CHARS"]
SURE_SCORE: float = _RULES["SURE_SCORE"]
# The score: how much of the quote, of its context and of its position still hold.
QUOTE_WEIGHT: float = _RULES["QUOTE_WEIGHT"]
CONTEXT_WEIGHT: float = _RULES["CONTEXT_WEIGHT"]
POSITION_WEIGHT: float = _RULES["POSITION_WEIGHT"]
# Below this a fuzzy match is no match. A quote with 10% of it edited passes on its own
# (0.75 * 0.9 = 0.675); one edited more needs its context to vouch for it.
MIN_SCORE: float = _RULES["MIN_SCORE"]


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    score: float  # 1.0 = exact at the old position; lower = less certain


@dataclass(frozen=True)
class _Query:
    text: str
    exact: str
    prefix: str
    suffix: str
    hint: int | None  # the old start


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


def quote_of(selectors: list[dict]) -> str:
    """The exact words a highlight's selectors quote ("" when they hold none)."""
    return (selector(selectors, QUOTE) or {}).get("exact") or ""


def anchor(text: str, selectors: list[dict]) -> Match | None:
    quote = selector(selectors, QUOTE)
    position = selector(selectors, POSITION) or {}
    start, end = position.get("start"), position.get("end")
    valid_position = _is_int(start) and _is_int(end) and 0 <= start < end <= len(text)
    if not quote or not quote.get("exact"):
        # a position alone can only be trusted as it is
        return Match(start, end, 1.0) if valid_position else None
    q = _Query(text, quote["exact"], quote.get("prefix") or "", quote.get("suffix") or "",
               start if _is_int(start) else None)
    # 1. the position still holds the quote
    if valid_position and text[start:end] == q.exact:
        return Match(start, end, 1.0)
    # 2. exact occurrences, best by context and distance
    found = _exact(q)
    if found is not None:
        return found
    # 3. approximate occurrences, if one scores well enough
    found = _fuzzy(q)
    return found if found is not None and found.score >= MIN_SCORE else None


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _find_all(text: str, needle: str, lo: int, hi: int, limit: int | None) -> list[int] | None:
    """Starts of every occurrence of needle in text[lo:hi]; None if more than limit."""
    found, i = [], text.find(needle, lo, hi)
    while i != -1:
        if limit is not None and len(found) == limit:
            return None
        found.append(i)
        i = text.find(needle, i + 1, hi)
    return found


# ---------------------------------------------------------------------- scoring
def _exact(q: _Query) -> Match | None:
    """The best exact occurrence. One near the old position with all its context in place
    cannot be beaten (any other is farther away): then the rest of the text is not searched."""
    n, m = len(q.text), len(q.exact)
    if q.hint is not None and (q.prefix or q.suffix):
        lo, hi = max(0, q.hint - LOCAL_CHARS), min(n, q.hint + LOCAL_CHARS + m)
        near = _find_all(q.text, q.exact, lo, hi, limit=None)
        if near:
            best = _best_exact(q, near)
            if (lo, hi) == (0, n) or _context_similarity(q, best.start, best.end) == 1.0:
                return best
    starts = _find_all(q.text, q.exact, 0, n, limit=None)
    return _best_exact(q, starts) if starts else None


def _best_exact(q: _Query, starts: list[int]) -> Match:
    """The best exact occurrence; ties go to the first."""
    m = len(q.exact)
    if len(starts) > MAX_SCORED:
        def rank(s):
            hits = (q.text[max(0, s - len(q.prefix)):s] == q.prefix) + (q.text[s + m:s + m + len(q.suffix)] == q.suffix)
            return (-hits, abs(s - q.hint) if q.hint is not None else 0, s)
        starts = sorted(starts, key=rank)[:MAX_SCORED]
    best, best_score = starts[0], -1.0
    for s in starts:
        score = _score(q, s, s + m, 0)
        if score > best_score:
            best, best_score = s, score
    return Match(best, best + m, best_score)


def _score(q: _Query, start: int, end: int, errors: int) -> float:
    context = _context_similarity(q, start, end)
    position = 0.0
    if q.hint is not None and q.text:
        n = len(q.text)
        position = (n - min(abs(start - q.hint), n)) / n
    return _score_of(len(q.exact), errors, context, position)


def _score_of(m: int, errors: int, context: float, position: float) -> float:
    return QUOTE_WEIGHT * ((m - errors) / m) + CONTEXT_WEIGHT * context + POSITION_WEIGHT * position


def _context_similarity(q: _Query, start: int, end: int) -> float:
    """How much of the prefix and suffix still sits next to text[start:end], 0..1. Each edit
    costs two characters, so unrelated text (about one edit per two characters) scores ~0."""
    prefix, suffix, text = q.prefix, q.suffix, q.text
    total = len(prefix) + len(suffix)
    if not total:
        return 0.0
    kept = 0
    if prefix:
        before = text[max(0, start - len(prefix) - len(prefix) // 4):start]
        kept += _kept(prefix, before, before.endswith(prefix))
    if suffix:
        after = text[end:end + len(suffix) + len(suffix) // 4]
        kept += _kept(suffix[::-1], after[::-1], after.startswith(suffix))
    return kept / total


def _kept(context: str, text: str, intact: bool) -> int:
    """len(context) less two per edit between it and the end of text (at least 0)."""
    if intact:
        return len(context)
    errors = _distances(context, text)[-1] if text else len(context)
    return max(0, len(context) - 2 * errors)


# ---------------------------------------------------------------------- fuzzy search
def _fuzzy(q: _Query) -> Match | None:
    """Around the old position first; the whole text unless that found a sure match."""
    if int(len(q.exact) * MAX_ERROR_RATE) == 0 or not q.text:
        return None
    n, verified = len(q.text), {}
    if q.hint is not None and 0 <= q.hint < n:
        lo, hi = max(0, q.hint - LOCAL_CHARS), min(n, q.hint + len(q.exact) + LOCAL_CHARS)
        found = _search(q, lo, hi, verified)
        if (found is not None and found.score >= SURE_SCORE) or (lo, hi) == (0, n):
            return found
    return _search(q, 0, n, verified)


def _search(q: _Query, lo: int, hi: int, verified: dict) -> Match | None:
    """The best-scoring approximate occurrence of the quote that starts in text[lo:hi]
    (`verified` remembers the windows already checked)."""
    m = len(q.exact)
    best, best_score = None, -1.0
    for window in _windows(q, lo, hi, int(m * MAX_ERROR_RATE), int(m * SURE_ERROR_RATE)):
        w_lo, w_hi, min_errors, allowed = window
        # skip a window that cannot beat the best so far, even with perfect context and position
        if _score_of(m, min_errors, 1.0, 1.0) <= best_score:
            continue
        if window not in verified:
            verified[window] = _verify(q, w_lo, w_hi, allowed)
        match = verified[window]
        if match is not None:
            score = _score(q, *match)
            if score > best_score:
                best, best_score = match, score
    return Match(best[0], best[1], best_score) if best else None


def _windows(q: _Query, lo: int, hi: int, max_errors: int, sure_errors: int) -> list[tuple]:
    """Where an approximate occurrence may be: (lo, hi, fewest errors it can have, most errors
    allowed there), the most promising first. With e errors at least `pieces - e` pieces stay intact and vote
    for (nearly) the same start, so few votes mean many errors. Pieces of the context vote too,
    and vouch for the place; so does the old position."""
    m, text = len(q.exact), q.text
    votes: dict[int, list[int]] = {}  # likely start -> [quote votes, context votes]
    pieces = min(MAX_PIECES, sure_errors + 2) if sure_errors else 0
    size, unplaced = m // max(pieces, 1), 0  # unplaced: too common to vote, may be intact anywhere
    for i in range(pieces):
        unplaced += not _vote(votes, q, q.exact[i * size:(i + 1) * size], -i * size, 0, lo, hi)
    for piece, shift in _context_pieces(q.prefix, q.suffix, m):
        _vote(votes, q, piece, shift, 1, lo, hi)
    if q.hint is not None and lo <= q.hint < hi:
        votes.setdefault(q.hint, [0, 0])[1] += 1
    # starts within max_errors of each other are one cluster: one window
    clusters: list[list[int]] = []  # [first start, last start, quote votes, context votes]
    for start in sorted(votes):
        quote_votes, context_votes = votes[start]
        if clusters and start - clusters[-1][1] <= max_errors:
            c = clusters[-1]
            c[1], c[2], c[3] = start, c[2] + quote_votes, c[3] + context_votes
        else:
            clusters.append([start, start, quote_votes, context_votes])
    # a window may hold up to max_errors where the context vouches for it, else sure_errors
    windows = []
    for first, last, placed, vouching in clusters:
        min_errors, allowed = max(0, pieces - unplaced - placed), max_errors if vouching else sure_errors
        if min_errors <= allowed:
            rank = (-(placed + vouching), abs(first - q.hint) if q.hint is not None else 0, first)
            windows.append((rank, (max(0, first - max_errors), min(len(text), last + m + 2 * max_errors),
                                   min_errors, allowed)))
    windows.sort()
    return [w for _, w in windows[:MAX_WINDOWS]]


def _context_pieces(prefix: str, suffix: str, m: int) -> list[tuple[str, int]]:
    """The context in pieces of half CONTEXT_CHARS, each with where it puts the quote's start."""
    half, out = CONTEXT_CHARS // 2, []
    for end in (len(prefix), len(prefix) - half):  # a prefix piece ends len(prefix) - end before it
        piece = prefix[max(0, end - half):max(0, end)]
        if piece:
            out.append((piece, len(piece) + len(prefix) - end))
    for start in (0, half):
        piece = suffix[start:start + half]
        if piece:
            out.append((piece, -m - start))
    return out


def _vote(votes: dict[int, list[int]], q: _Query, piece: str, shift: int, kind: int, lo: int, hi: int) -> bool:
    """Each occurrence of piece votes for a start in lo..hi; False if it is too common to say."""
    # a start below 0 (edits shortened what came before the piece) counts as 0
    found = _find_all(q.text, piece, max(0, lo - shift) if lo else 0, max(0, hi - shift + len(piece)), MAX_PIECE_HITS)
    for i in found or ():
        start = max(0, i + shift)
        if lo <= start < hi:
            votes.setdefault(start, [0, 0])[kind] += 1
    return found is not None


def _verify(q: _Query, lo: int, hi: int, max_errors: int) -> tuple[int, int, int] | None:
    """The best approximate occurrence (start, end, errors) of the quote in text[lo:hi]:
    fewest errors, then the one ending first, then the shortest."""
    if hi <= lo:
        return None
    ends = _distances(q.exact, q.text[lo:hi])
    errors = min(ends)
    if errors > max_errors:
        return None
    end = lo + ends.index(errors) + 1
    starts = _distances(q.exact[::-1], q.text[lo:end][::-1], free_start=False)
    return end - (starts.index(errors) + 1), end, errors


def _distances(pattern: str, text: str, free_start: bool = True) -> list[int]:
    """Myers' bit-parallel edit distance: for each j, the fewest edits turning pattern into a
    substring of text ending at j (inclusive); with free_start=False, into text[:j + 1]."""
    m = len(pattern)
    peq: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    mask, high = (1 << m) - 1, 1 << (m - 1)
    carry = 0 if free_start else 1  # the top row: 0 everywhere (search) or 0, 1, 2, ... (distance)
    pv, mv, score = mask, 0, m
    out = []
    append, get = out.append, peq.get
    for ch in text:
        # Python's ints are two's complement without end: only pv needs masking to stay small
        eq = get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | ~(xh | pv)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = (ph << 1) | carry
        pv = ((mh << 1) | ~(xv | ph)) & mask
        mv = ph & xv
        append(score)
    return out
