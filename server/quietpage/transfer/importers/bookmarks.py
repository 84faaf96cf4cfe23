"""Browser bookmarks (the Netscape bookmark file every browser exports) and Pocket's older
ril_export.html, which has the same shape. Links only: stored to be fetched later.

- a link's tags: its TAGS attribute (Firefox, Pinboard) plus the folder it is in, except the
  browsers' own top folders (toolbar, menu, other);
- Pocket's "Read Archive" section marks archived items;
- links that are not web pages (place:, javascript:, file:, ...) are left out, not errors.
"""
from __future__ import annotations

from collections.abc import Iterator

import lxml.html

from ..items import ImportFormatError, ImportItem, checked_url, clean_tags, clean_title, iso_from_epoch

# Folders every browser has; naming them as tags would tag everything.
TOP_FOLDERS = frozenset(s.casefold() for s in (
    "Bookmarks bar", "Bookmarks Toolbar", "Bookmarks Menu", "Other bookmarks", "Other Bookmarks",
    "Mobile bookmarks", "Favorites bar", "Favourites bar", "Menu", "Toolbar", "Unsorted Bookmarks",
    "Bookmarks", "Favorites"))
ARCHIVE_HEADINGS = frozenset({"read archive", "archive"})


def looks_like(head: str) -> bool:
    low = head[:4096].lower()
    return "netscape-bookmark-file" in low or ("<dl" in low and "<a " in low) or "<title>pocket export" in low


def parse(name: str, text: str) -> Iterator[ImportItem]:
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ImportFormatError(name, f"not an HTML bookmarks file ({exc})") from None
    archived = _archive_links(root)
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href.lower().startswith(("http://", "https://")):
            continue  # place:, javascript:, file:, feeds: not pages to read
        where = f"{name}, line {a.sourceline}" if a.sourceline else name
        saved = a.get("add_date") or a.get("time_added")
        tags = (a.get("tags") or "").split(",")
        folder = _folder_of(a)
        if folder and folder.casefold() not in TOP_FOLDERS:
            tags.append(folder)
        yield ImportItem(
            where=where, url=checked_url(where, href), title=clean_title(a.text_content()),
            tags=clean_tags(tags), state="archived" if a in archived else "unread",
            saved_at=_epoch_or_none(where, saved), excerpt=_description(a), source="bookmarks")


def _epoch_or_none(where: str, value: str | None) -> str | None:
    if not value:
        return None
    if value.isdigit() and len(value) > 12:  # some browsers write microseconds
        value = str(int(value) // 1_000_000)
    return iso_from_epoch(where, value)


def _folder_of(a) -> str | None:
    """The name of the innermost folder (<DT><H3>name</H3><DL>...) holding this link. Parsers
    nest these unclosed tags differently: the heading is the last <h3> just before the <dl>,
    or in the <dt> around it."""
    for ancestor in a.iterancestors("dl"):
        before = ancestor.getprevious()
        while before is not None and before.tag == "p":
            before = before.getprevious()
        parent = ancestor.getparent()
        for holder in (before, parent if parent is not None and parent.tag == "dt" else None):
            headings = list(holder.iter("h3")) if holder is not None else []
            if headings:
                return clean_title(headings[-1].text_content()) or None
    return None


def _archive_links(root) -> set:
    """Links listed after Pocket's <h1>Read Archive</h1> (its list of archived items)."""
    out: set = set()
    for h in root.iter("h1", "h2"):
        if h.text_content().strip().casefold() in ARCHIVE_HEADINGS:
            sibling = h.getnext()
            while sibling is not None and sibling.tag not in ("h1", "h2"):
                out.update(sibling.iter("a"))
                sibling = sibling.getnext()
    return out


def _description(a) -> str | None:
    """The <DD> that follows a bookmark: its description, if any."""
    dt = a.getparent()
    nxt = dt.getnext() if dt is not None else None
    if nxt is not None and nxt.tag == "dd":
        text = " ".join((nxt.text or "").split())
        return text[:2000] or None
    return None
