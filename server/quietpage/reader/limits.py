"""How deeply a page may nest: one policy, one measure, one place.

Pure (no aiohttp). The depth of a page is the depth of the element tree the HTML parser builds
from it (the only measure: no estimate from the source text): the number of nested elements on
the longest path below the root, <body> being level 1. A page nested deeper than the limit -
the max_html_depth setting, MAX_HTML_DEPTH for callers without settings - is an attack or a
broken generator, never an article: the reader refuses it (ExtractionError, 422 too_deep) right
after parsing, before any other step sees it, whether it was saved, imported or fetched. Nothing
is ever flattened: a page within the limit is read as it is, and every step of the reader copes
with any depth up to it (no recursion). The limit is low (libxml2's own default, 256; real pages
nest under 60 levels) because some of readability's judgements measure each block's text, so
their work grows with the page's size times its depth: the limit bounds that factor.
libxml2 parses at most PARSER_MAX_DEPTH levels; a page deeper than that is refused whatever the
limit says.

Reader HTML from elsewhere (a backup file) is measured the same way (`html_depth`).
"""
from __future__ import annotations

import lxml.etree

from ..errors import ExtractionError

MAX_HTML_DEPTH = 256  # the max_html_depth setting's default: real pages nest under 60 levels
PARSER_MAX_DEPTH = 2048  # libxml2's own limit with huge_tree (256 without)


def tree_depth(root, stop_at: int | None = None) -> int:
    """Levels of elements below `root` on its longest path (0 for a childless root); counting
    stops once it passes `stop_at`. One walk, no recursion."""
    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_at is not None and deepest - 1 > stop_at:
                    break
        else:
            depth -= 1
    return max(deepest - 1, 0)


def deeper_than(doc, max_depth: int) -> bool:
    """Whether an element of the tree sits more than `max_depth` levels below its root: a path
    of max_depth + 1 child steps from the root leads somewhere (libxml2's XPath, in C, level by
    level: linear in the tree, a fraction of a walk from Python)."""
    return bool(doc.getroottree().xpath("boolean(/*" + "/*" * (max_depth + 1) + ")"))


def hit_parser_limit(parser) -> bool:
    """Whether libxml2 stopped nesting (and so dropped part of the page) at PARSER_MAX_DEPTH."""
    return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def too_deep(max_depth: int) -> ExtractionError:
    """The error (422, too_deep) for a page nested deeper than `max_depth`: a page the reader
    refuses, like an empty one (an import keeps its address to fetch later)."""
    return ExtractionError(f"The page's HTML is nested too deeply (more than {max_depth} levels; the "
                           "max_html_depth setting). No article needs that many; save a simpler version of the page.",
                           code="too_deep")


def html_depth(html: str, stop_at: int | None = None) -> int:
    """The depth of the tree the parser builds from an HTML fragment (reader HTML in a backup);
    PARSER_MAX_DEPTH + 1 when it is deeper than the parser goes."""
    from .parse import parse_fragment_checked

    root, too_deep = parse_fragment_checked(html)
    return PARSER_MAX_DEPTH + 1 if too_deep else tree_depth(root, stop_at)


def extract_checked(html: str, url: str | None, max_depth: int):
    """The reader with the max_html_depth setting, in an extraction worker (parsing a 15 MiB
    page takes a while: it must not happen on the event loop)."""
    from . import extract

    return extract(html, url, max_depth=max_depth)
