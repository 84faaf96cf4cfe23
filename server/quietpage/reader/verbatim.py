"""What the reader shows exactly as the page wrote it: code, keys, sample output, formulas and
tables of data. No cleanup rule ever runs inside them.

Syntax highlighters (Prism, highlight.js, GeSHi, Pygments, Rouge...) wrap every token of code in
its own element: `console.log("Fetch failed!", e);` is a dozen spans, one of which holds only
the comma; a SQL query has a span holding only `BY`; Pygments writes whitespace as spans of
spaces, GeSHi a line per element. Rules made for page residue ("a block holding only `,` or
`BY` is what is left of a byline", "an empty span is a leftover") would take code apart, so
every rule asks `protected` first: an element inside (or being) <pre>, <code>, <kbd>, <samp>,
<math>, or a table of data, is never judged; the block as a whole still is (a code block in a
sidebar goes with the sidebar). A block whose text is nearly all code (a highlighter's
wrapper, a line-numbered code table) is kept as a whole through readability's cleaning.
"""
from __future__ import annotations

from .blocks import is_data_table
from .dom import text_length

VERBATIM_TAGS = ("pre", "code", "kbd", "samp", "math")
_OUTERMOST = " | ".join(f"descendant::{t}[not(ancestor::{' or ancestor::'.join(VERBATIM_TAGS)})]"
                        for t in VERBATIM_TAGS)
CODE_SHARE = 0.9  # a block whose text is this much code is a code block (with its wrapper)


def protected(root) -> set:
    """Every element of `root`'s tree inside (or being) a verbatim element or a table of data:
    the rules' "hands off" list (a set; drops never make it wrong, they only remove). Only the
    verbatim subtrees are walked (a page is mostly not code)."""
    found: set = set()
    for el in root.iter(*VERBATIM_TAGS):
        if el not in found:
            found.update(e for e in el.iter() if isinstance(e.tag, str))
    for table in root.iter("table"):
        if table not in found and is_data_table(table):
            found.update(e for e in table.iter() if isinstance(e.tag, str))
    return found


def is_code_block(block) -> bool:
    """Whether a block's text is (nearly) all inside verbatim elements: a highlighter's wrapper
    (<div class="highlight"><pre>...), a table of line numbers and code."""
    if block.find(".//pre") is None and block.find(".//code") is None:
        return False
    total = text_length(block)
    code = sum(text_length(el) for el in block.xpath(_OUTERMOST))
    return total > 0 and code >= CODE_SHARE * total
