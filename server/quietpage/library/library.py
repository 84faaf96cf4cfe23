"""The Library: the one owner of article and highlight records. Every write goes through it, so
its in-memory index (index.py) and its full-text index (fulltext.py, kept by indexing.py)
always follow the records.

Synchronous: the app runs it on the store's single thread (aio.py). It takes values that the
web layer has already checked for shape. What it does is split by subject into mixins:
articles.py (save, read, change, trash), highlights.py, imports.py (imports, backups, fetching,
exports), tagbook.py (the user's tags), images.py, recovery.py (pages not read in time, saved
pages gone missing) and indexing.py (search, and the index it runs on).
"""
from __future__ import annotations

from pathlib import Path

from ..clock import SteadyClock
from ..settings import Settings
from ..store import Bodies, Store
from ..store.sessions import SessionRecords
from ..tags import normalize
from . import collector
from .articles import ArticleActions
from .highlights import HighlightActions
from .images import ImageActions, new_items, summary
from .imports import ImportActions
from .index import ArticleIndex
from .indexing import IndexKeeping
from .listing import ListQuery
from .notebook import HighlightIndex, NotebookQuery, notebook_page
from .recovery import RecoveryActions
from .tagbook import TagActions, TagUndo


class Library(ArticleActions, HighlightActions, ImportActions, TagActions, ImageActions, RecoveryActions,
              IndexKeeping):
    def __init__(self, store: Store, settings: Settings, *, reindex: bool = False):
        """`reindex`: build the full-text index from nothing, whatever state it is in."""
        self.store = store
        self.settings = settings
        self.clock = SteadyClock()  # what the trash's time is told by: a clock set forward empties nothing
        self.index = ArticleIndex(normalize)
        self.highlight_index = HighlightIndex()  # the notebook's: built on its first page
        self._tag_undo = TagUndo()  # what the last tag renames, merges, deletes and clean-up changed
        self.index.load(self._open_index(store.scan_articles(), rebuild=reindex))
        for article_id in store.articles_with_highlights():
            self.index.set_highlighted(article_id, True)
        self._load_image_users()
        self._check_image_files()

    @classmethod
    def open(cls, data_dir: Path, settings: Settings, *, group_commit: bool = False, reindex: bool = False) -> "Library":
        """Open the store of `data_dir` (locked for this process) and the library on it."""
        with collector.paused(freeze=True):  # the records, the indexes: they live as long as the library
            store = Store(data_dir, settings, group_commit=group_commit)
            try:
                return cls(store, settings, reindex=reindex)
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
        try:
            self._close_index()  # (and the store)
        finally:
            collector.release()

    def maintenance(self) -> None:
        self._check_index()
        self.store.maintenance()

    # ------------------------------------------------------------------ the reading list
    def page(self, query: ListQuery) -> dict:
        """One page of the reading list (indexing.py), each article with its picture's file
        (`thumbnail`) when one is archived; `counts` always has the trash's."""
        out = super().page(query)
        if query.q:  # a search counts what it finds; the trash's link still says its size
            out["counts"]["trash"] = self.index.counts()["trash"]
        for a in out["items"]:
            if thumb := self.thumbnail_of(a):
                a["thumbnail"] = thumb
        return out

    # ------------------------------------------------------------------ the notebook
    def notebook(self, query: NotebookQuery) -> dict:
        """{items, next_cursor, total, colors}: highlights across the library (see notebook.py)."""
        return notebook_page(self.store, self.index, self.highlight_index, query)

    # ------------------------------------------------------------------ the only record writes
    # `html` (the reader view) lists the images an article shows; `images`, when given instead,
    # are its image items as a backup brought them (their files already on disk).
    def _insert_article(self, record: dict, bodies: Bodies, text: str, *, article_id: str | None = None,
                        html: str = "", images: list[dict] | None = None) -> dict:
        items = images if images is not None else new_items(html, self.settings.image_max_count, None)
        record = self.store.insert_article({**record, "images": summary(items)}, bodies, article_id=article_id)
        self.index.add(record["id"], record)
        self._reindex(record["id"], record, text)
        self._images_after_record(record["id"], items)
        return record

    def _replace_article(self, article_id: str, record: dict, bodies: Bodies, text: str, *, html: str = "",
                         images: list[dict] | None = None) -> dict:
        items = images if images is not None else self._image_items_for(article_id, html)
        record = self.store.replace_article(article_id, {**record, "images": summary(items)}, bodies)
        self.index.add(article_id, record)
        self.highlight_index.article_changed(article_id)  # its title or tags a notebook search finds
        self._reindex(article_id, record, text)
        self._images_after_record(article_id, items)
        return record

    def _update_article(self, article_id: str, fields: dict) -> dict:
        record = self.store.update_article(article_id, fields)
        self.index.add(article_id, record)
        self.highlight_index.article_changed(article_id)  # its title or tags a notebook search finds
        self._reindex(article_id, record)
        return record

    def _purge_article(self, article_id: str) -> None:
        items = self._images_of(article_id)
        self.store.purge_article(article_id)
        self._released_all(article_id, items)
        self.index.remove(article_id)
        self.index.set_highlighted(article_id, False)
        self._unindex(article_id)
        self.highlight_index.refresh(self.store, article_id)

    def _highlights_changed(self, article_id: str) -> None:
        """After highlights of an article were added, removed, moved, noted or recoloured: its
        filter flag, what the full-text index holds of its quotes and notes, the notebook's index."""
        self.index.set_highlighted(article_id, self.store.highlight_count(article_id) > 0)
        self._reindex(article_id)
        self.highlight_index.refresh(self.store, article_id)
