"""EPUB 3 out: one chapter per article (title, byline, site, date, the reader view with its
archived images embedded, the user's highlights marked and their notes at the chapter's end),
a table of contents, metadata. Pure but for the image bytes it is handed; valid for Debian's
epubcheck 4.2 (tests/test_epub.py runs it):

- the reader view is sanitised HTML; it is re-serialised as XHTML (the XHTML namespace, every
  element closed), with what EPUB's schema refuses mended: a percentage width/height dropped,
  table `headers` dropped (they name ids the sanitiser removed), every <img> given an alt;
- images: only archived ones are embedded (nothing remote: an e-book is read offline), in a
  core media type (PNG, JPEG, GIF as they are; WebP and AVIF converted to PNG); an image not
  archived becomes its alt text;
- MathML becomes its text (the sanitised subset is not always valid EPUB MathML);
- a highlight is found again in the chapter by its quote (whitespace-insensitive) and wrapped in
  <mark>, linked both ways with its entry in the chapter's Highlights list; one that cannot be
  placed is listed without a link.
"""
from __future__ import annotations

import html as htmllib
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from .. import anchoring

XHTML = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
MIMETYPE = b"application/epub+zip"
EXT = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_DIMENSION = re.compile(r"^\d{1,5}$")
_SPACE = re.compile(r"\s+")
VOID = frozenset({"br", "hr", "img", "col", "wbr"})
MATH = "math"
CSS = """body { font-family: serif; line-height: 1.5; }
h1 { font-size: 1.6em; line-height: 1.2; }
.meta { color: #555; font-family: sans-serif; font-size: .9em; }
img { max-width: 100%; height: auto; }
mark { background: #fff2a8; }
.highlights { border-top: 1px solid #999; margin-top: 2em; }
.note { font-style: italic; }
"""


@dataclass
class Chapter:
    record: dict
    content_html: str
    highlights: list[dict]
    images: list[dict]  # the article's image items (library/images.py)


@dataclass
class Book:
    """What the chapters need of the images: `embed(file)` -> (bytes, media type) in a core
    type, or None (then the image is left out)."""
    embed: Callable[[str], tuple[bytes, str] | None]
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # stored file -> (href, type)
    pending: list[tuple[str, bytes, str]] = field(default_factory=list)  # (href, bytes, type) to write

    def image_href(self, name: str) -> str | None:
        if name not in self.files:
            got = self.embed(name)
            if got is None:
                return None
            data, ctype = got
            href = f"images/{name.rsplit('.', 1)[0]}.{EXT[ctype]}"
            self.files[name] = (href, ctype)
            self.pending.append((href, data, ctype))
        return self.files[name][0]


def lang_of(record: dict, default: str = "en") -> str:
    lang = (record.get("lang") or "").strip().replace("_", "-")
    return lang if _LANG.match(lang) else default


# ---------------------------------------------------------------------- one chapter
def chapter_xhtml(ch: Chapter, book: Book) -> bytes:
    r = ch.record
    title = r.get("title") or r.get("url") or "Untitled"
    lang = lang_of(r)
    root = etree.Element(f"{{{XHTML}}}html", nsmap={None: XHTML, "epub": EPUB_NS})
    root.set("lang", lang)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    head = etree.SubElement(root, f"{{{XHTML}}}head")
    etree.SubElement(head, f"{{{XHTML}}}title").text = title
    etree.SubElement(head, f"{{{XHTML}}}link", rel="stylesheet", type="text/css", href="../style.css")
    body = etree.SubElement(root, f"{{{XHTML}}}body")
    if r.get("direction") in ("rtl", "ltr"):
        body.set("dir", r["direction"])
    section = etree.SubElement(body, f"{{{XHTML}}}section")
    section.set(f"{{{EPUB_NS}}}type", "chapter")
    etree.SubElement(section, f"{{{XHTML}}}h1").text = title
    meta = " · ".join(x for x in (r.get("byline"), r.get("site_name"), (r.get("published") or "")[:10]) if x)
    if meta:
        etree.SubElement(section, f"{{{XHTML}}}p", attrib={"class": "meta"}).text = meta
    if r.get("url"):
        p = etree.SubElement(section, f"{{{XHTML}}}p", attrib={"class": "meta"})
        a = etree.SubElement(p, f"{{{XHTML}}}a", href=r["url"])
        a.text = "Original"
    content = etree.SubElement(section, f"{{{XHTML}}}div", attrib={"class": "content"})
    _convert_into(content, ch.content_html, ch.images, book)
    placed = _mark_highlights(content, ch.highlights)
    if ch.highlights:
        _highlights_list(section, ch.highlights, placed)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n' + etree.tostring(root, encoding="utf-8")


def _convert_into(parent, html: str, images: list[dict], book: Book) -> None:
    if not html.strip():
        return
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    by_url = {i["url"]: i for i in images}
    parent.text = wrapper.text
    for child in wrapper:
        if isinstance(child.tag, str):
            _copy(child, parent, by_url, book)
        else:
            _append_text(parent, child.tail)


def _append_text(el, text: str | None) -> None:
    if not text:
        return
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


def _copy(src, parent, by_url: dict, book: Book) -> None:
    tag = src.tag.lower()
    if tag == MATH:
        span = etree.SubElement(parent, f"{{{XHTML}}}span", attrib={"class": "math"})
        span.text = _SPACE.sub(" ", src.text_content()).strip()
        span.tail = src.tail
        return
    if tag == "img":
        item = by_url.get((src.get("src") or "").strip())
        href = book.image_href(item["file"]) if item and item.get("file") else None
        if href is None:
            alt = (src.get("alt") or "").strip()
            _append_text(parent, (f"[{alt}]" if alt else "") + (src.tail or ""))
            return
        el = etree.SubElement(parent, f"{{{XHTML}}}img", src="../" + href, alt=src.get("alt") or "")
        for dim in ("width", "height"):
            if _DIMENSION.match((src.get(dim) or "").strip()):
                el.set(dim, src.get(dim).strip())
        el.tail = src.tail
        return
    el = etree.SubElement(parent, f"{{{XHTML}}}{tag}")
    for name, value in src.attrib.items():
        if name in ("width", "height") and not _DIMENSION.match(value.strip()):
            continue
        if name in ("headers", "id", "class", "style") or name.startswith("on"):
            continue
        if name == "lang":
            if _LANG.match(value):
                el.set("lang", value)
                el.set("{http://www.w3.org/XML/1998/namespace}lang", value)
            continue
        if name == "datetime" and tag == "time":
            continue  # kept only when valid; the text says the date anyway
        el.set(name, value)
    el.text = src.text if tag not in VOID else None
    for child in src:
        if isinstance(child.tag, str):
            _copy(child, el, by_url, book)
        else:
            _append_text(el, child.tail)
    el.tail = src.tail


# ---------------------------------------------------------------------- highlights
def _pieces(root) -> list[tuple]:
    """(element, "text" | "tail", string) of every piece of text under root, in reading order
    (never the tail of root itself)."""
    out = []

    def walk(el):
        if el.text:
            out.append((el, "text", el.text))
        for child in el:
            walk(child)
            if child.tail:
                out.append((child, "tail", child.tail))
    walk(root)
    return out


def _mark_highlights(content, highlights: list[dict]) -> set[int]:
    """Wrap each highlight's quote in <mark id="hN">; the numbers placed."""
    placed = set()
    for n, h in enumerate(_ordered(highlights), 1):
        quote = _SPACE.sub(" ", anchoring.quote_of(h.get("selectors", [])) or "").strip()
        if h.get("status") == "orphan" or not quote:
            continue
        pieces = _pieces(content)
        whole, index = [], []  # collapsed text, and where each of its characters came from
        for p, (_, _, text) in enumerate(pieces):
            for i, ch in enumerate(text):
                if ch.isspace():
                    if whole and whole[-1] == " ":
                        continue
                    ch = " "
                whole.append(ch)
                index.append((p, i))
        at = "".join(whole).find(quote)
        if at < 0:
            continue
        start, end = index[at], index[at + len(quote) - 1]
        spans: dict[int, list[int]] = {}
        for p in range(start[0], end[0] + 1):
            text = pieces[p][2]
            a = start[1] if p == start[0] else 0
            b = end[1] + 1 if p == end[0] else len(text)
            if text[a:b].strip():
                spans[p] = [a, b]
        first = True
        for p in sorted(spans):
            _wrap(pieces[p], *spans[p], f"h{n}" if first else None)
            first = False
        if spans:
            placed.add(n)
    return placed


def _wrap(piece: tuple, a: int, b: int, mark_id: str | None) -> None:
    el, where, text = piece
    mark = etree.Element(f"{{{XHTML}}}mark")
    if mark_id:
        mark.set("id", mark_id)
    mark.text, mark.tail = text[a:b], text[b:]
    if where == "text":
        el.text = text[:a]
        el.insert(0, mark)
    else:
        el.tail = text[:a]
        parent = el.getparent()
        parent.insert(parent.index(el) + 1, mark)


def _ordered(highlights: list[dict]) -> list[dict]:
    def key(h):
        pos = anchoring.selector(h.get("selectors", []), anchoring.POSITION)
        placed = h.get("status") != "orphan" and pos is not None
        return (not placed, pos["start"] if placed else 0, h.get("created_at") or "")
    return sorted(highlights, key=key)


def _highlights_list(section, highlights: list[dict], placed: set[int]) -> None:
    aside = etree.SubElement(section, f"{{{XHTML}}}section", attrib={"class": "highlights"})
    etree.SubElement(aside, f"{{{XHTML}}}h2").text = "Highlights"
    ol = etree.SubElement(aside, f"{{{XHTML}}}ol")
    for n, h in enumerate(_ordered(highlights), 1):
        li = etree.SubElement(ol, f"{{{XHTML}}}li", id=f"note-{n}")
        quote = etree.SubElement(etree.SubElement(li, f"{{{XHTML}}}blockquote"), f"{{{XHTML}}}p")
        text = anchoring.quote_of(h.get("selectors", [])) or ""
        if n in placed:
            etree.SubElement(quote, f"{{{XHTML}}}a", href=f"#h{n}").text = text
        else:
            quote.text = text + " (not found in this version of the article)"
        for para in [p.strip() for p in re.split(r"\n\s*\n", h.get("note") or "") if p.strip()]:
            etree.SubElement(li, f"{{{XHTML}}}p", attrib={"class": "note"}).text = para


# ---------------------------------------------------------------------- the book
def nav_xhtml(entries: list[tuple[str, str]], title: str, lang: str) -> bytes:
    items = "".join(f'<li><a href="{htmllib.escape(href)}">{htmllib.escape(t)}</a></li>' for href, t in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html xmlns="{XHTML}" xmlns:epub="{EPUB_NS}" '
            f'lang="{lang}" xml:lang="{lang}"><head><title>{htmllib.escape(title)}</title></head><body>'
            f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>{items}</ol></nav></body></html>').encode()


def opf(*, title: str, lang: str, identifier: str, modified: str, creators: list[str], chapters: list[str],
        images: list[tuple[str, str]]) -> bytes:
    e = htmllib.escape
    meta = [f'<dc:identifier id="uid">{e(identifier)}</dc:identifier>', f"<dc:title>{e(title)}</dc:title>",
            f"<dc:language>{e(lang)}</dc:language>", f'<meta property="dcterms:modified">{modified}</meta>',
            "<dc:publisher>QuietPage</dc:publisher>"]
    meta += [f"<dc:creator>{e(c)}</dc:creator>" for c in creators]
    manifest = ['<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
                '<item id="css" href="style.css" media-type="text/css"/>']
    manifest += [f'<item id="c{i}" href="{href}" media-type="application/xhtml+xml"/>' for i, href in enumerate(chapters, 1)]
    manifest += [f'<item id="i{i}" href="{href}" media-type="{ctype}"/>' for i, (href, ctype) in enumerate(images, 1)]
    spine = "".join(f'<itemref idref="c{i}"/>' for i in range(1, len(chapters) + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
            f'unique-identifier="uid" xml:lang="{lang}"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            + "".join(meta) + "</metadata><manifest>" + "".join(manifest) + f"</manifest><spine>{spine}</spine>"
            "</package>").encode()


CONTAINER = (b'<?xml version="1.0" encoding="UTF-8"?>\n<container version="1.0" '
             b'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
             b'<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
             b"</rootfiles></container>")


def book_title(records: list[dict], when: str) -> str:
    if len(records) == 1:
        return records[0].get("title") or records[0].get("url") or "Untitled"
    return f"QuietPage: {len(records)} articles ({when[:10]})"


def identifier(ids: list[str], when: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "quietpage:" + ",".join(ids) + "@" + when))


def start_zip(zf: zipfile.ZipFile) -> None:
    """The mimetype first, stored, as EPUB requires; the container and the stylesheet."""
    zf.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
    zf.writestr("META-INF/container.xml", CONTAINER, compress_type=zipfile.ZIP_DEFLATED)
    zf.writestr("OEBPS/style.css", CSS, compress_type=zipfile.ZIP_DEFLATED)
