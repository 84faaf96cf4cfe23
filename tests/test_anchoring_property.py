"""The anchoring promise, as properties over random texts, highlights and edits:
- a quote that survives with at most 10% of its characters edited is found where it went,
  whatever happened around it (words inserted and deleted next to it, whitespace changed,
  paragraphs added, removed or moved - its own included);
- a deleted quote is not placed anywhere (an orphan), whatever is left of its context.
Words are used once per text, so that a quote has no near copy by chance; the checks allow for
one anyway (a copy at least as close as the quote's own place may win).
Deterministic (derandomize) so that CI sees the same examples every run."""
import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from quietpage.anchoring import _distances, anchor, describe

_rng = random.Random(20240611)
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Words of an imaginary language: random enough that a quote has no near copy by chance.
VOCABULARY = sorted({"".join(_rng.choice(LETTERS) for _ in range(_rng.randint(2, 9))) for _ in range(400)})
PROPERTY = settings(max_examples=200, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


class Edited:
    """A text under edits, and where the quote went (None once an edit cut into its edge)."""

    def __init__(self, text: str, start: int, end: int):
        self.text, self.span = text, (start, end)

    def replace(self, a: int, b: int, new: str) -> None:
        self.text = self.text[:a] + new + self.text[b:]
        if self.span is None:
            return
        s, e, delta = *self.span, len(new) - (b - a)
        if b <= s:
            self.span = (s + delta, e + delta)
        elif a >= e:
            pass
        elif s < a and b < e:
            self.span = (s, e + delta)
        else:
            self.span = None

    def paragraph_at(self, i: int) -> tuple[int, int]:
        starts = [0] + [k + 1 for k, ch in enumerate(self.text) if ch == "\n"]
        s = starts[i % len(starts)]
        e = self.text.find("\n", s)
        return s, (len(self.text) if e == -1 else e + 1)

    def move_paragraph(self, i: int, j: int) -> None:
        s, e = self.paragraph_at(i)
        chunk = self.text[s:e] if self.text[s:e].endswith("\n") else self.text[s:e] + "\n"
        inside = self.span is not None and s <= self.span[0] and self.span[1] <= e
        if self.span is not None and not inside and s < self.span[1] and self.span[0] < e:
            return  # the quote runs out of this paragraph: moving it would cut the quote
        offset = self.span[0] - s if inside else 0
        length = self.span[1] - self.span[0] if inside else 0
        self.replace(s, e, "")
        starts = [0] + [k + 1 for k, ch in enumerate(self.text) if ch == "\n"]
        to = starts[j % len(starts)]
        if self.span is not None and self.span[0] < to < self.span[1]:
            to = self.span[0]  # not into the middle of the quote: before it
        self.replace(to, to, chunk)
        if inside:
            self.span = (to + offset, to + offset + length)


@st.composite
def articles(draw):
    """Paragraphs of words used once each (a quote has no copy by chance)."""
    words = draw(st.lists(st.sampled_from(VOCABULARY), min_size=8, max_size=160, unique=True))
    cuts = sorted(draw(st.sets(st.integers(1, len(words) - 1), min_size=1, max_size=7)))
    return "\n".join(" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)]))


@st.composite
def highlights(draw, text):
    """A quote of 10 to 300 characters that starts and ends on word boundaries."""
    bounds = [0] + [i + 1 for i, ch in enumerate(text) if ch in " \n"]
    ends = [i for i, ch in enumerate(text) if ch in " \n"] + [len(text)]
    start = draw(st.sampled_from(bounds))
    fits = [e for e in ends if 10 <= e - start <= 300]
    assume(fits)
    return start, draw(st.sampled_from(fits))


def _edit_inside(draw, doc: Edited, budget: int) -> int:
    """Up to `budget` one-character edits strictly inside the quote (its first and last stay)."""
    done = 0
    for _ in range(draw(st.integers(0, budget))):
        s, e = doc.span
        at = draw(st.integers(s + 1, e - 2))
        kind = draw(st.sampled_from(["insert", "delete", "substitute"]))
        char = draw(st.sampled_from(LETTERS + " \n"))
        doc.replace(at, at + (kind != "insert"), "" if kind == "delete" else char)
        done += 1
    return done


def _edit_around(draw, doc: Edited) -> None:
    """Words inserted or deleted, whitespace changed, near the quote but not in it."""
    for _ in range(draw(st.integers(0, 4))):
        s, e = doc.span
        before = draw(st.booleans())
        lo, hi = (max(0, s - 40), s - 1) if before else (e + 1, min(len(doc.text), e + 40))
        if lo >= hi:
            continue
        at = draw(st.integers(lo, hi - 1))
        action = draw(st.sampled_from(["word", "delete", "newline", "space"]))
        if action == "word":
            doc.replace(at, at, " " + draw(st.sampled_from(VOCABULARY)) + " ")
        elif action == "delete":
            doc.replace(at, min(at + draw(st.integers(1, 8)), hi), "")
        elif doc.text[at] == " ":
            doc.replace(at, at + 1, "\n" if action == "newline" else "  ")


def _edit_elsewhere(draw, doc: Edited) -> None:
    """Paragraphs added at the top, moved (the quote's own, perhaps), removed elsewhere."""
    if draw(st.booleans()):
        doc.replace(0, 0, " ".join(draw(st.lists(st.sampled_from(VOCABULARY), min_size=3, max_size=20))) + "\n")
    if draw(st.booleans()):
        doc.move_paragraph(draw(st.integers(0, 20)), draw(st.integers(0, 20)))
    if draw(st.booleans()):
        s, e = doc.paragraph_at(draw(st.integers(0, 20)))
        if doc.span and (e <= doc.span[0] or doc.span[1] <= s):  # not the quote's
            doc.replace(s, e, "")


def _a_highlight(data):
    """An article, a highlight in it, the highlight's selectors, and a copy of the text to edit."""
    text = data.draw(articles())
    start, end = data.draw(highlights(text))
    return text, start, end, describe(text, start, end), Edited(text, start, end)


def _errors(quote: str, text: str) -> int:
    """The fewest edits between the quote and any part of text."""
    return min(_distances(quote, text), default=len(quote))


@PROPERTY
@given(st.data())
def test_a_quote_edited_up_to_ten_percent_is_found_where_it_went(data):
    text, start, end, selectors, doc = _a_highlight(data)
    quote = text[start:end]
    edits = _edit_inside(data.draw, doc, len(quote) // 10)
    _edit_around(data.draw, doc)
    _edit_elsewhere(data.draw, doc)
    assert doc.span is not None
    s, e = doc.span
    match = anchor(doc.text, selectors)
    assert match is not None, f"lost: {quote!r} -> {doc.text[s:e]!r}"
    if abs(match.start - s) > edits + 1 or abs(match.end - e) > edits + 1:
        # only a copy at least as close to the quote may win
        assert _errors(quote, doc.text[match.start:match.end]) <= _errors(quote, doc.text[s:e]), \
            f"{quote!r} went to {doc.text[s:e]!r} at {s}, found {doc.text[match.start:match.end]!r} at {match.start}"


@PROPERTY
@given(st.data())
def test_a_deleted_quote_is_an_orphan(data):
    text, start, end, selectors, doc = _a_highlight(data)
    quote = text[start:end]
    if data.draw(st.booleans()):
        doc.replace(*doc.paragraph_at(text.count("\n", 0, start)), "")  # its paragraph removed
    else:
        doc.replace(start, end, "")  # just the quote
    _edit_elsewhere(data.draw, doc)
    # a text that still holds a near copy of the quote (as close as a fuzzy match may be) is
    # not a deletion
    assume(_errors(quote, doc.text) > len(quote) // 4)
    assert anchor(doc.text, selectors) is None
