"""The Library: the one owner of article and highlight records. Every write goes through it, so
its index (library/index.py) and search words (library/search.py) always follow the records.

Synchronous: the app runs it on the store's single thread (aio.py). It takes values that the
web layer has already checked for shape. What it does is split by subject into mixins:
articles.py (save, read, change, trash), highlights.py, imports.py (imports, backups, fetching,
exports), tagbook.py (the user's tags), images.py and recovery.py (pages not read in time, saved
pages gone missing).
"""
from __future__ import annotations

import logging
from pathlib import Path

from ..clock import SteadyClock
from ..errors import BodyMissing
from ..settings import Settings
from ..store import Bodies, Store
from ..store.sessions import SessionRecords
from ..tags import normalize
from . import search
from .articles import ArticleActions
from .highlights import HighlightActions
from .images import ImageActions, new_items, summary
from .imports import ImportActions
from .index import ArticleIndex
from .listing import ListQuery, list_page
from .recovery import RecoveryActions
from .tagbook import TagActions

log = logging.getLogger(__name__)


class Library(ArticleActions, HighlightActions, ImportActions, TagActions, ImageActions, RecoveryActions):
    def __init__(self, store: Store, settings: Settings):
        self.store = store
        self.settings = settings
        self.clock = SteadyClock()  # what the trash's time is told by: a clock set forward empties nothing
        self.index = ArticleIndex(normalize)
        self.index.load(store.scan_articles())
        for article_id in store.articles_with_highlights():
            self.index.set_highlighted(article_id, True)
        self._derive_missing()
        self._load_image_users()
        self._check_image_files()

    @classmethod
    def open(cls, data_dir: Path, settings: Settings, *, group_commit: bool = False) -> "Library":
        """Open the store of `data_dir` (locked for this process) and the library on it."""
        store = Store(data_dir, settings, group_commit=group_commit)
        try:
            return cls(store, settings)
        except BaseException:
            store.close()
            raise

    # what aio.SharedStores needs of what it keeps open
    @property
    def storage(self):
        return self.store.storage

    @property
    def sessions(self) -> SessionRecords:
        """The page sessions and used login links, which the store keeps beside the library's
        records (the web layer's; the library never reads them)."""
        return self.store

    def close(self) -> None:
        self.store.close()

    def maintenance(self) -> None:
        self.store.maintenance()

    # ------------------------------------------------------------------ listing
    def page(self, query: ListQuery) -> dict:
        """{items, next_cursor, total, counts}: one page of the reading list (see listing.py)."""
        return list_page(self.store, self.index, query)

    # ------------------------------------------------------------------ the only record writes
    # `html` (the reader view) lists the images an article shows; `images`, when given instead,
    # are its image items as a backup brought them (their files already on disk).
    def _insert_article(self, record: dict, bodies: Bodies, text: str, *, article_id: str | None = None,
                        html: str = "", images: list[dict] | None = None) -> dict:
        items = images if images is not None else new_items(html, self.settings.image_max_count, None)
        record = self.store.insert_article({**record, "images": summary(items)}, bodies, article_id=article_id)
        self.index.add(record["id"], record)
        self.store.put_derived(record["id"], search.text_doc(text))
        self._set_images(record["id"], items)
        return record

    def _replace_article(self, article_id: str, record: dict, bodies: Bodies, text: str, *, html: str = "",
                         images: list[dict] | None = None) -> dict:
        items = images if images is not None else self._image_items_for(article_id, html)
        record = self.store.replace_article(article_id, {**record, "images": summary(items)}, bodies)
        self.index.add(article_id, record)
        self.store.put_derived(article_id, {**search.text_doc(text), **self._highlight_doc(article_id)})
        self._set_images(article_id, items)
        return record

    def _update_article(self, article_id: str, fields: dict) -> dict:
        record = self.store.update_article(article_id, fields)
        self.index.add(article_id, record)
        return record

    def _purge_article(self, article_id: str) -> None:
        items = self._images_of(article_id)
        self.store.purge_article(article_id)
        self._released_all(article_id, items)
        self.index.remove(article_id)
        self.index.set_highlighted(article_id, False)

    def _highlights_changed(self, article_id: str) -> None:
        """After highlights of an article were added, removed, moved or noted: its filter flag
        and the search words of its quotes and notes."""
        self.index.set_highlighted(article_id, self.store.highlight_count(article_id) > 0)
        self.store.update_derived(article_id, self._highlight_doc(article_id))

    def _highlight_doc(self, article_id: str) -> dict:
        highlights = self.store.highlights_of(article_id)
        return {"n": search.highlight_words(highlights)} if highlights else {}

    def _derive_missing(self) -> None:
        """Search words for articles that have none (a crash between the record and its words,
        or a library from before they existed): read from their saved text, once."""
        derived = self.store.derived_ids()
        missing = [a for a in self.index.all_ids() if a not in derived]
        for article_id in missing:
            try:
                text = self.store.read_body(article_id).get("text") or ""
            except (OSError, ValueError, BodyMissing) as exc:
                log.warning("no search words for article %s: %s", article_id, exc)
                continue
            self.store.put_derived(article_id, {**search.text_doc(text), **self._highlight_doc(article_id)})
        if missing:
            log.info("derived the search words of %d article(s)", len(missing))
