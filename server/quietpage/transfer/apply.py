"""What import, export and fetching do to the library. Every function here runs on the store's
single thread (handlers call them through Context.db; the CLI through its own OneThread), and
uses only Library and the Store's public methods."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from html import escape

from .. import anchoring
from ..clock import now_iso
from ..errors import NotFound
from ..library import META_FIELDS, Library
from ..reader import Article
from ..tags import Tag
from ..urls import url_key
from .backup import BackupEntry
from .items import ImportItem, iso

SOURCE_NAMES = {"pocket": "Pocket", "omnivore": "Omnivore", "bookmarks": "your bookmarks"}
# Fields an imported item's own metadata fills when the page's extraction left them empty.
FILLABLE = ("title", "byline", "published", "excerpt", "lead_image")


def placeholder_html(source: str) -> str:
    """The reader view of an article we only have the address of: says so, honestly."""
    where = SOURCE_NAMES.get(source, "another app")
    return (f"<p>QuietPage has only this article's address: it was imported from {escape(where)} "
            "without its text. Use <em>Fetch missing articles</em> under <em>Import / export</em> in "
            "the reading list (or <code>quietpage fetch</code>) to get it, or read the original.</p>")


# ---------------------------------------------------------------------- import: other tools
def apply_item(library: Library, item: ImportItem, article: Article | None) -> tuple[str, int]:
    """Add one imported item: ('created' | 'updated' (content or highlights added to an article
    already here) | 'skipped' (already here, nothing new), how many highlights were added)."""
    store = library.store
    existing = store.article_id_for_url(url_key(item.url))
    if existing is None:
        record, body, raw = _new_record(library, item, article)
        article_id = store.insert_article(record, body, raw)["id"]
        _add_highlights(library, article_id, item.highlights, body["text"])
        return "created", len(item.highlights)
    record = store.get_article(existing, include_deleted=True)
    if record.get("deleted_at"):
        return "skipped", 0  # the user deleted it here: an import does not bring it back
    changed = False
    if record.get("needs_fetch") and article is not None:
        fill_content(library, existing, _with_item_metadata(article, item), item.html or "")
        changed = True
    known = {(anchoring.quote_of(h["selectors"]), h.get("note") or "") for h in store.highlights_of(existing)}
    fresh = [h for h in item.highlights if (h.quote, h.note) not in known]
    if fresh:
        _add_highlights(library, existing, fresh, store.read_body(existing)["text"])
        changed = True
    return ("updated" if changed else "skipped"), len(fresh)


def _new_record(library: Library, item: ImportItem, article: Article | None) -> tuple[dict, dict, str]:
    now = now_iso()
    user_tags = [Tag(name, "user", 1.0).to_dict() for name in item.tags]
    record = {"url": item.url, "url_key": url_key(item.url), "state": item.state, "favorite": item.favorite,
              "progress": item.progress, "created_at": item.saved_at or now, "updated_at": now,
              "deleted_at": None, "imported_from": item.source}
    if article is not None:
        article = _with_item_metadata(article, item)
        suggested = library.suggest_tags(article)
        record.update({k: getattr(article, k) for k in META_FIELDS}, url=item.url, suggested_tags=suggested,
                      tags=user_tags or suggested, tags_edited=bool(user_tags), needs_fetch=False)
        return record, {"content_html": article.content_html, "text": article.text}, item.html or ""
    record.update({k: None for k in META_FIELDS if k != "url"}, title=item.title or item.url,
                  byline=item.byline, published=item.published, excerpt=item.excerpt, lead_image=item.lead_image,
                  word_count=0, reading_minutes=0, keywords=[], suggested_tags=[], tags=user_tags,
                  tags_edited=bool(user_tags), needs_fetch=True, fetch_error=None)
    return record, {"content_html": placeholder_html(item.source), "text": ""}, ""


def _with_item_metadata(article: Article, item: ImportItem) -> Article:
    missing = {k: getattr(item, k) for k in FILLABLE if not getattr(article, k) and getattr(item, k)}
    return replace(article, **missing) if missing else article


def _add_highlights(library: Library, article_id: str, highlights, text: str) -> None:
    now = now_iso()
    start = datetime.now(timezone.utc)
    for i, h in enumerate(highlights):
        selectors = [{"type": anchoring.QUOTE, "exact": h.quote, "prefix": h.prefix, "suffix": h.suffix}]
        match = anchoring.anchor(text, selectors) if text else None
        if match is not None:
            selectors = anchoring.describe(text, match.start, match.end)
        library.store.insert_highlight({
            "article_id": article_id, "selectors": selectors, "color": h.color, "note": h.note,
            "status": "anchored" if match is not None else "orphan",
            # without their own times, highlights keep the file's order (1 ms apart)
            "created_at": h.created_at or iso(start + timedelta(milliseconds=i)), "updated_at": now},
            refresh=False)
    if highlights:
        library.store.highlights_changed(article_id)


# ---------------------------------------------------------------------- import: our backup
def restore_entry(library: Library, entry: BackupEntry) -> tuple[str, int]:
    """Bring back one article of a backup, as it was: ('created' | 'updated' | 'skipped', how
    many highlights were added)."""
    store = library.store
    key = url_key(entry.url)
    existing = store.article_id_for_url(key)
    if existing is None:
        article_id = store.insert_article({**entry.record, "url_key": key}, entry.body, entry.raw_html,
                                          article_id=entry.record.get("id"))["id"]
        for h in entry.highlights:
            store.insert_highlight({**h, "article_id": article_id}, highlight_id=h.get("id"), refresh=False)
        if entry.highlights:
            store.highlights_changed(article_id)
        return "created", len(entry.highlights)
    record = store.get_article(existing, include_deleted=True)
    changed = False
    if record.get("needs_fetch") and not entry.record.get("needs_fetch"):
        record = {k: v for k, v in entry.record.items() if k != "id"}  # the article here keeps its id
        store.replace_article(existing, {**record, "url_key": key}, entry.body, entry.raw_html)
        changed = True
    known = {(anchoring.quote_of(h["selectors"]), h.get("created_at")) for h in store.highlights_of(existing)}
    added = 0
    for h in entry.highlights:
        if (anchoring.quote_of(h["selectors"]), h.get("created_at")) not in known:
            store.insert_highlight({**h, "article_id": existing}, highlight_id=h.get("id"), refresh=False)
            added += 1
    if added:
        store.highlights_changed(existing)
    return ("updated" if changed or added else "skipped"), added


# ---------------------------------------------------------------------- export
def export_ids(library: Library) -> list[str]:
    """Every article (the trash too), oldest saved first: the order of an export."""
    records = library.store.all_articles()
    return [r["id"] for r in sorted(records, key=lambda r: (r.get("created_at") or "", r["url"], r["id"]))]


def export_data(library: Library, article_id: str) -> tuple[dict, dict, str, list[dict]] | None:
    """One article, read in one go on the store thread (so never half old, half new); None if
    it was purged since the export started."""
    store = library.store
    try:
        record = store.get_article(article_id, include_deleted=True)
        return record, store.read_body(article_id), store.read_raw(article_id), store.highlights_of(article_id)
    except (NotFound, FileNotFoundError):
        return None


# ---------------------------------------------------------------------- fetching
def to_fetch(library: Library, ids: list[str] | None = None) -> list[tuple[str, str]]:
    """(id, url) of the articles still waiting for their text (not in the trash)."""
    records = library.store.all_articles()
    wanted = set(ids) if ids is not None else None
    return [(r["id"], r["url"]) for r in sorted(records, key=lambda r: (r.get("created_at") or "", r["id"]))
            if r.get("needs_fetch") and not r.get("deleted_at") and (wanted is None or r["id"] in wanted)]


def fill_content(library: Library, article_id: str, article: Article, raw_html: str) -> dict | None:
    """Give an article waiting for its text the page that was fetched for it (through
    Library.save, so tags and highlights are handled as for any new version); None if it was
    deleted meanwhile."""
    store = library.store
    try:
        record = store.get_article(article_id)
    except NotFound:
        return None
    keep = {k: record.get(k) for k in FILLABLE if not getattr(article, k) and record.get(k)}
    if keep.get("title") == record["url"]:
        keep.pop("title")
    saved, _, _ = library.save(record["url"], replace(article, **keep), raw_html)
    return store.update_article(saved["id"], {"needs_fetch": False, "fetch_error": None})


def fetch_failed(library: Library, article_id: str, message: str) -> None:
    try:
        library.store.update_article(article_id, {"fetch_error": message, "fetch_attempted_at": now_iso()})
    except NotFound:
        pass
