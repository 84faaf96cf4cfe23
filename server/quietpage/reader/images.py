"""Images as a reader needs them: real sources instead of lazy-loading placeholders, and no
tracking pixels. Runs on the whole page before pruning (which drops <noscript>).

- a lazy image keeps its real address in data-src / data-srcset / data-lazy-src..., in a
  srcset, or in its <picture>'s <source>s; a missing or placeholder `src` (a data: URI,
  "blank.gif", "lazy.png") is replaced by it;
- a <noscript> fallback holding one image replaces the placeholder image just before it (as
  Readability.js does), or stands in for it when it is the only image there;
- a <figure> whose picture a script has yet to insert, but that names the picture's file in an
  attribute (itemid="https://.../photo.jpg", data-src...), gets that picture (Readability.js's
  rule for lazy figures);
- an image the page sizes at 2x2 pixels or less is a tracking pixel, not a picture.
"""
from __future__ import annotations

import re

# Attributes lazy-loading scripts keep the real address in, most specific first.
LAZY_SRC_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url",
                  "data-hi-res-src", "data-src-large", "data-src-medium", "data-image-src",
                  "data-fallback-src", "data-low-res-src")
LAZY_SRCSET_ATTRS = ("data-srcset", "data-lazy-srcset", "srcset")
PLACEHOLDER = re.compile(r"^data:|blank|placeholder|spacer|transparent|lazy|loading|pixel\.", re.I)
_IMAGE_URL = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])|^https?://|^/", re.I)
_IMAGE_FILE = re.compile(r"^(?:https?:)?//\S+\.(?:jpe?g|png|gif|webp|avif)(?:$|[?#])", re.I)
_SRCSET_ITEM = re.compile(r"\s*(\S+)(?:\s+(\d+(?:\.\d+)?)([wx]))?\s*(?:,|$)")
MAX_PIXEL_SIZE = 2  # width and height at most this: a tracking pixel


# The widest srcset candidate a reader needs (wider ones are for 4K screens and cost megabytes
# to archive), and the densest: a candidate above is taken only when nothing is at or below.
MAX_SRCSET_WIDTH = 2000
MAX_SRCSET_DENSITY = 2.0


def best_from_srcset(srcset: str) -> str | None:
    """The widest (or densest) candidate of a srcset up to MAX_SRCSET_WIDTH (2x), else the
    narrowest one above it."""
    fitting, above = (None, -1.0), (None, float("inf"))
    for m in _SRCSET_ITEM.finditer(srcset or ""):
        url, size = m[1], float(m[2] or 1)
        if not url or url.startswith("data:"):
            continue
        cap = MAX_SRCSET_WIDTH if m[3] == "w" else MAX_SRCSET_DENSITY
        if size <= cap and size > fitting[1]:
            fitting = (url, size)
        elif size > cap and size < above[1]:
            above = (url, size)
    return fitting[0] or above[0]


def _from_srcsets(el) -> str | None:
    for attr in LAZY_SRCSET_ATTRS:
        if found := best_from_srcset(el.get(attr) or ""):
            return found
    return None


def _real_source(img, pictures: dict) -> str | None:
    """The address a lazy image will show: its own lazy attributes and srcset, then its
    <picture>'s <source>s (`pictures`: each picture's answer, found once for all its images)."""
    for attr in LAZY_SRC_ATTRS:
        value = (img.get(attr) or "").strip()
        if value and _IMAGE_URL.search(value) and not value.startswith("data:"):
            return value
    if found := _from_srcsets(img):
        return found
    found = img.xpath("ancestor::picture[1]")  # (its nearest: <source>s nest in libxml2's tree)
    if not found:
        return None
    picture = found[0]
    if picture not in pictures:
        pictures[picture] = next(filter(None, map(_from_srcsets, picture.iter("source"))), None)
    return pictures[picture]


def _is_placeholder(src: str | None) -> bool:
    return not src or not src.strip() or bool(PLACEHOLDER.search(src.strip()))


def _int(value) -> int | None:
    try:
        return int(str(value).strip().removesuffix("px"))
    except (TypeError, ValueError):
        return None


def is_tracking_pixel(img) -> bool:
    w, h = _int(img.get("width")), _int(img.get("height"))
    return w is not None and h is not None and w <= MAX_PIXEL_SIZE and h <= MAX_PIXEL_SIZE


def _single_image(el):
    """The one image `el` is (or wraps, with no text of its own), else None."""
    while el is not None:
        if el.tag == "img":
            return el
        children = [c for c in el if isinstance(c.tag, str)]
        if len(children) != 1 or (el.text_content() or "").strip():
            return None
        el = children[0]
    return None


def _unwrap_noscript(noscript, images: dict) -> None:
    """`images`: how many images each block holds, counted once (a page of many lazy images
    in one block is not recounted for each)."""
    fallback = _single_image(noscript)
    if fallback is None:
        return
    previous = noscript.getprevious()
    placeholder = _single_image(previous) if previous is not None else None
    parent = noscript.getparent()
    if placeholder is not None:
        for block in noscript.iterancestors():  # one image less around both (the fallback moves)
            if block in images:
                images[block] -= 1
        fallback.tail = placeholder.tail
        placeholder.getparent().replace(placeholder, fallback)
    elif parent is not None:
        if parent not in images:
            images[parent] = sum(1 for _ in parent.iter("img"))
        if images[parent] == 1:  # the fallback is the only image there
            fallback.tail = noscript.tail
            parent.replace(noscript, fallback)


def _fill_empty_figure(figure) -> None:
    """Give a picture-less <figure> the image file one of its attributes names."""
    if figure.find(".//img") is not None or figure.find(".//picture") is not None:
        return
    for value in figure.attrib.values():
        value = value.strip()
        if _IMAGE_FILE.match(value):
            img = figure.makeelement("img", {"src": value, "alt": ""})
            figure.insert(0, img)
            return


def resolve_images(doc) -> None:
    images: dict = {}
    for noscript in list(doc.iter("noscript")):
        _unwrap_noscript(noscript, images)
    for figure in list(doc.iter("figure")):
        _fill_empty_figure(figure)
    pictures: dict = {}
    for img in list(doc.iter("img")):
        if is_tracking_pixel(img):
            img.drop_tree()
            continue
        src = img.get("src")
        if _is_placeholder(src) or img.get("data-src"):
            if real := _real_source(img, pictures):
                img.set("src", real)
