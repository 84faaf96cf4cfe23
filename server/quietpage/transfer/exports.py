"""Export runs, for the HTTP handlers and the CLI alike: a JSON backup, Markdown (a folder or a
zip, with the archived images in assets/) and an EPUB, each streamed article by article through
a `runner.Worker`. An article whose files are gone or damaged is exported with what is known and
reported through `missing`."""
from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from ..clock import now_iso, parse_iso
from ..settings import Settings
from ..store.files import atomic_write
from . import backup, epub
from .imagecheck import ImageRefused, to_core_type
from .export_markdown import ASSETS, asset_names, document, file_names
from .runner import Missing, Progress, Worker, Write, no_progress, off_loop, unsaid

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------- export
def backup_settings(settings: Settings) -> dict:
    """The settings a backup records: those that change what the data means."""
    return {"trash_ttl_s": settings.trash_ttl_s}


async def _exported(worker: Worker, article_id: str, missing: Missing, *, page: bool) -> tuple | None:
    """export_data of one article (None: purged meanwhile). What of it was missing (gone or
    damaged files) is told to `missing(record, sentences)` - its text, and its page as captured
    when the export holds it (`page`: a JSON backup does) - and it is exported with what is known."""
    data = await worker.db(worker.library.export_data, article_id)
    if data is not None:
        _tell(data, missing, page)
    return data


def _tell(data: tuple, missing: Missing, page: bool) -> None:
    record, body = data[0], data[1]
    if body.get("missing") and (page or body.get("text_missing")):
        missing(record, body["missing"])


async def export_json(worker: Worker, write: Write, progress: Progress = no_progress, missing: Missing = unsaid) -> int:
    """The whole library as one JSON backup, written article by article (never whole in memory)."""
    ids = await worker.db(worker.library.export_ids)
    await write(backup.header(now_iso(), len(ids), backup_settings(worker.settings)))
    files = worker.library.image_files
    images = 0
    for name in await worker.db(worker.library.export_image_files):
        try:
            data = await off_loop(files.read, name)
        except OSError:  # gone since (purged): its articles' items say so on import
            continue
        await write(backup.image_line(name, data, first=images == 0))
        images += 1
    await write(backup.images_close(images > 0))
    written = 0
    for i, article_id in enumerate(ids, 1):
        data = await _exported(worker, article_id, missing, page=True)
        if data is not None:
            await write(backup.entry(*data, first=written == 0))
            written += 1
        progress(i, len(ids))
    await write(backup.FOOTER)
    return written


async def markdown_documents(worker: Worker, progress: Progress = no_progress, missing: Missing = unsaid):
    """(record, Markdown) of every article not in the trash, in the library's order."""
    ids = await worker.db(worker.library.export_ids)
    for i, article_id in enumerate(ids, 1):
        progress(i, len(ids))
        data = await worker.db(worker.library.export_data, article_id)
        if data is None or data[0].get("deleted_at"):
            continue
        _tell(data, missing, page=False)
        record, body, _, highlights, images = data
        yield record, images, await off_loop(document, record, body, highlights, images)


async def markdown_names(worker: Worker) -> dict[str, str]:
    return file_names(await worker.db(worker.library.markdown_index))


async def export_markdown_dir(worker: Worker, dest: Path, progress: Progress = no_progress,
                              missing: Missing = unsaid) -> int:
    dest.mkdir(parents=True, exist_ok=True)
    names = await markdown_names(worker)
    n = 0
    files = worker.library.image_files
    async for record, images, text in markdown_documents(worker, progress, missing):
        name = names.get(record["id"]) or file_names([(record["id"], record.get("title"), "")])[record["id"]]
        for image in asset_names(images):
            target = dest / ASSETS / image
            if not target.exists():
                await off_loop(_copy_asset, files, image, target)
        await off_loop(lambda: atomic_write(dest / name, text.encode("utf-8"), mode=0o644))
        n += 1
    return n


class _Sink:
    """A write-only, unseekable file for zipfile: what it is given waits in `take()`."""

    def __init__(self):
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out, self._parts = b"".join(self._parts), []
        return out


async def export_markdown_zip(worker: Worker, write: Write, progress: Progress = no_progress,
                              missing: Missing = unsaid) -> int:
    """The Markdown files as a zip, streamed: each file goes out as soon as it is compressed."""
    names = await markdown_names(worker)
    sink = _Sink()
    n = 0
    written: set[str] = set()
    files = worker.library.image_files
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf:
        async for record, images, text in markdown_documents(worker, progress, missing):
            for image in asset_names(images):
                if image in written:
                    continue
                try:
                    data = await off_loop(files.read, image)
                except OSError:
                    continue
                info = zipfile.ZipInfo(f"{ASSETS}/{image}", date_time=_zip_time(record))
                info.compress_type = zipfile.ZIP_STORED  # already compressed
                zf.writestr(info, data)
                written.add(image)
                await write(sink.take())
            info = zipfile.ZipInfo(names.get(record["id"], f"{record['id']}.md"), date_time=_zip_time(record))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
            await write(sink.take())
            n += 1
    await write(sink.take())
    return n


async def export_epub(worker: Worker, write: Write, ids: list[str], progress: Progress = no_progress,
                      missing: Missing = unsaid) -> int:
    """These articles (export_selection) as one EPUB 3, streamed chapter by chapter."""
    files, max_pixels = worker.library.image_files, worker.settings.image_max_pixels
    book = epub.Book(embed=lambda name: _embedded(files, name, max_pixels))
    when = now_iso()
    sink = _Sink()
    records, entries = [], []
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf:
        epub.start_zip(zf)
        for i, article_id in enumerate(ids, 1):
            data = await _exported(worker, article_id, missing, page=False)
            if data is not None:
                record, body, _, highlights, images = data
                chapter = epub.Chapter(record, body.get("content_html") or "", highlights, images)
                xhtml = await off_loop(epub.chapter_xhtml, chapter, book)
                href = f"chapters/c{len(records) + 1}.xhtml"
                zf.writestr(f"OEBPS/{href}", xhtml)
                for image_href, image, _ in book.pending:
                    zf.writestr(f"OEBPS/{image_href}", image, compress_type=zipfile.ZIP_STORED)
                book.pending.clear()
                records.append(record)
                entries.append((href, record.get("title") or record["url"]))
                await write(sink.take())
            progress(i, len(ids))
        lang = epub.lang_of(records[0]) if records else "en"
        title = epub.book_title(records, when)
        creators = list(dict.fromkeys(r["byline"] for r in records if r.get("byline")))[:20]
        zf.writestr("OEBPS/nav.xhtml", epub.nav_xhtml(entries, title, lang))
        zf.writestr("OEBPS/content.opf", epub.opf(
            title=title, lang=lang, identifier=epub.identifier([r["id"] for r in records], when),
            modified=when[:19] + "Z", creators=creators, chapters=[h for h, _ in entries],
            images=list(book.files.values())))
    await write(sink.take())
    return len(records)


def _embedded(files, name: str, max_pixels: int) -> tuple[bytes, str] | None:
    try:
        return to_core_type(files.read(name), max_pixels)
    except (OSError, ImageRefused) as exc:
        log.warning("left the image %s out of the EPUB: %s", name, exc)
        return None


def _copy_asset(files, name: str, target: Path) -> None:
    try:
        data = files.read(name)
    except OSError:
        return
    atomic_write(target, data, mode=0o644)


def _zip_time(record: dict) -> tuple:
    try:
        t = parse_iso(record.get("created_at") or "")
        return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)
