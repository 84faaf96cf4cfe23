"""Is it really an image we keep? Pure: bytes in, (type, width, height) or a refusal out.

- The type comes from the bytes (magic numbers), never from what the server said: an "image"
  that is HTML, a script or anything else is refused, and so is SVG (a document that can carry
  script and fetch other files: it is neither stored nor served; the reader leaves it to the
  original site, or out).
- The header is read by Pillow without decoding the pixels, and an image that declares more
  than `max_pixels` (a decompression bomb: a few KB of PNG that inflate to gigabytes) or cannot
  be read is refused. Nothing here decodes a whole image; `to_core_type` (EPUB) does, within
  the same pixel cap.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

# What the archive keeps (store/images.py EXTENSIONS): the formats every browser shows.
KEPT = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/avif")
# EPUB 3's core media types: the others are converted to PNG for an e-book.
EPUB_CORE = ("image/png", "image/jpeg", "image/gif")
_PIL_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp",
              "AVIF": "image/avif"}


class ImageRefused(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


@dataclass(frozen=True)
class ImageInfo:
    type: str
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """The media type the bytes are (of those we keep), or None."""
    head = data[:32]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return "image/avif"
    return None


def looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower()


def sniffed_for_fetch(body: bytes, declared: str) -> str | None:
    """The fetcher's `Want.sniff`: the type the bytes are, whatever was declared."""
    return sniff(body)


def inspect(data: bytes, max_pixels: int) -> ImageInfo:
    """The image's type and size, read from its header; ImageRefused otherwise."""
    ctype = sniff(data)
    if ctype is None:
        if looks_like_svg(data):
            raise ImageRefused("It is an SVG image, which can carry script: QuietPage does not keep SVG.",
                               "image_svg_refused")
        raise ImageRefused("It is not an image (its bytes are something else).", "image_not_image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(_PIL_TYPES)) as im:
                width, height = im.size
                found = _PIL_TYPES.get(im.format or "")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImageRefused(f"The image cannot be read ({str(exc)[:100] or type(exc).__name__}).",
                           "image_unreadable") from None
    if found != ctype:
        raise ImageRefused("The image cannot be read (its header contradicts its type).", "image_unreadable")
    if width < 1 or height < 1:
        raise ImageRefused("The image has no pixels.", "image_unreadable")
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels, width, height)
    return ImageInfo(ctype, width, height)


def _too_many_pixels(limit: int, width: int = 0, height: int = 0) -> ImageRefused:
    size = f" ({width} x {height})" if width else ""
    return ImageRefused(f"The image declares more than {limit:,} pixels{size}, the image_max_pixels setting "
                        "(a decompression bomb, or a needlessly huge picture).", "image_too_many_pixels")


def to_core_type(data: bytes, max_pixels: int) -> tuple[bytes, str]:
    """The image as an EPUB core media type: PNG, JPEG and GIF as they are, others as PNG."""
    info = inspect(data, max_pixels)
    if info.type in EPUB_CORE:
        return data, info.type
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        out = io.BytesIO()
        im.convert("RGBA" if im.mode in ("RGBA", "LA", "P", "PA") else "RGB").save(out, "PNG", optimize=False)
    return out.getvalue(), "image/png"
