"""Which images each article shows, and where each is archived: the library's record of them
(one `article_images` document per article, beside its record) and the `images: {total,
archived, failed}` summary on the article. A mixin of Library; the bytes are the store's
(store/images.py), fetched and checked by transfer/images.py.

An item is {url, file, width, height, bytes, error, code}: `url` as the reader view names it
(http(s) or a data: URI), `file` the stored image once archived, `error`/`code` why it could not
be (then it is "failed"; `quietpage archive-images --retry-failed` tries again), neither: still
coming. Files are written before the document that names them; a file goes when no article uses
it any more (an article purged from the trash, or a new version without it).
"""
from __future__ import annotations

import html as htmllib
import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import NotFound, StorageError
from ..hosts import url_refusal
from ..store.images import is_name

log = logging.getLogger(__name__)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
ARCHIVABLE = re.compile(r"^(?:https?://|data:image/)", re.I)
# What an item of a backup or a record may say about why an image is missing (a sentence).
MAX_ERROR_CHARS = 500


# ---------------------------------------------------------------------- the HTML side (pure)
def img_tags(html: str) -> Iterable[tuple[re.Match, dict]]:
    """Each <img> tag of (sanitised) HTML with its attributes, values unescaped."""
    for m in _IMG.finditer(html or ""):
        attrs = {}
        for a in _ATTR.finditer(m[0][4:].rstrip(">").rstrip("/")):
            value = next((g for g in a.groups()[1:] if g is not None), "")
            attrs.setdefault(a[1].lower(), htmllib.unescape(value))
        yield m, attrs


def image_sources(html: str, limit: int) -> list[str]:
    """The addresses of the images a reader view shows, each once, in order, at most `limit`."""
    out: dict[str, None] = {}
    for _, attrs in img_tags(html):
        src = attrs.get("src", "").strip()
        if ARCHIVABLE.match(src) and len(out) < limit:
            out.setdefault(src, None)
    return list(out)


def rewrite_images(html: str, change: Callable[[dict], dict | None]) -> str:
    """The HTML with each <img> tag's attributes replaced by change(attrs) (None: tag dropped)."""
    def one(m: re.Match, attrs: dict) -> str:
        new = change(attrs)
        if new is None:
            return ""
        return "<img" + "".join(f' {k}="{htmllib.escape(str(v), quote=True)}"' for k, v in new.items()
                                if v is not None) + ">"
    parts, last = [], 0
    for m, attrs in img_tags(html):
        parts += [html[last:m.start()], one(m, attrs)]
        last = m.end()
    parts.append(html[last:])
    return "".join(parts)


def summary(items: list[dict]) -> dict:
    archived = sum(1 for i in items if i.get("file"))
    failed = sum(1 for i in items if not i.get("file") and i.get("error"))
    return {"total": len(items), "archived": archived, "failed": failed}


def pending(items: list[dict], retry_failed: bool = False) -> list[dict]:
    return [i for i in items if not i.get("file") and (retry_failed or not i.get("error"))]


def new_items(html: str, limit: int, previous: list[dict] | None) -> list[dict]:
    """The items of a reader view: what an earlier version archived is kept (same address);
    what failed then is tried again (the page was saved again)."""
    known = {i["url"]: i for i in previous or () if i.get("file")}
    return [known.get(url) or _item(url) for url in image_sources(html, limit)]


THUMB_MIN = (120, 80)  # smaller is an icon, a button or a spacer, not the article's picture


def _pictures(item: dict) -> bool:
    """Whether an archived image can stand for its article: at least THUMB_MIN, at most three
    times as wide as high (or twice as high as wide). Sizes not known: it may."""
    w, h = item.get("width"), item.get("height")
    if not (isinstance(w, int) and isinstance(h, int)) or w <= 0 or h <= 0:
        return True
    return w >= THUMB_MIN[0] and h >= THUMB_MIN[1] and 0.5 <= w / h <= 3


def _item(url: str) -> dict:
    return {"url": url, "file": None, "width": None, "height": None, "bytes": 0, "error": None, "code": None}


# ---------------------------------------------------------------------- the records
class ImageActions:
    def _load_image_users(self) -> None:
        """file -> the articles that use it, from the records (at start)."""
        self._image_users: dict[str, set[str]] = {}
        self._images_stale: set[str] = set()  # articles whose images' document missed their record
        for article_id, doc in self.store.scan_images_docs():
            for item in doc.get("items", ()):
                if is_name(item.get("file")):
                    self._image_users.setdefault(item["file"], set()).add(article_id)

    def _check_image_files(self) -> None:
        """At start: items whose file is gone (a backup restored after it was purged, a file
        deleted by hand) wait to be archived again; files no record (or backup) names go."""
        on_disk = set(self.store.image_files.names())
        lost = set(self._image_users) - on_disk
        for article_id in sorted({a for name in lost for a in self._image_users[name]}):
            items = [{**i, "file": None, "bytes": 0} if i.get("file") in lost else i for i in self._images_of(article_id)]
            self.store.put_images_doc(article_id, {"items": items})
            try:
                self._update_article(article_id, {"images": summary(items)})
            except NotFound:
                pass
        for name in lost:
            del self._image_users[name]
        if lost:
            log.warning("%d archived image(s) are missing from disk: they will be archived again", len(lost))
        self.store.sweep_images(self._image_users, on_disk)

    @property
    def image_files(self):
        """The image folder (the store's): archiving writes files there from its own thread."""
        return self.store.image_files

    def _images_of(self, article_id: str) -> list[dict]:
        doc = self.store.images_doc(article_id)
        return list(doc.get("items", [])) if doc else []

    def _set_images(self, article_id: str, items: list[dict]) -> dict:
        """Write an article's items (their files are on disk already) and release the files it
        no longer uses; returns the summary, which the caller puts on the record."""
        doc = self.store.images_doc(article_id)
        if doc is None and not items:
            return summary(items)  # no images, before or now: no document at all
        before = {i["file"] for i in (doc or {}).get("items", ()) if i.get("file")}
        after = {i["file"] for i in items if i.get("file")}
        self.store.put_images_doc(article_id, {"items": items})
        for name in after:
            self._image_users.setdefault(name, set()).add(article_id)
        self._release(article_id, before - after)
        return summary(items)

    def _images_after_record(self, article_id: str, items: list[dict]) -> None:
        """An article's record is written (its reader view is saved): its images' document
        follows. A disk that refuses that second write does not undo the save, and the answer
        must say what is on disk, so it does not raise: the archiver makes the document again
        from the reader view (image_plan) once the disk takes it."""
        try:
            self._set_images(article_id, items)
        except StorageError as exc:
            log.warning("article %s is saved, but not the list of its images (%s): it will be made again",
                        article_id, exc.message)
            self._images_stale.add(article_id)

    def _release(self, article_id: str, names: Iterable[str]) -> None:
        """`article_id` no longer uses these files: each goes once no article does."""
        for name in names:
            users = self._image_users.get(name)
            if users is not None:
                users.discard(article_id)
                if users:
                    continue
                del self._image_users[name]
            self.store.image_files.remove(name)

    def _released_all(self, article_id: str, items: list[dict]) -> None:
        self._release(article_id, {i["file"] for i in items if i.get("file")})

    def _image_items_for(self, article_id: str | None, html: str) -> list[dict]:
        previous = self._images_of(article_id) if article_id else None
        return new_items(html, self.settings.image_max_count, previous)

    def thumbnail_of(self, record: dict) -> str | None:
        """The file of an article's picture in the reading list: its first archived image that
        is big enough and not a strip (the lead image, nearly always); None when it has none."""
        if not (record.get("images") or {}).get("archived"):
            return None  # nothing archived: no images document to read
        return next((i["file"] for i in self._images_of(record["id"]) if i.get("file") and _pictures(i)), None)

    # ------------------------------------------------------------------ for the archiver
    def image_plan(self, article_id: str, retry_failed: bool = False) -> dict | None:
        """{"pending": [urls], "used_bytes": n} of an article (its items made from its reader view
        first if it was saved before images were archived); None if it is gone or in the trash."""
        try:
            record = self.store.get_article(article_id)
        except NotFound:
            return None
        counts = record.get("images")
        if article_id in self._images_stale or (self.store.images_doc(article_id) is None
                                                and (counts is None or counts.get("total"))):
            # saved before images were archived (or killed, or refused by a full disk, between
            # its record and its images'): what an older document archived is kept
            html = self.body_or_error(article_id).get("content_html") or ""  # "" if its saved page is missing
            items = self._image_items_for(article_id, html)
            self._update_article(article_id, {"images": self._set_images(article_id, items)})
            self._images_stale.discard(article_id)
        items = self._images_of(article_id)
        return {"pending": [i["url"] for i in pending(items, retry_failed)],
                "used_bytes": sum(i.get("bytes") or 0 for i in items if i.get("file"))}

    def images_done(self, article_id: str, results: dict[str, dict]) -> dict | None:
        """Record what archiving found for some of an article's images ({url: {file, width,
        height, bytes} or {error, code}}); the summary, or None if the article is gone (its
        new files are released then)."""
        try:
            self.store.get_article(article_id, include_deleted=True)
        except NotFound:
            for r in results.values():
                if r.get("file") and r["file"] not in self._image_users:
                    self.store.image_files.remove(r["file"])
            return None
        items = []
        for item in self._images_of(article_id):
            r = results.get(item["url"])
            if r is not None and not item.get("file"):
                if r.get("file") and not self.store.image_files.has(r["file"]):
                    r = {"error": "The copy vanished before it was recorded; try again.", "code": "image_lost"}
                item = {**item, "file": r.get("file"), "width": r.get("width"), "height": r.get("height"),
                        "bytes": r.get("bytes") or 0, "error": (r.get("error") or None) and r["error"][:MAX_ERROR_CHARS],
                        "code": r.get("code")}
            items.append(item)
        counts = self._set_images(article_id, items)
        for r in results.values():  # fetched for an address the article no longer shows
            if r.get("file") and r["file"] not in self._image_users:
                self.store.image_files.remove(r["file"])
        self._update_article(article_id, {"images": counts})
        return counts

    def image_backlog(self, retry_failed: bool = False) -> list[str]:
        """The articles (out of the trash, with their text) whose images are not all archived or
        refused yet (with `retry_failed`, or refused), oldest first."""
        out = []
        for r in sorted(self.store.all_articles(), key=lambda r: (str(r.get("created_at") or ""), r["id"])):
            if r.get("deleted_at") or r.get("needs_fetch"):
                continue
            counts = r.get("images")
            if counts is None or counts["total"] - counts["archived"] - counts["failed"] > 0 \
                    or (retry_failed and counts["failed"]):
                out.append(r["id"])
        return out

    # ------------------------------------------------------------------ for the reader and exports
    def image_items(self, article_id: str) -> list[dict]:
        self.store.get_article(article_id, include_deleted=True)
        return self._images_of(article_id)

    def image_path(self, name: str) -> Path:
        """Where an archived image is on disk; NotFound for a name no file has."""
        if not self.store.image_files.has(name):
            raise NotFound("No such image.")
        return self.store.image_files.path(name)


def localise(html: str, items: list[dict], *, remote: bool, local_src: Callable[[str], str],
             keep_local: bool = False) -> tuple[str, bool]:
    """The reader view with each archived image served from `local_src(file)` (its width and
    height kept, or its own when the page gave none, so nothing shifts as it loads). An image
    not archived (yet) keeps its original address only when `remote` allows it - and never one
    on this machine or a private network unless `keep_local` (an article saved before the
    sanitiser dropped those: such an image would carry our session cookie to another local
    program); otherwise it has none (and `data-qp-image` names it, for the reader to fill in
    once archived). Returns (html, whether any image still points at another site)."""
    by_url = {i["url"]: i for i in items}
    remote_used = False

    def change(attrs: dict) -> dict:
        nonlocal remote_used
        src = attrs.get("src", "").strip()
        keep = {k: attrs[k] for k in ("alt", "title", "width", "height") if k in attrs}
        item = by_url.get(src)
        if item is not None and item.get("file"):
            if "width" not in keep and "height" not in keep and item.get("width") and item.get("height"):
                keep.update(width=item["width"], height=item["height"])
            return {"src": local_src(item["file"]), **keep}
        if src[:5].lower() == "data:" or not src:
            return {"src": src or None, **keep}
        marker = {"data-qp-image": src} if item is not None and not item.get("error") else {}
        if remote and (keep_local or url_refusal(src) is None):
            remote_used = True
            return {"src": src, **keep, **marker}
        return {**keep, **marker, "data-qp-offline": "1"}

    return rewrite_images(html, change), remote_used
