"""Files written so that a crash leaves the old version or the new one, never half of either."""
from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # e.g. Windows: directories cannot be opened; rename is durable enough there
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` atomically: temp file in the same dir, fsync, rename, fsync dir."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def write_gzip(path: Path, data: bytes) -> None:
    # Level 6: ~3x smaller than raw HTML at a few ms a page; bodies are read rarely.
    atomic_write(path, gzip.compress(data, compresslevel=6, mtime=0))


def read_gzip(path: Path) -> bytes:
    return gzip.decompress(Path(path).read_bytes())


def body_path(data_dir: Path, article_id: str, rev: str, kind: str) -> Path:
    """Where a revision of an article's body lives: kind is "reader.json" or "raw.html"."""
    return Path(data_dir) / "articles" / article_id / f"{rev}.{kind}.gz"
