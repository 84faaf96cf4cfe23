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
_END_OF_BLOCK = object()


def block_text(root) -> str:
    """Text of an lxml element, block-separated. (One walk with a stack of its own: no recursion,
    whatever the depth.)"""
    parts: list[str] = []
    # (element, inside <pre>) to enter, (text, inside <pre>) to add, or the end of a block
    stack: list = [(root, False)]
    while stack:
        item, pre = stack.pop()
        if item is _END_OF_BLOCK:
            parts.append("\n")
            continue
        if isinstance(item, str):
            # A newline in the source is only a space - except inside <pre>, where it ends a line.
            parts.append(item if pre else _SPACE.sub(" ", item))
            continue
        tag = item.tag if isinstance(item.tag, str) else None
        if tag in SKIP_TAGS:
            continue
        pre = pre or tag == "pre"
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        if tag is not None and item.text:
            parts.append(item.text if pre else _SPACE.sub(" ", item.text))
        later: list = []
        for child in item:
            later.append((child, pre))
            if child.tail:
                later.append((child.tail, pre))
        if block:
            later.append((_END_OF_BLOCK, pre))
        stack.extend(reversed(later))
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
