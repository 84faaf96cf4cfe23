"""What the user can do with their library, on top of the store. Synchronous; the app runs it
on the store's single thread. Takes values that handlers have already checked for shape."""
from __future__ import annotations

import time

from . import anchoring, tagbook
from .clock import now_iso
from .errors import Invalid
from .listing import ListQuery, list_page
from .reader import Article
from .settings import Settings
from .store import Store
from .store.indexes import ArticleQuery
from .tags import Tag, normalize, suggest
from .urls import url_key

STATES = ("unread", "archived")
COLORS = ("yellow", "green", "blue", "pink", "purple")
# Article fields kept in the record (the body lives in files).
META_FIELDS = ("url", "title", "byline", "site_name", "published", "lang", "direction", "excerpt",
               "lead_image", "word_count", "reading_minutes", "keywords")


class Library:
    def __init__(self, store: Store, settings: Settings):
        self.store = store
        self.settings = settings

    # ------------------------------------------------------------------ articles
    def tag_vocabulary(self) -> list[str]:
        """The user's own tags, most used first (shown as first written). Only articles whose
        tags the user has set count: suggestions nobody reviewed must not feed themselves."""
        return [name for name, _ in self.store.tag_names(edited_only=True)]

    def tags(self) -> list[dict]:
        return tagbook.tag_counts(self.store)

    def rename_tag(self, name: str, to: str) -> dict:
        return tagbook.rename_tag(self.store, name, to)

    def suggest_tags(self, article: Article) -> list[dict]:
        return [t.to_dict() for t in suggest(article, self.tag_vocabulary())]

    def save(self, url: str, article: Article, raw_html: str) -> tuple[dict, bool, dict]:
        """Store a page (new, or a new version of a saved URL). Returns the record, whether it
        was created, and the re-anchoring counts of its highlights."""
        key = url_key(url)
        suggested = self.suggest_tags(article)
        now = now_iso()
        fields = {k: getattr(article, k) for k in META_FIELDS}
        fields.update(url=url, url_key=key, suggested_tags=suggested, updated_at=now, deleted_at=None)
        body = {"content_html": article.content_html, "text": article.text}
        existing_id = self.store.article_id_for_url(key)
        if existing_id is None:
            record = {**fields, "tags": suggested, "tags_edited": False, "state": "unread",
                      "favorite": False, "progress": 0.0, "created_at": now}
            return self.store.insert_article(record, body, raw_html), True, {"anchored": 0, "orphaned": 0}
        old = self.store.get_article(existing_id, include_deleted=True)
        old_text = self.store.read_body(existing_id)["text"]
        if not old.get("tags_edited"):
            fields["tags"] = suggested
        record = self.store.replace_article(existing_id, {**old, **fields}, body, raw_html)
        counts = self.reanchor(existing_id, old_text, article.text)
        return record, False, counts

    def reanchor(self, article_id: str, old_text: str, new_text: str) -> dict:
        counts = {"anchored": 0, "orphaned": 0}
        changes = {}
        now = now_iso()
        for h in self.store.highlights_of(article_id):
            match = anchoring.anchor(new_text, h["selectors"])
            if match is None:
                counts["orphaned"] += 1
                if h["status"] != "orphan":
                    changes[h["id"]] = {"status": "orphan", "updated_at": now}
                continue
            counts["anchored"] += 1
            selectors = anchoring.describe(new_text, match.start, match.end)
            if selectors != h["selectors"] or h["status"] != "anchored":
                changes[h["id"]] = {"selectors": selectors, "status": "anchored", "updated_at": now}
        self.store.update_highlights(changes)
        return counts

    def get(self, article_id: str, *, with_body: bool = False) -> dict:
        record = self.store.get_article(article_id)
        record["highlight_count"] = self.store.highlight_count(article_id)
        if with_body:
            record.update(self.store.read_body(article_id))
        return record

    def page(self, query: ListQuery) -> dict:
        """{items, next_cursor, total, counts}: one page of the reading list (see listing.py)."""
        return list_page(self.store, query)

    def list(self, *, q: str | None, tag: str | None, state: str, limit: int,
             cursor: str | None, **more) -> tuple[list[dict], str | None]:
        """(items, next_cursor): newest first, `limit` at a time, from the store's indexes."""
        page = list_page(self.store, ListQuery(q=q, tag=tag, state=state, limit=limit, cursor=cursor, **more))
        return page["items"], page["next_cursor"]

    def patch(self, article_id: str, changes: dict) -> dict:
        record = self.store.get_article(article_id)
        fields = dict(changes)
        if "tags" in fields:
            fields["tags"] = self._tags_from_names(record, fields["tags"])
            fields["tags_edited"] = True
        fields["updated_at"] = now_iso()
        self.store.update_article(article_id, fields)
        return self.get(article_id)

    def _tags_from_names(self, record: dict, names: list[str]) -> list[dict]:
        known = {normalize(t["name"]): t for t in [*record.get("suggested_tags", []), *record.get("tags", [])]}
        out, seen = [], set()
        for name in names:
            name = " ".join(name.split())
            key = normalize(name)
            if not key:
                raise Invalid(f"The tag {name!r} has no letters or digits in it.", code="invalid_tag")
            if key in seen:
                continue
            seen.add(key)
            prior = known.get(key)
            out.append({"name": name, "source": prior["source"], "score": prior["score"]} if prior
                       else Tag(name, "user", 1.0).to_dict())
        return out

    def delete(self, article_id: str) -> dict:
        """Move to the trash (restorable until purged)."""
        self.store.get_article(article_id)
        now = now_iso()
        return self.store.update_article(article_id, {"deleted_at": now, "updated_at": now})

    def restore(self, article_id: str) -> dict:
        self.store.get_article(article_id, include_deleted=True)
        self.store.update_article(article_id, {"deleted_at": None, "updated_at": now_iso()})
        return self.get(article_id)

    def purge_trash(self, now: float | None = None) -> int:
        """Delete for good what has been in the trash longer than trash_ttl_s (the trash is a
        set in the index: nothing else is read)."""
        cutoff = (now or time.time()) - self.settings.trash_ttl_s
        trash = list(self.store.article_ids(ArticleQuery(trash=True)))
        doomed = [a for a in trash
                  if _epoch(self.store.get_article(a, include_deleted=True)["deleted_at"]) < cutoff]
        for article_id in doomed:
            self.store.purge_article(article_id)
        return len(doomed)

    # ------------------------------------------------------------------ highlights
    def add_highlight(self, article_id: str, selectors: list[dict], color: str, note: str) -> dict:
        """A new highlight, anchored in the article's text (422 when the quote is not there, or
        the article holds max_highlights_per_article already: counted on the store's thread,
        so two requests cannot both take the last place)."""
        self.store.get_article(article_id)
        most = self.settings.max_highlights_per_article
        if self.store.highlight_count(article_id) >= most:
            raise Invalid(f"This article has {most} highlights already, the most one article may hold "
                          "(the max_highlights_per_article setting).", code="too_many")
        text = self.store.read_body(article_id)["text"]
        match = anchoring.anchor(text, selectors)
        if match is None:
            raise Invalid("The highlighted quote is not in this article's text.", code="quote_not_found")
        now = now_iso()
        return self.store.insert_highlight({
            "article_id": article_id, "selectors": anchoring.describe(text, match.start, match.end),
            "color": color, "note": note, "status": "anchored", "created_at": now, "updated_at": now,
        })

    def highlights(self, article_id: str) -> list[dict]:
        self.store.get_article(article_id)
        return self.store.highlights_of(article_id)

    def highlights_for_url(self, url: str) -> tuple[str | None, list[dict]]:
        """The saved page at this URL (same normalised URL) and its highlights; (None, []) when
        it was never saved or is in the trash."""
        article_id = self.store.article_id_for_url(url_key(url))
        if article_id is None or self.store.get_article(article_id, include_deleted=True).get("deleted_at"):
            return None, []
        return article_id, self.store.highlights_of(article_id)

    def patch_highlight(self, highlight_id: str, changes: dict) -> dict:
        return self.store.update_highlight(highlight_id, {**changes, "updated_at": now_iso()})

    def delete_highlight(self, highlight_id: str) -> dict:
        return self.store.delete_highlight(highlight_id)


def _epoch(iso: str) -> float:
    from .clock import parse_iso

    return parse_iso(iso).timestamp()
