"""Files written so that a crash leaves the old version or the new one, never half of either."""
from __future__ import annotations

import errno
import gzip
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import orjson

from ..errors import BodyMissing, DiskFull, StorageError

FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
READ_ONLY = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def is_full(exc: BaseException) -> bool:
    return isinstance(exc, DiskFull) or (isinstance(exc, OSError) and exc.errno in FULL)


def storage_error(exc: BaseException, where: Path, *, kept: bool = False,
                  doing: str | None = None, note: str = "") -> StorageError:
    """What to tell the user about an OSError on the data folder `where`, as a sentence.
    `kept`: changes are made (in memory, and written) but the disk did not confirm them.
    `doing`: what could not be done (e.g. "open the library in ..."), instead of a change;
    `note` follows its advice (e.g. where a copy of something is)."""
    if isinstance(exc, StorageError):
        return exc
    reason = getattr(exc, "strerror", None) or str(exc)
    full, read_only = is_full(exc), getattr(exc, "errno", None) in READ_ONLY
    if doing is not None:
        cause = ("the disk is full" if full else f"it cannot write to {where} ({reason})")
        advice = ("Free some space and try again." if full else
                  "Is the folder read-only, or owned by another user?" if read_only else "The disk may be failing.")
        return (DiskFull if full else StorageError)(f"QuietPage could not {doing}: {cause}. {advice} {note}".rstrip())
    if kept:
        cause = ("The disk is full" if full else f"Writing to {where} failed ({reason})")
        return (DiskFull if full else StorageError)(
            f"{cause}, so recent changes could not be confirmed on disk. QuietPage keeps them and writes them "
            f"as soon as it can{' (free some space)' if full else ''}; until then it answers nothing, so as never "
            "to show a change that a crash could still undo.", **({} if full else {"code": "not_confirmed"}))
    if full:
        return DiskFull(f"The disk is full (where QuietPage keeps {where}): this could not be saved. Free some "
                        "space: saving resumes by itself, and the library can be read meanwhile.")
    if read_only:
        return StorageError(f"QuietPage cannot write to {where} ({reason}): is the folder read-only, or owned "
                            "by another user? This could not be saved.", code="read_only")
    return StorageError(f"QuietPage could not write to {where} ({reason}): the disk may be failing. This could "
                        "not be saved.")


def ensure_private_dir(path: Path) -> Path:
    """The data folder, made if need be (mode 0700); StorageError, a sentence, if it cannot be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, path.parent, doing=f"make its data folder {path}") from exc
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path


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


def write_body(path: Path, data: bytes) -> None:
    """An article's body file, already compressed (raises StorageError, with a sentence, if the
    disk refuses it)."""
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise storage_error(exc, Path(path).parent) from exc


def write_revision(folder: Path, files: dict[str, bytes]) -> None:
    """The files of a new revision of an article, {name: compressed bytes}, durable on return.

    No record names the revision yet (it has a new id, and its record is written after this), so
    each file goes straight under its own name - a write cut short leaves a leftover that nothing
    reads, which the next revision's clean-up removes - and the folder is synced once for all:
    3 fsyncs for two files instead of 4 (each waits its turn at the file system's journal).
    Raises StorageError, with a sentence, if the disk refuses them (nothing written is left)."""
    folder = Path(folder)
    done: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            path = folder / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            done.append(path)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        fsync_dir(folder)
    except OSError as exc:
        for path in done:
            path.unlink(missing_ok=True)
        raise storage_error(exc, folder) from exc


def gzip_bytes(data: bytes) -> bytes:
    # Level 6: ~3x smaller than raw HTML at a few ms a page; bodies are read rarely.
    return gzip.compress(data, compresslevel=6, mtime=0)


@dataclass(frozen=True)
class Bodies:
    """One version of an article's files, compressed: its reader view (JSON: content_html, text)
    and the page as captured. Packed where the page was read (an extraction worker, an import's
    parsing thread), so the store's single thread only writes bytes."""
    reader_gz: bytes
    raw_gz: bytes


def pack_bodies(body: dict, raw_html: str) -> Bodies:
    return Bodies(reader_gz=gzip_bytes(orjson.dumps(body)),
                  raw_gz=gzip_bytes(raw_html.encode("utf-8", "surrogatepass")))


def read_gzip(path: Path) -> bytes:
    return gzip.decompress(Path(path).read_bytes())


def read_body_file(path: Path, what: str) -> bytes:
    """The bytes of a body file, decompressed; BodyMissing - a sentence naming `what` and the
    file - if it is gone ("body_missing") or cannot be read back whole ("body_damaged": its
    gzip checksum catches one changed byte)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise BodyMissing(f"{what} is missing: {path} is no longer in the data folder.") from None
    except OSError as exc:
        raise BodyMissing(f"{what} cannot be read ({path}: {exc.strerror or exc}).", code="body_damaged") from None
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise BodyMissing(f"{what} is damaged ({path}: {exc}).", code="body_damaged") from None


def body_path(data_dir: Path, article_id: str, rev: str, kind: str) -> Path:
    """Where a revision of an article's body lives: kind is "reader.json" or "raw.html"."""
    return Path(data_dir) / "articles" / article_id / f"{rev}.{kind}.gz"
