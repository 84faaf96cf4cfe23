"""Plain text of reader HTML: one paragraph per line.

This is the text that highlights' selectors point into, so its rules are few and exact (the
JavaScript twin in static/js/anchoring/text.js derives the same text from the reader DOM; both read
the tag lists and the whitespace from static/js/anchoring/rules.json):
- block elements and <br> end a line; inline elements do not; inside <pre> a newline ends a line;
- elsewhere any run of whitespace (newlines too) is one space; lines are trimmed; empty lines
  are dropped.
"""
from __future__ import annotations

import re

from ..paths import anchoring_rules

_RULES = anchoring_rules()
BLOCK_TAGS = frozenset(_RULES["BLOCK_TAGS"])
# Whitespace for a regex class ("a-b" is a range), the same characters as in JavaScript.
WHITESPACE: str = _RULES["WHITESPACE"]
_SPACE = re.compile(f"[{WHITESPACE}]+")
SKIP_TAGS = frozenset(_RULES["SKIP_TAGS"])


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
