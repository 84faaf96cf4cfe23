"""What imports, backups, fetching and exports do to the library's records. A mixin of Library:
every function runs on the store's single thread; transfer/ parses and writes the files and
calls these. Items come from transfer/ (ImportItem, BackupEntry): only the attributes named in
`Item` and `Entry` below are read.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import escape
from typing import Any, Protocol

from .. import anchoring
from ..clock import iso, now_iso
from ..errors import NotFound
from ..store import Bodies, pack_bodies
from ..tags import Tag
from ..urls import url_key
from .articles import META_FIELDS, meta_fields
from .reading import Reading

SOURCE_NAMES = {"pocket": "Pocket", "omnivore": "Omnivore", "bookmarks": "your bookmarks"}
# Fields an imported item's own metadata fills when the page's extraction left them empty.
FILLABLE = ("title", "byline", "published", "excerpt", "lead_image")


class Item(Protocol):
    """An item of another tool's export (transfer/items.py's ImportItem)."""
    url: str
    source: str
    title: str | None
    byline: str | None
    published: str | None
    excerpt: str | None
    lead_image: str | None
    tags: list[str]
    state: str
    favorite: bool
    progress: float
    saved_at: str | None
    highlights: list[Any]  # .quote .prefix .suffix .color .note .created_at


class Entry(Protocol):
    """An article of a QuietPage backup (transfer/backup.py's BackupEntry), already checked."""
    url: str
    record: dict
    body: dict
    raw_html: str
    highlights: list[dict]


def placeholder_html(source: str) -> str:
    """The reader view of an article we only have the address of: says so, honestly."""
    where = SOURCE_NAMES.get(source, "another app")
    return (f"<p>QuietPage has only this article's address: it was imported from {escape(where)} "
            "without its text. Use <em>Fetch missing articles</em> under <em>Import / export</em> in "
            "the reading list (or <code>quietpage fetch</code>) to get it, or read the original.</p>")


class ImportActions:
    # ------------------------------------------------------------------ other tools' exports
    def import_item(self, item: Item, reading: Reading | None) -> tuple[str, int]:
        """Add one imported item (`reading`: its page read, or None when it came without one):
        ('created' | 'updated' (content or highlights added to an article already here) |
        'skipped' (already here, nothing new), how many highlights were added)."""
        existing = self.store.article_id_for_url(url_key(item.url))
        if existing is None:
            record, bodies, text = self._new_record(item, reading)
            article_id = self._insert_article(record, bodies, text)["id"]
            self._add_imported_highlights(article_id, item.highlights, text)
            return "created", len(item.highlights)
        record = self.store.get_article(existing, include_deleted=True)
        if record.get("deleted_at"):
            return "skipped", 0  # the user deleted it here: an import does not bring it back
        changed = False
        if record.get("needs_fetch") and reading is not None:
            self.fill_content(existing, reading, item)
            changed = True
        known = {(anchoring.quote_of(h["selectors"]), h.get("note") or "") for h in self.store.highlights_of(existing)}
        fresh = [h for h in item.highlights if (h.quote, h.note) not in known]
        if fresh:
            self._add_imported_highlights(existing, fresh, self.store.read_body(existing)["text"])
            changed = True
        return ("updated" if changed else "skipped"), len(fresh)

    def _new_record(self, item: Item, reading: Reading | None) -> tuple[dict, Bodies, str]:
        now = now_iso()
        user_tags = [Tag(name, "user", 1.0).to_dict() for name in item.tags]
        record = {"url": item.url, "url_key": url_key(item.url), "state": item.state, "favorite": item.favorite,
                  "progress": item.progress, "created_at": item.saved_at or now, "updated_at": now,
                  "deleted_at": None, "imported_from": item.source}
        if reading is not None:
            record.update(_filled(meta_fields(reading), item), url=item.url, suggested_tags=reading.suggested,
                          tags=user_tags or reading.suggested, tags_edited=bool(user_tags), needs_fetch=False)
            return record, reading.bodies, reading.article.text
        record.update({k: None for k in META_FIELDS if k != "url"}, title=item.title or item.url,
                      byline=item.byline, published=item.published, excerpt=item.excerpt, lead_image=item.lead_image,
                      word_count=0, reading_minutes=0, keywords=[], suggested_tags=[], tags=user_tags,
                      tags_edited=bool(user_tags), needs_fetch=True, fetch_error=None)
        return record, pack_bodies({"content_html": placeholder_html(item.source), "text": ""}, ""), ""

    def _add_imported_highlights(self, article_id: str, highlights, text: str) -> None:
        now = now_iso()
        start = datetime.now(timezone.utc)
        for i, h in enumerate(highlights):
            selectors = [{"type": anchoring.QUOTE, "exact": h.quote, "prefix": h.prefix, "suffix": h.suffix}]
            match = anchoring.anchor(text, selectors) if text else None
            if match is not None:
                selectors = anchoring.describe(text, match.start, match.end)
            self.store.insert_highlight({
                "article_id": article_id, "selectors": selectors, "color": h.color, "note": h.note,
                "status": "anchored" if match is not None else "orphan",
                # without their own times, highlights keep the file's order (1 ms apart)
                "created_at": h.created_at or iso(start + timedelta(milliseconds=i)), "updated_at": now})
        if highlights:
            self._highlights_changed(article_id)

    # ------------------------------------------------------------------ our own backups
    def restore_entry(self, entry: Entry, bodies: Bodies) -> tuple[str, int]:
        """Bring back one article of a backup, as it was (`bodies`: its files, packed off this
        thread): ('created' | 'updated' | 'skipped', how many highlights were added)."""
        key = url_key(entry.url)
        text = entry.body.get("text") or ""
        existing = self.store.article_id_for_url(key)
        if existing is None:
            article_id = self._insert_article({**entry.record, "url_key": key}, bodies, text,
                                              article_id=entry.record.get("id"))["id"]
            for h in entry.highlights:
                self.store.insert_highlight({**h, "article_id": article_id}, highlight_id=h.get("id"))
            if entry.highlights:
                self._highlights_changed(article_id)
            return "created", len(entry.highlights)
        record = self.store.get_article(existing, include_deleted=True)
        changed = False
        if record.get("needs_fetch") and not entry.record.get("needs_fetch"):
            record = {k: v for k, v in entry.record.items() if k != "id"}  # the article here keeps its id
            self._replace_article(existing, {**record, "url_key": key}, bodies, text)
            changed = True
        known = {(anchoring.quote_of(h["selectors"]), h.get("created_at")) for h in self.store.highlights_of(existing)}
        added = 0
        for h in entry.highlights:
            if (anchoring.quote_of(h["selectors"]), h.get("created_at")) not in known:
                self.store.insert_highlight({**h, "article_id": existing}, highlight_id=h.get("id"))
                added += 1
        if added:
            self._highlights_changed(existing)
        return ("updated" if changed or added else "skipped"), added

    # ------------------------------------------------------------------ exports
    def export_ids(self) -> list[str]:
        """Every article (the trash too), oldest saved first: the order of an export."""
        records = self.store.all_articles()
        return [r["id"] for r in sorted(records, key=lambda r: (str(r.get("created_at") or ""), r["url"], r["id"]))]

    def export_data(self, article_id: str) -> tuple[dict, dict, str, list[dict]] | None:
        """One article, read in one go on the store thread (so never half old, half new); None if
        it was purged since the export started."""
        try:
            record = self.store.get_article(article_id, include_deleted=True)
            return (record, self.store.read_body(article_id), self.store.read_raw(article_id),
                    self.store.highlights_of(article_id))
        except (NotFound, FileNotFoundError):
            return None

    def markdown_index(self) -> list[tuple[str, str, str]]:
        """(id, title, saved) of the articles out of the trash: what Markdown file names come from."""
        return [(a["id"], a.get("title"), a.get("created_at")) for a in self.store.all_articles()
                if not a.get("deleted_at")]

    # ------------------------------------------------------------------ fetching
    def to_fetch(self, ids: list[str] | None = None) -> list[tuple[str, str]]:
        """(id, url) of the articles still waiting for their text (not in the trash)."""
        records = self.store.all_articles()
        wanted = set(ids) if ids is not None else None
        return [(r["id"], r["url"]) for r in sorted(records, key=lambda r: (str(r.get("created_at") or ""), r["id"]))
                if r.get("needs_fetch") and not r.get("deleted_at") and (wanted is None or r["id"] in wanted)]

    def fill_content(self, article_id: str, reading: Reading, item: Item | None = None) -> dict | None:
        """Give an article waiting for its text the page that was fetched (or imported) for it,
        saved like any new version (tags, highlights); what the page left empty keeps the
        metadata the article had (or the item brings). None if it was deleted meanwhile."""
        try:
            record = self.store.get_article(article_id)
        except NotFound:
            return None
        saved, _, _ = self.save(record["url"], reading)
        known = {k: record.get(k) for k in FILLABLE if not saved.get(k) and record.get(k)}
        if known.get("title") == record["url"]:
            known.pop("title")
        if item is not None:
            known.update(_filled({k: saved.get(k) for k in FILLABLE}, item))
        return self._update_article(saved["id"], {**known, "needs_fetch": False, "fetch_error": None})

    def fetch_failed(self, article_id: str, message: str) -> None:
        try:
            self._update_article(article_id, {"fetch_error": message, "fetch_attempted_at": now_iso()})
        except NotFound:
            pass


def _filled(fields: dict, item: Item) -> dict:
    """`fields` with the item's own metadata where the page left a fillable field empty."""
    return {**fields, **{k: getattr(item, k) for k in FILLABLE if not fields.get(k) and getattr(item, k, None)}}
