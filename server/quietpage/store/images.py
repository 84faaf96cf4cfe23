"""The image files of saved articles: bytes stored once by their content, however many articles
show them.

    images/<first two hex digits>/<sha256 of the bytes>.<png|jpg|gif|webp|avif>

A file is named by its content, so it is written once (atomically: temp file, fsync, rename)
before any record names it, and never changed. Which article uses which file is the library's
record (the store's `article_images` table); a file goes when no record names it any more (the
library says when). Names come from the records or from a backup: each is checked against
NAME before it is turned into a path, so no name can point outside images/.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Container, Iterator
from pathlib import Path

from .files import write_body

log = logging.getLogger(__name__)
FOLDER = "images"
# The media types kept, and the extension each is stored (and served) under.
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
              "image/avif": "avif"}
TYPES = {ext: ctype for ctype, ext in EXTENSIONS.items()}
NAME = re.compile(r"^[0-9a-f]{64}\.(?:png|jpg|gif|webp|avif)$")


def is_name(name) -> bool:
    return isinstance(name, str) and NAME.match(name) is not None


def file_name(data: bytes, ctype: str) -> str:
    """The name the bytes are stored under."""
    return f"{hashlib.sha256(data).hexdigest()}.{EXTENSIONS[ctype]}"


def type_of(name: str) -> str:
    return TYPES[name.rsplit(".", 1)[1]]


class ImageFiles:
    """The images/ folder of a data dir. Safe to call from any thread: a file is only ever
    created whole (by rename) or removed."""

    def __init__(self, data_dir: Path):
        self.dir = Path(data_dir) / FOLDER

    def path(self, name: str) -> Path:
        if not is_name(name):
            raise ValueError(f"not an image file name: {str(name)[:80]!r}")
        return self.dir / name[:2] / name

    def has(self, name: str) -> bool:
        return is_name(name) and self.path(name).is_file()

    def put(self, data: bytes, ctype: str) -> str:
        """Store the bytes (unless a file of the same content is there already); their name.
        StorageError (a sentence) when the disk refuses them."""
        name = file_name(data, ctype)
        path = self.path(name)
        if not path.is_file():
            write_body(path, data)
        return name

    def read(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def size(self, name: str) -> int:
        return self.path(name).stat().st_size

    def remove(self, name: str) -> None:
        try:
            self.path(name).unlink(missing_ok=True)
        except OSError as exc:  # only space: the start-up sweep tries again
            log.warning("could not remove the image %s: %s", name, exc)

    def names(self) -> Iterator[str]:
        """Every image file on disk (leftover temp files aside)."""
        if not self.dir.is_dir():
            return
        for sub in os.scandir(self.dir):
            if sub.is_dir() and len(sub.name) == 2:
                for entry in os.scandir(sub.path):
                    if is_name(entry.name):
                        yield entry.name

    def sweep(self, named: Container[str], keep_also: Container[str] = ()) -> int:
        """Remove the files that no record names (a save killed between a file and its record,
        a failed import) and none in `keep_also` (named by a backup). Returns how many."""
        doomed = [n for n in self.names() if n not in named and n not in keep_also]
        for name in doomed:
            self.remove(name)
        if doomed:
            log.info("removed %d image file(s) that no article uses", len(doomed))
        return len(doomed)
