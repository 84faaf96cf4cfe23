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
from ..errors import BodyMissing, NotFound
from ..store import Bodies, pack_bodies
from ..tags import Tag, normalize
from ..urls import url_key
from .articles import META_FIELDS, meta_fields
from .images import new_items
from .reading import Reading
from .record_fields import tag_names_of
from .recovery import AFTER_MISSING, MISSING_HTML

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
    images: list[dict]  # {url, file, width, height, bytes} or {url, error, code}


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
            html = reading.article.content_html if reading is not None else ""
            article_id = self._insert_article(record, bodies, text, html=html)["id"]
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
            self._add_imported_highlights(existing, fresh, self.text_or_empty(existing))
            changed = True
        return ("updated" if changed else "skipped"), len(fresh)

    def _new_record(self, item: Item, reading: Reading | None) -> tuple[dict, Bodies, str]:
        now = now_iso()
        user_tags = [Tag(name, "user", 1.0).to_dict() for name in item.tags]
        record = {"url": item.url, "url_key": url_key(item.url), "state": item.state, "favorite": item.favorite,
                  "progress": item.progress, "created_at": item.saved_at or now, "added_at": now, "updated_at": now,
                  "deleted_at": None, "imported_from": item.source}
        if reading is not None:  # the item's own tags; suggestions are only offered (articles.py)
            applied, names = self._applied(reading.suggested, user_tags)
            record.update(_filled(meta_fields(reading), item), url=item.url, suggested_tags=reading.suggested,
                          tags=[*user_tags, *applied], auto_tags=names, tags_edited=bool(user_tags),
                          needs_fetch=False)
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
        thread; the image files it names are on disk already, checked): ('created' | 'updated' |
        'skipped', how many highlights were added)."""
        key = url_key(entry.url)
        text = entry.body.get("text") or ""
        existing = self.store.article_id_for_url(key)
        images = self._restored_images(entry)
        if existing is None:
            article_id = self._insert_article({**entry.record, "url_key": key}, bodies, text,
                                              article_id=entry.record.get("id"), images=images)["id"]
            for h in entry.highlights:
                self.store.insert_highlight({**h, "article_id": article_id}, highlight_id=h.get("id"))
            if entry.highlights:
                self._highlights_changed(article_id)
            return "created", len(entry.highlights)
        record = self.store.get_article(existing, include_deleted=True)
        changed = False
        if record.get("needs_fetch") and not entry.record.get("needs_fetch"):
            record = {k: v for k, v in entry.record.items() if k != "id"}  # the article here keeps its id
            self._replace_article(existing, {**record, "url_key": key}, bodies, text, images=images)
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

    def _restored_images(self, entry: Entry) -> list[dict]:
        """The image items of a backup's article: those it names whose file is here (brought
        by the same backup, checked); the others wait to be archived again."""
        items = new_items(entry.body.get("content_html") or "", self.settings.image_max_count, None)
        brought = {i["url"]: i for i in entry.images}
        out = []
        for item in items:
            got = brought.get(item["url"])
            if got and got.get("file") and self.store.image_files.has(got["file"]):
                item = {**item, **{k: got.get(k) for k in ("file", "width", "height", "bytes")}}
            elif got and got.get("error"):
                item = {**item, "error": got["error"][:500], "code": got.get("code")}
            out.append(item)
        return out

    # ------------------------------------------------------------------ exports
    def export_ids(self) -> list[str]:
        """Every article (the trash too), oldest saved first: the order of an export."""
        records = self.store.all_articles()
        return [r["id"] for r in sorted(records, key=lambda r: (str(r.get("created_at") or ""), r["url"], r["id"]))]

    def export_data(self, article_id: str) -> tuple[dict, dict, str, list[dict], list[dict]] | None:
        """One article, read in one go on the store thread (so never half old, half new): record,
        reader view, page as captured, highlights, image items. None if it was purged since the
        export started. Files that are gone or damaged leave what is known: the reader view then
        says so and lists it under "missing" (sentences), and the record says what a restore of
        it needs - its page read again if that is there, else fetched (recovery.py)."""
        try:
            record = self.store.get_article(article_id, include_deleted=True)
        except NotFound:
            return None
        body, missing = self.body_or_error(article_id), []
        try:
            raw = self.store.read_raw(article_id)
        except BodyMissing as exc:
            raw = ""
            missing.append(exc.message)
        if "body_error" in body:
            error = body.pop("body_error")
            missing.insert(0, error["message"].removesuffix(AFTER_MISSING).strip())
            body = {"content_html": MISSING_HTML, "text": "", "text_missing": True}
            record = {**record, **({"read_error": {"code": error["code"], "message": missing[0], "at": now_iso()}}
                                   if raw else {"needs_fetch": True})}
        if missing:
            body["missing"] = missing
        return record, body, raw, self.store.highlights_of(article_id), self._images_of(article_id)

    def export_image_files(self) -> list[str]:
        """Every archived image file some article uses (the trash too), each once, sorted."""
        return sorted(self._image_users)

    def export_selection(self, tag: str | None = None, state: str = "all", ids: list[str] | None = None) -> list[str]:
        """The articles an EPUB holds: out of the trash, with their text, of this state and tag;
        only `ids` when given (in their order), else oldest saved first."""
        records = {r["id"]: r for r in self.store.all_articles() if not r.get("deleted_at") and not r.get("needs_fetch")}
        chosen = [records[i] for i in ids if i in records] if ids else \
            sorted(records.values(), key=lambda r: (str(r.get("created_at") or ""), r["id"]))
        if state != "all":
            chosen = [r for r in chosen if r.get("state") == state]
        if tag:
            key = normalize(tag)
            chosen = [r for r in chosen if key in {normalize(n) for n in tag_names_of(r)}]
        return [r["id"] for r in chosen]

    def markdown_index(self) -> list[tuple[str, str, str]]:
        """(id, title, saved) of the articles out of the trash: what Markdown file names come from."""
        return [(a["id"], a.get("title"), a.get("created_at")) for a in self.store.all_articles()
                if not a.get("deleted_at")]

    # ------------------------------------------------------------------ fetching
    def to_fetch(self, ids: list[str] | None = None) -> list[tuple[str, str]]:
        """(id, url) of the articles still waiting for their text (not in the trash); of `ids`,
        also those whose saved page went missing (its reader's "Fetch it again")."""
        records = self.store.all_articles()
        wanted = set(ids) if ids is not None else None
        return [(r["id"], r["url"]) for r in sorted(records, key=lambda r: (str(r.get("created_at") or ""), r["id"]))
                if not r.get("deleted_at") and (wanted is None or r["id"] in wanted)
                and (r.get("needs_fetch") or (wanted is not None and "body_error" in self.body_or_error(r["id"])))]

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
