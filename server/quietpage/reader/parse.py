"""Turning untrusted page HTML into an lxml tree, whatever arrives: empty, binary, huge, deeply
nested (limits.py: refused past the limit, never flattened), or text decoded with the wrong
encoding."""
from __future__ import annotations

import codecs
import re

import lxml.etree
import lxml.html

from ..errors import NoContent
from .limits import MAX_HTML_DEPTH, PARSER_MAX_DEPTH, deeper_than, hit_parser_limit, too_deep

# C0 controls other than tab/newline/carriage return, and lone surrogates: lxml rejects them and
# no real page needs them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# What binary data decoded as text is full of: C0/C1 controls and U+FFFD replacement characters.
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
BINARY_SAMPLE_CHARS = 65_536  # look at the start of the page only
MAX_BINARY_SHARE = 0.02  # real HTML has almost none; an image or a zip file is full of them
# UTF-8 read as Windows-1252 / Latin-1 ("cafÃ©", "itâ€™s"): the page said one encoding, was another.
_MOJIBAKE = re.compile(r"[ÃÂ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013"
                       r"\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|â€")
MIN_MOJIBAKE = 3  # sequences before we try to repair: one "Ã©" can be real text
# An XML declaration with an encoding makes lxml refuse a str; the text is already decoded.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
MAX_HTML_CHARS = 10_000_000  # beyond this we read the start of the page (the API caps bodies at 16 MiB)
# libxml2 (and html5ever) compare each attribute of a tag with all those before it: a tag with
# 100,000 attributes takes minutes. No real tag has a tenth of MAX_ATTRIBUTES; past it they go.
MAX_ATTRIBUTES = 256
_ATTRIBUTE = r"""[\s/]*+[^\s/>=]++(?>\s*+=\s*+(?>"[^"]*+"|'[^']*+'|[^\s>]*+))?+"""
# Text that is not markup is skipped whole (up to its end, or the end of the page, as parsers
# do with an unclosed one); a start tag matches only when it holds MAX_ATTRIBUTES attributes or
# more. Possessive and lazy-to-the-end parts: every character is looked at a bounded number of times.
_MANY_ATTRIBUTES = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|title|textarea|xmp|iframe|noembed|noframes)\b.*?(?:</\1\s*>|\Z)"
    rf"|<[a-zA-Z][^\s/>]*+(?:{_ATTRIBUTE}){{{MAX_ATTRIBUTES},}}+", re.S | re.I)
_ONE_ATTRIBUTE = re.compile(_ATTRIBUTE)
_TAG_WITH_MANY = re.compile(rf"<[a-zA-Z][^\s/>]*+(?:{_ATTRIBUTE}){{{MAX_ATTRIBUTES},}}+")
# A tag with MAX_ATTRIBUTES attributes is at least this long: a cheap first look for one.
_LONG_TAG = re.compile(rf"<[a-zA-Z][^>]{{{2 * MAX_ATTRIBUTES}}}")


ENCODING_SAMPLE_BYTES = 256 * 1024  # a page declares its charset near the top


def decode_page(raw: bytes, header_charset: str | None = None) -> str:
    """Page bytes -> text: a BOM, then the HTTP header's charset, then UTF-8, then the page's
    own declaration or a guess (readability's), then Windows-1252. A charset nobody knows
    ("bogus-x") is skipped, never an error."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(name, "replace").lstrip("\ufeff")
    if header_charset and _known(header_charset):
        return raw.decode(header_charset, "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from readability.encoding import get_encoding

    try:
        guess = get_encoding(raw[:ENCODING_SAMPLE_BYTES]) or "cp1252"
    except LookupError:  # it tries the page's declared charset as given
        guess = "cp1252"
    if not _known(guess) or codecs.lookup(guess).name == "utf-8":  # not UTF-8: we just tried
        guess = "cp1252"
    return raw.decode(guess, "replace")


def _known(name: str) -> bool:
    try:
        codecs.lookup(name)
        return True
    except LookupError:
        return False


# Every element an HtmlElement, its class chosen in C: lxml.html's own lookup is a Python call
# each time an element is touched (thousands of times a page, about a tenth of reading one), for
# the sake of form fields' classes, which the reader never uses.
_CLASSES = lxml.etree.ElementDefaultClassLookup(element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
                                                pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)


def _parser() -> lxml.html.HTMLParser:
    # One per call: lxml parsers are not thread-safe, and extraction runs in a pool. (Cheap: ~2 µs.)
    # libxml2 stops at 256 levels of nesting unless told the tree may be huge (then at 2048):
    # the depth limit is ours to apply (limits.py), on the whole tree.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    parser.set_element_class_lookup(_CLASSES)
    return parser


def element(tag: str) -> lxml.html.HtmlElement:
    """A new element for a tree of ours (its elements looked up as _CLASSES says, once moved in)."""
    return _parser().makeelement(tag)


def looks_binary(html: str) -> bool:
    sample = html[:BINARY_SAMPLE_CHARS]
    return bool(sample) and len(_BINARY.findall(sample)) > MAX_BINARY_SHARE * len(sample)


def repair_mojibake(html: str) -> str:
    """UTF-8 text that was decoded as Windows-1252 or Latin-1, decoded again as UTF-8. Left as is
    when the repair does not decode cleanly (a page that mixes both is beyond us)."""
    if "Ã" not in html and "Â" not in html and "â€" not in html:
        return html
    found = _MOJIBAKE.finditer(html)
    if sum(1 for _, __ in zip(range(MIN_MOJIBAKE), found)) < MIN_MOJIBAKE:
        return html
    raw = bytearray()
    for ch in html:
        if ord(ch) < 256:
            raw.append(ord(ch))
        else:
            try:
                raw += ch.encode("cp1252")
            except UnicodeEncodeError:
                return html
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return html


def cap_attributes(html: str) -> str:
    """`html` with every start tag cut to its first MAX_ATTRIBUTES attributes."""
    def cap(m: re.Match) -> str:
        if m[0].startswith("<!--") or m[1]:
            return m[0]
        name = re.match(r"<[^\s/>]*", m[0])[0]
        kept = [a[0] for _, a in zip(range(MAX_ATTRIBUTES), _ONE_ATTRIBUTE.finditer(m[0], len(name)))]
        return name + "".join(kept)  # (the rest of the tag, from its ">" on, follows the match)

    if not any(_TAG_WITH_MANY.match(html, m.start()) for m in _LONG_TAG.finditer(html)):
        return html  # (nearly every page: the whole look takes a fraction of a millisecond)
    return _MANY_ATTRIBUTES.sub(cap, html)


def clean_source(html: str) -> str:
    html = cap_attributes(_CONTROL.sub("", html))
    return _XML_DECL.sub("", html, count=1)


def parse_document(html: str, max_depth: int = MAX_HTML_DEPTH) -> lxml.html.HtmlElement:
    """Parse a whole page. Raises NoContent when there is nothing to parse, and ExtractionError
    (too_deep) when it nests deeper than `max_depth` (limits.py)."""
    if looks_binary(html):
        raise NoContent("This is binary data (an image, a PDF or another file?), not a web page.")
    html = clean_source(repair_mojibake(html[:MAX_HTML_CHARS]))
    if not html.strip():
        raise NoContent("The page is empty: there is no HTML to read.")
    parser = _parser()
    try:
        doc = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise NoContent(f"The page could not be parsed as HTML ({exc}).") from exc
    if hit_parser_limit(parser) or deeper_than(doc, max_depth):
        raise too_deep(min(max_depth, PARSER_MAX_DEPTH))
    return doc


def parse_fragment_checked(html: str) -> tuple[lxml.html.HtmlElement, bool]:
    """An HTML fragment in a single <div> wrapper, and whether it nests deeper than the parser
    goes (then what is deeper is missing)."""
    parser = _parser()
    root = lxml.html.fragment_fromstring(clean_source(html) or "", create_parent="div", parser=parser)
    return root, hit_parser_limit(parser)


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """Parse an HTML fragment (reader HTML, within the depth limit) into a single <div> wrapper."""
    return parse_fragment_checked(html)[0]
