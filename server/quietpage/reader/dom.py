"""Small helpers over lxml elements that every reader phase uses."""
from __future__ import annotations


def squash(value) -> str:
    """Runs of whitespace as one space, trimmed ("" for None)."""
    return " ".join(str(value).split()) if value is not None else ""


def text_of(el) -> str:
    return " ".join(el.text_content().split())


def text_length(el) -> int:
    """Characters of an element's text, whitespace runs counted once (what readability-lxml's
    text_length measures, ten times faster than its three regular expressions)."""
    return len(" ".join(el.text_content().split()))


def ink(raw: str) -> int:
    """Characters of a raw text that are not spaces, tabs or newlines: a cheap upper bound on
    its length once squashed, that indentation in the page's source does not inflate."""
    return len(raw) - raw.count(" ") - raw.count("\n") - raw.count("\t") - raw.count("\r")


def slug(text: str) -> str:
    """Letters and digits only, lower-cased: "1.-AI-shines" and "1. AI shines" compare equal."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def class_and_id(el) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


def has_rel(el, value: str) -> bool:
    """Whether a link's rel (a list of tokens: rel="tag noopener") includes `value`."""
    return value in (el.get("rel") or "").lower().split()


def link_density(el) -> float:
    """Share of an element's text that sits inside links."""
    text = len(el.text_content().strip())
    return sum(len(a.text_content().strip()) for a in el.iter("a")) / max(text, 1)


def drop(el) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    if el.getparent() is not None:
        el.drop_tree()
