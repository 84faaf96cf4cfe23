"""Turning untrusted page HTML into an lxml tree, whatever arrives: empty, binary, huge, deeply
nested, or text decoded with the wrong encoding."""
from __future__ import annotations

import codecs
import re

import lxml.etree
import lxml.html

from ..errors import NoContent

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
MAX_DEPTH = 200  # deeper nesting is flattened (text kept): no real page needs it, recursion does
# Wrappers that only nest: stripped from the source when nesting defeats even the huge-tree parser.
_WRAPPER_TAGS = re.compile(r"</?(?:div|span|section|article|main|font|center|a|b|i|u|em|strong|small|big)\b[^>]*>", re.I)


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


def _too_deep(parser) -> bool:
    return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def _parser(huge: bool = False) -> lxml.html.HTMLParser:
    # One per call: lxml parsers are not thread-safe, and extraction runs in a pool. (Cheap: ~2 µs.)
    # libxml2 stops at 256 levels of nesting unless told the tree may be huge.
    return lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=huge)


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


def clean_source(html: str) -> str:
    html = _CONTROL.sub("", html)
    return _XML_DECL.sub("", html, count=1)


def flatten_deep_nesting(root) -> int:
    """Unwrap every element nested deeper than MAX_DEPTH (its text and children move up)."""
    deep, stack = [], [(root, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_DEPTH:
            deep.append(el)
        stack.extend((child, depth + 1) for child in el if isinstance(child.tag, str))
    for el in reversed(deep):
        el.drop_tag()
    return len(deep)


def parse_document(html: str) -> lxml.html.HtmlElement:
    """Parse a whole page. Raises NoContent when there is nothing to parse."""
    if looks_binary(html):
        raise NoContent("This is binary data (an image, a PDF or another file?), not a web page.")
    html = clean_source(repair_mojibake(html[:MAX_HTML_CHARS]))
    if not html.strip():
        raise NoContent("The page is empty: there is no HTML to read.")
    data = html.encode("utf-8", "replace")
    try:
        parser = _parser()
        doc = lxml.html.document_fromstring(data, parser=parser)
        if _too_deep(parser):
            parser = _parser(huge=True)
            doc = lxml.html.document_fromstring(data, parser=parser)
            if _too_deep(parser):  # beyond even libxml2's huge limit: keep the text, lose wrappers
                data = _WRAPPER_TAGS.sub(" ", html).encode("utf-8", "replace")
                doc = lxml.html.document_fromstring(data, parser=_parser(huge=True))
            flatten_deep_nesting(doc)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise NoContent(f"The page could not be parsed as HTML ({exc}).") from exc
    return doc


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """Parse an HTML fragment into a single <div> wrapper."""
    return lxml.html.fragment_fromstring(clean_source(html) or "", create_parent="div", parser=_parser())
