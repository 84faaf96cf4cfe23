"""Plain text of reader HTML: one paragraph per line.

This is the text that highlights' selectors point into, so its rules are few and exact (the
JavaScript twin in static/js/anchoring.js derives the same text from the reader DOM):
- block elements and <br> end a line; inline elements do not; inside <pre> a newline ends a line;
- elsewhere any run of whitespace (newlines too) is one space; lines are trimmed; empty lines
  are dropped.
"""
from __future__ import annotations

import re

BLOCK_TAGS = frozenset(
    "address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul".split()
)
# Whitespace, spelled out so that Python and JavaScript agree on every character.
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SPACE = re.compile(f"[{WHITESPACE}]+")
SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})


def block_text(root) -> str:
    """Text of an lxml element, block-separated."""
    parts: list[str] = []

    def add(text: str, pre: bool) -> None:
        # A newline in the source is only a space - except inside <pre>, where it ends a line.
        parts.append(text if pre else _SPACE.sub(" ", text))

    def walk(el, pre: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag in SKIP_TAGS:
            return
        pre = pre or tag == "pre"
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        if tag is not None and el.text:
            add(el.text, pre)
        for child in el:
            walk(child, pre)
            if child.tail:
                add(child.tail, pre)
        if block:
            parts.append("\n")

    walk(root, False)
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
