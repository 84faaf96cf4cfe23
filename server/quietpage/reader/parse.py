"""Turning untrusted page HTML into an lxml tree, whatever arrives."""
from __future__ import annotations

import re

import lxml.etree
import lxml.html

from ..errors import NoContent

# C0 controls other than tab/newline/carriage return, and lone surrogates: lxml rejects them and
# no real page needs them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# An XML declaration with an encoding makes lxml refuse a str; the text is already decoded.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def clean_source(html: str) -> str:
    html = _CONTROL.sub("", html)
    return _XML_DECL.sub("", html, count=1)


def parse_document(html: str) -> lxml.html.HtmlElement:
    """Parse a whole page. Raises NoContent when there is nothing to parse."""
    html = clean_source(html)
    if not html.strip():
        raise NoContent("The page is empty: there is no HTML to read.")
    try:
        doc = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise NoContent(f"The page could not be parsed as HTML ({exc}).") from exc
    return doc


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """Parse an HTML fragment into a single <div> wrapper."""
    return lxml.html.fragment_fromstring(clean_source(html) or "", create_parent="div", parser=_PARSER)
