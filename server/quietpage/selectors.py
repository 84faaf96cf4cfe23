"""What a highlight's selectors may be, checked in one place for every way in (the API, a
backup): W3C Web Annotation selectors over an article's text - a TextQuoteSelector (the quote,
and some context on each side) and/or a TextPositionSelector (code-point offsets). Pure.

`checked(value, ...)` returns them normalised or raises `SelectorProblem`, whose `problem`
reads after the field's name ("... must be a non-empty array ...") and whose `code` is the
API's error code; each caller names the field its own way."""
from __future__ import annotations

from .anchoring import POSITION, QUOTE

CONTEXT_CHARS = 1000  # a quote's prefix or suffix: ~32 characters are sent; room for more


class SelectorProblem(ValueError):
    def __init__(self, problem: str, code: str = "invalid_field"):
        super().__init__(problem)
        self.problem, self.code = problem, code


def checked(value, *, max_quote: int, max_selectors: int, need_quote: bool = False) -> list[dict]:
    """The selectors, normalised (a quote's missing prefix/suffix become ""); `need_quote`: a
    TextQuoteSelector must be among them (a stored highlight keeps its words)."""
    if not isinstance(value, list) or not value:
        raise SelectorProblem("must be a non-empty array of W3C selectors (a TextQuoteSelector with 'exact' is enough)")
    if len(value) > max_selectors:
        raise SelectorProblem(f"holds too many selectors (at most {max_selectors})", "too_many")
    out = []
    for sel in value:
        kind = sel.get("type") if isinstance(sel, dict) else None
        if kind == QUOTE:
            out.append(_quote(sel, max_quote))
        elif kind == POSITION:
            out.append(_position(sel))
        else:
            raise SelectorProblem(f"must each be an object whose 'type' is {QUOTE} or {POSITION}")
    if need_quote and not any(s["type"] == QUOTE for s in out):
        raise SelectorProblem(f"must include a {QUOTE} (the highlighted words)")
    return out


def _quote(sel: dict, max_quote: int) -> dict:
    for key in ("exact", "prefix", "suffix"):
        if sel.get(key) is not None and not isinstance(sel[key], str):
            raise SelectorProblem(f"has a {QUOTE} whose '{key}' is not a string")
    exact = sel.get("exact")
    if not exact or not exact.strip():
        raise SelectorProblem(f"has a {QUOTE} with no 'exact' quote", "empty_field")
    if len(exact) > max_quote:
        raise SelectorProblem(f"has a quote that is too long (at most {max_quote} characters)", "too_long")
    if len(sel.get("prefix") or "") > CONTEXT_CHARS or len(sel.get("suffix") or "") > CONTEXT_CHARS:
        raise SelectorProblem(f"has a quote whose prefix or suffix is too long (at most {CONTEXT_CHARS} "
                              "characters)", "too_long")
    return {"type": QUOTE, "exact": exact, "prefix": sel.get("prefix") or "", "suffix": sel.get("suffix") or ""}


def _position(sel: dict) -> dict:
    start, end = sel.get("start"), sel.get("end")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)) or not 0 <= start < end:
        raise SelectorProblem(f"has a {POSITION} that is not whole numbers 0 <= start < end")
    return {"type": POSITION, "start": start, "end": end}
