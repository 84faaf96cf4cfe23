"""Browser bookmarks (the Netscape bookmark file every browser exports) and Pocket's older
ril_export.html, which has the same shape. Links only: stored to be fetched later.

- a link's tags: its TAGS attribute (Firefox, Pinboard) plus the folder it is in, except the
  browsers' own top folders (toolbar, menu, other);
- Pocket's "Read Archive" section marks archived items;
- links that are not web pages (place:, javascript:, file:, ...) are left out, not errors.

The file is parsed as a stream of tags (lxml's parser with a target, so no tree is ever built)
and what the links need - the folder they are in, the section, a description - is kept here:
a file of millions of elements costs no memory, and at most MAX_TAGS of them are read.
"""
from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from ..items import ImportFormatError, ImportItem, ImportLimits, checked_url, clean_tags, clean_title, iso_from_epoch

CHUNK = 256 * 1024
# Tags ('<') a bookmarks file may hold: a browser's export of 100,000 bookmarks has ~500,000.
MAX_TAGS = 2_000_000
MAX_TEXT_CHARS = 4000  # of a link's text, a heading or a description (titles keep 2000)
# Folders every browser has; naming them as tags would tag everything.
TOP_FOLDERS = frozenset(s.casefold() for s in (
    "Bookmarks bar", "Bookmarks Toolbar", "Bookmarks Menu", "Other bookmarks", "Other Bookmarks",
    "Mobile bookmarks", "Favorites bar", "Favourites bar", "Menu", "Toolbar", "Unsorted Bookmarks",
    "Bookmarks", "Favorites"))
ARCHIVE_HEADINGS = frozenset({"read archive", "archive"})
TEXT_TAGS = frozenset({"a", "dd", "h1", "h2", "h3"})


def looks_like(head: str) -> bool:
    low = head[:4096].lower()
    return "netscape-bookmark-file" in low or ("<dl" in low and "<a " in low) or "<title>pocket export" in low


def parse(name: str, f, limits: ImportLimits) -> Iterator[ImportItem]:
    """The links of a bookmarks file read from the binary stream `f`."""
    target = _Target(name, limits)
    parser = etree.HTMLParser(target=target)
    decode = codecs.getincrementaldecoder("utf-8-sig")()
    done = tags = 0
    while True:
        data = f.read(CHUNK)
        tags += data.count(b"<")
        if tags > MAX_TAGS:
            raise ImportFormatError(name, f"holds more than {MAX_TAGS} tags, more than a browser's bookmarks file")
        try:
            parser.feed(decode.decode(data, final=not data))
        except UnicodeDecodeError as exc:
            raise ImportFormatError(name, f"is not UTF-8 text (byte {done + exc.start})") from None
        except etree.LxmlError as exc:
            raise ImportFormatError(name, f"not an HTML bookmarks file ({exc})") from None
        done += len(data)
        yield from target.take()
        if not data:
            break
    try:
        parser.close()
    except etree.LxmlError:
        pass  # what could be read was read: browsers' files are rarely well-formed
    target.flush()
    yield from target.take()


@dataclass
class _Link:
    where: str
    href: str
    title: str
    tags: list[str]
    saved: str | None
    archived: bool
    excerpt: str | None = None


@dataclass
class _Target:
    """lxml's parser target: called for each start tag, end tag and run of text."""

    name: str
    limits: ImportLimits
    folders: list[str | None] = field(default_factory=list)  # one per open <dl>
    heading: str | None = None  # the last folder heading, until its <dl> opens
    archive: bool = False  # in Pocket's "Read Archive" section
    pending: _Link | None = None  # the last link, until its description (<dd>) is known
    capture: str | None = None  # the element whose text is being gathered
    text: list[str] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    links: int = 0
    ready: list[ImportItem] = field(default_factory=list)

    def start(self, tag, attrib) -> None:
        tag = tag.lower()
        if tag in ("dl", "dt"):
            self.capture = None  # a description (<dd>) ends where the next entry or folder starts
        if tag == "dl":
            self.flush()
            self.folders.append(self.heading)
            self.heading = None
        elif tag in TEXT_TAGS and (tag == "a" or self.capture is None):
            self.capture, self.text = tag, []
            if tag == "a":
                self.attrs = {k.lower(): v for k, v in attrib.items()}

    def data(self, text: str) -> None:
        if self.capture is not None and sum(map(len, self.text)) < MAX_TEXT_CHARS:
            self.text.append(text)

    def end(self, tag) -> None:
        tag = tag.lower()
        if tag == "dl":
            self.flush()
            if self.folders:
                self.folders.pop()
            return
        if tag != self.capture:
            return
        self.capture, text = None, "".join(self.text)[:MAX_TEXT_CHARS]
        if tag == "a":
            self.flush()
            self.pending = self._link(text)
        elif tag == "dd":
            if self.pending is not None and self.pending.excerpt is None:
                self.pending.excerpt = " ".join(text.split())[:2000] or None
        elif tag == "h3":
            self.flush()
            self.heading = clean_title(text) or None
        else:  # h1, h2: a section of Pocket's export
            self.flush()
            self.archive = text.strip().casefold() in ARCHIVE_HEADINGS

    def close(self) -> None:
        pass

    def _link(self, text: str) -> _Link | None:
        href = (self.attrs.get("href") or "").strip()
        if not href.lower().startswith(("http://", "https://")):
            return None  # place:, javascript:, file:, feeds: not pages to read
        self.links += 1
        tags = (self.attrs.get("tags") or "").split(",")
        folder = next((f for f in reversed(self.folders) if f), None)
        if folder and folder.casefold() not in TOP_FOLDERS:
            tags.append(folder)
        return _Link(f"{self.name}, link {self.links}", href, clean_title(text), tags,
                     self.attrs.get("add_date") or self.attrs.get("time_added"), self.archive)

    def flush(self) -> None:
        link, self.pending = self.pending, None
        if link is not None:
            self.ready.append(ImportItem(
                where=link.where, url=checked_url(link.where, link.href, self.limits.max_url_chars),
                title=link.title, tags=clean_tags(link.tags, self.limits),
                state="archived" if link.archived else "unread", saved_at=_epoch_or_none(link.where, link.saved),
                excerpt=link.excerpt, source="bookmarks"))

    def take(self) -> list[ImportItem]:
        out, self.ready = self.ready, []
        return out


def _epoch_or_none(where: str, value: str | None) -> str | None:
    if not value:
        return None
    if value.isdigit() and len(value) > 12:  # some browsers write microseconds
        value = str(int(value) // 1_000_000)
    return iso_from_epoch(where, value)
