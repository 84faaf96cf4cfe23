"""`quietpage export`: a JSON backup, Markdown (a folder or a zip) or an EPUB of the library.

Export only reads: without a server it opens the library itself (transfer.local_worker); with
one running it asks that server (GET /api/export with the token), which serialises the reads -
reading the files under a live server could see a journal deleted by a compaction or a body
revision replaced in between. Articles whose files were gone or damaged are exported with what
is known and named on stderr (exit code 3)."""
from __future__ import annotations

import asyncio
import errno
import http.client
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import orjson

from ..clock import now_iso
from ..errors import QuietPageError
from ..settings import Settings
from ..store.lock import DataDirLocked
from ..store.images import is_name
from ..transfer import exports
from ..transfer.export_markdown import ASSETS, MISSING_NOTE
from ..web import auth
from .running import running_origin
from .transfer import ProgressBar, fail, local_worker


# ---------------------------------------------------------------------- export
def cmd_export(settings: Settings, args) -> int:
    dest = Path(args.dest)
    fmt = args.format
    if fmt == "json" and dest.is_dir():
        dest = dest / f"quietpage-{now_iso()[:10]}.json"
    chosen = _epub_query(args) if fmt == "epub" else {}
    missing: list[tuple[str, list[str]]] = []  # (which article, what of it was missing)
    try:
        try:
            n = asyncio.run(_export_local(settings, fmt, dest, chosen, missing))
        except DataDirLocked:
            n = _export_remote(settings, fmt, dest, chosen, missing)
    except QuietPageError as exc:
        return fail(exc.message)
    except BrokenPipeError:  # `quietpage export - | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # writing here, on this machine: the export file or folder
        return fail(_cannot_write(dest, exc, whole_file=fmt == "json" or dest.suffix.lower() == ".zip"))
    if str(dest) != "-":
        print(f"Exported {n} article(s) to {dest}" if n >= 0 else f"Exported the library to {dest}")
    return _said_missing(missing)


def _said_missing(missing: list[tuple[str, list[str]]]) -> int:
    """Articles whose files were gone or damaged: named on stderr, and exit code 3."""
    if not missing:
        return 0
    print(f"quietpage: {len(missing)} article(s) had files missing or damaged in the data folder. They are exported "
          "with what is known (details, highlights and notes) and the export says so; open them in the reading list "
          "to read them again, fetch them or save them again:", file=sys.stderr)
    for which, said in missing[:50]:
        print(f"  {which}: {' '.join(said)}", file=sys.stderr)
    if len(missing) > 50:
        print(f"  ... and {len(missing) - 50} more", file=sys.stderr)
    return 3


def _cannot_write(dest: Path, exc: OSError, *, whole_file: bool) -> str:
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    why = "the disk is full" if full else (exc.strerror or str(exc))
    kept = ("nothing was written there" if whole_file else "the files written before that are in place")
    return (f"cannot write {dest}: {why}. The library is untouched and {kept}"
            f"{'; free some space and export again' if full else ''}.")


def _epub_query(args) -> dict:
    """The filters of an EPUB export, as /api/export takes them."""
    return {"tag": getattr(args, "tag", None), "state": getattr(args, "state", "all"), "id": getattr(args, "ids", None) or []}


def _nothing_to_export(settings: Settings) -> QuietPageError:
    return QuietPageError(f"the library in {settings.data_dir} has no articles: nothing was exported. (Is it the "
                          "library you meant? --data-dir chooses another.)", code="nothing_to_export")


async def _export_local(settings: Settings, fmt: str, dest: Path, chosen: dict | None = None,
                        missing: list | None = None) -> int:
    def said(record: dict, what: list[str]) -> None:
        if missing is not None:
            missing.append((f"{record.get('title') or record['url']} ({record['id']})", what))

    async with local_worker(settings) as worker:
        if not await worker.db(worker.library.export_ids):
            raise _nothing_to_export(settings)
        progress = ProgressBar("Exporting")
        if fmt == "markdown" and dest.suffix.lower() != ".zip":
            return await exports.export_markdown_dir(worker, dest, progress, said)
        ids = None
        if fmt == "epub":
            ids = await worker.db(worker.library.export_selection, chosen["tag"], chosen["state"], chosen["id"] or None)
            if not ids:
                raise QuietPageError("No article matches these filters (out of the trash, with its text): no EPUB "
                                     "was written.", code="nothing_to_export")
        with _output(dest) as out:
            async def write(data: bytes) -> None:
                out.write(data)
            if fmt == "json":
                return await exports.export_json(worker, write, progress, said)
            if fmt == "epub":
                return await exports.export_epub(worker, write, ids, progress, said)
            return await exports.export_markdown_zip(worker, write, progress, said)


class _output:
    """stdout for '-', else a temp file renamed over `dest` once complete (never half a file):
    whatever stops the export - a full disk, an error, Ctrl-C - the temp file goes."""

    def __init__(self, dest: Path):
        self.dest = dest

    def __enter__(self):
        if str(self.dest) == "-":
            self.f, self.tmp = sys.stdout.buffer, None
            return self.f
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.dest.name}.", dir=self.dest.parent)
        self.f = os.fdopen(fd, "wb")
        return self.f

    def __exit__(self, exc_type, *rest) -> None:
        if self.tmp is None:
            if exc_type is None:
                self.f.flush()
            return
        try:
            if exc_type is None:
                self.f.flush()
                os.fsync(self.f.fileno())
                self.f.close()
                os.replace(self.tmp, self.dest)
                return
        except BaseException:
            self._discard()
            raise
        self._discard()

    def _discard(self) -> None:
        try:
            self.f.close()  # flushes what is left: on a full disk that fails too, and is not news
        except OSError:
            pass
        try:
            os.unlink(self.tmp)
        except FileNotFoundError:
            pass


def _export_remote(settings: Settings, fmt: str, dest: Path, chosen: dict | None = None,
                   missing: list | None = None) -> int:
    """Ask the server running on this data dir for the export. Its faults (not answering, cut
    off) are QuietPageError; writing here (a full disk) is OSError, as for a local export.
    Articles whose files were missing are read back from what it sent, into `missing`."""
    origin = running_origin(settings)
    params = [("format", fmt)]
    if chosen:
        params += [("tag", chosen["tag"])] if chosen["tag"] else []
        params += [("state", chosen["state"]), *(("id", i) for i in chosen["id"])]
    query = urllib.parse.urlencode(params)
    headers = {"Authorization": f"Bearer {auth.load_or_create_token(settings.data_dir)}"}
    try:
        with LOOPBACK.open(urllib.request.Request(f"{origin}/api/articles?state=all&limit=1", headers=headers),
                           timeout=60) as resp:
            if not orjson.loads(resp.read()).get("total"):
                raise _nothing_to_export(settings)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise _unreachable(origin, exc) from None
    zipped = fmt == "markdown" and dest.suffix.lower() != ".zip"
    target = Path(tempfile.mkdtemp()) / "export.zip" if zipped else dest
    try:
        try:
            resp = LOOPBACK.open(urllib.request.Request(f"{origin}/api/export?{query}", headers=headers), timeout=600)
        except (urllib.error.URLError, OSError) as exc:
            raise _unreachable(origin, exc) from None
        with resp, _output(target) as out:
            while chunk := _received(resp, origin):
                out.write(chunk)
        if missing is not None and str(target) != "-":
            missing.extend(_missing_in(target, fmt))
        if zipped:
            dest.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(target) as zf:
                names = [n for n in zf.namelist() if "/" not in n and "\\" not in n and not n.startswith(".")]
                for name in names:
                    (dest / name).write_bytes(zf.read(name))
                assets = [n for n in zf.namelist() if n.startswith(f"{ASSETS}/") and is_name(n.split("/", 1)[1])]
                if assets:
                    (dest / ASSETS).mkdir(exist_ok=True)
                for name in assets:
                    (dest / name).write_bytes(zf.read(name))
                return len(names)
        return -1
    finally:
        if zipped:
            shutil.rmtree(target.parent, ignore_errors=True)


# The CLI talks to our own server on loopback only: never through a proxy ($http_proxy would
# otherwise receive the bearer token), whatever the environment says.
LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _missing_in(path: Path, fmt: str) -> list[tuple[str, list[str]]]:
    """The articles of an export file that say their files were missing (a JSON backup's
    "missing" entries; a Markdown file's note), one entry at a time."""
    found = []
    if fmt == "json":
        with open(path, "rb") as f:
            for line in f:
                if b'"missing":[' in line and line.startswith(b'{"'):
                    doc = orjson.loads(line.rstrip().rstrip(b","))
                    record = doc.get("article") or {}
                    found.append((f"{record.get('title') or record.get('url')} ({record.get('id')})", doc["missing"]))
    elif fmt == "markdown":
        with zipfile.ZipFile(path) as zf:
            found = [(name, ["its saved copy was missing or damaged"]) for name in zf.namelist()
                     if name.endswith(".md") and MISSING_NOTE.encode() in zf.read(name)]
    return found


def _received(resp, origin: str) -> bytes:
    try:
        return resp.read(1024 * 1024)
    except (OSError, http.client.HTTPException) as exc:
        raise QuietPageError(f"the server at {origin} stopped sending the export part way ({exc!r}); nothing was "
                             "written. Its log says why; try again.") from None


def _unreachable(origin: str, exc: Exception) -> QuietPageError:
    return QuietPageError(f"the server is running on this data dir, but it could not be asked for the export at "
                          f"{origin} ({exc}). Use the reading list's Export, or stop the server.")
