"""Articles: save a page (new, or a new version of a saved URL), read, change, trash, restore.

A mixin of Library (library.py), which owns the record writes (`_insert_article` & co.)."""
from __future__ import annotations

import logging

from .. import anchoring
from ..clock import now_iso, parse_iso
from ..errors import Invalid
from ..tags import STRONG_SCORE, SiteKeywords, Tag, normalize
from ..urls import url_key
from .index import ArticleQuery
from .reading import Reading

log = logging.getLogger(__name__)
STATES = ("unread", "archived")
# Article fields kept in the record (the body lives in files).
META_FIELDS = ("url", "title", "byline", "site_name", "published", "lang", "direction", "excerpt",
               "lead_image", "word_count", "reading_minutes", "keywords", "readerable")


def meta_fields(reading: Reading) -> dict:
    return {k: getattr(reading.article, k) for k in META_FIELDS}


def auto_tags(suggested: list[dict]) -> list[dict]:
    """The suggestions "apply my own tags automatically" may apply: tags of yours the page
    plainly talks about (tags.Tag.strong)."""
    return [t for t in suggested if t.get("source") == "yours" and t.get("score", 0) >= STRONG_SCORE]


class ArticleActions:
    def tag_vocabulary(self) -> tuple[str, ...]:
        """The user's own tags, most used first (shown as first written). Only tags the user
        chose count: suggestions nobody reviewed must not feed themselves."""
        return tuple(name for name, _ in self.index.tag_names(chosen_only=True))

    def reading_context(self, url: str | None) -> tuple[tuple[str, ...], SiteKeywords]:
        """What a page's reader needs of the library to suggest its tags: the user's vocabulary
        and what the page's site declares on the other pages saved from it."""
        own = None
        existing = self.store.article_id_for_url(url_key(url)) if url else None
        if existing is not None:
            record = self.store.get_article(existing, include_deleted=True)
            own = None if record.get("deleted_at") else (record.get("keywords") or [])
        return self.tag_vocabulary(), self.index.site_keywords(url or "", own)

    def _applied(self, suggested: list[dict], have: list) -> tuple[list[dict], list[str]]:
        """The tags a save applies on top of `have` (the article's): none, unless the user turned on
        "apply my own tags automatically"; then their own tags with strong evidence. Also their names."""
        if not self.settings.auto_apply_tags:
            return [], []
        present = {normalize(t["name"]) for t in have if isinstance(t, dict) and isinstance(t.get("name"), str)}
        applied = [t for t in auto_tags(suggested) if normalize(t["name"]) not in present]
        return applied, [t["name"] for t in applied]

    def save(self, url: str, reading: Reading) -> tuple[dict, bool, dict]:
        """Store a page (new, or a new version of a saved URL). Returns the record (with its
        highlight count), whether it was created, and the re-anchoring counts of its highlights.
        Suggestions are offered (`suggested_tags`), never applied: `tags` stays as the user set
        it (empty for a new article), but for "apply my own tags automatically" (settings)."""
        key = url_key(url)
        now = now_iso()
        fields = {**meta_fields(reading), "url": url, "url_key": key, "suggested_tags": reading.suggested,
                  "updated_at": now, "deleted_at": None}
        existing_id = self.store.article_id_for_url(key)
        if existing_id is None:
            applied, names = self._applied(reading.suggested, [])
            record = {**fields, "tags": applied, "auto_tags": names, "tags_edited": False, "state": "unread",
                      "favorite": False, "progress": 0.0, "created_at": now, "added_at": now}
            record = self._insert_article(record, reading.bodies, reading.article.text,
                                          html=reading.article.content_html)
            return {**record, "highlight_count": 0}, True, {"anchored": 0, "orphaned": 0}
        old = self.store.get_article(existing_id, include_deleted=True)
        if not old.get("tags_edited"):
            have = old.get("tags") if isinstance(old.get("tags"), list) else []
            applied, names = self._applied(reading.suggested, have)
            if applied:
                fields["tags"] = [*have, *applied]
                fields["auto_tags"] = [*(old.get("auto_tags") or []), *names]
        # This version is read and whole: what said otherwise (a page not read in time, one only
        # known by its address) no longer holds.
        fields.update({k: None for k in ("read_error", "capture_rev", "fetch_error") if old.get(k)})
        if old.get("needs_fetch"):
            fields["needs_fetch"] = False
        record = self._replace_article(existing_id, {**old, **fields}, reading.bodies, reading.article.text,
                                       html=reading.article.content_html)
        counts = self.reanchor(existing_id, reading.article.text)
        return {**record, "highlight_count": self.store.highlight_count(existing_id)}, False, counts

    def reanchor(self, article_id: str, new_text: str) -> dict:
        """Find every highlight of an article again in its new text; what cannot be placed
        becomes an orphan (kept, and placed again if a later version brings its passage back)."""
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
        for changed in self.store.update_highlights(changes):
            self._highlights_changed(changed)
        return counts

    def get(self, article_id: str, *, with_body: bool = False) -> dict:
        record = self.store.get_article(article_id)
        record["highlight_count"] = self.store.highlight_count(article_id)
        if with_body:
            record.update(self.body_or_error(article_id))
        return record

    def patch(self, article_id: str, changes: dict) -> dict:
        record = self.store.get_article(article_id)
        fields = dict(changes)
        if "tags" in fields:
            fields["tags"] = self._tags_from_names(record, fields["tags"])
            fields["tags_edited"] = True
        fields["updated_at"] = now_iso()
        self._update_article(article_id, fields)
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
        return self._update_article(article_id, {"deleted_at": now, "updated_at": now})

    def restore(self, article_id: str) -> dict:
        self.store.get_article(article_id, include_deleted=True)
        self._update_article(article_id, {"deleted_at": None, "updated_at": now_iso()})
        return self.get(article_id)

    def purge_trash(self, now: float | None = None) -> int:
        """Delete for good what has been in the trash longer than trash_ttl_s (the trash is a
        set in the index: nothing else is read), by the stored deletion times and the library's
        steady clock: a system clock set forward (a month, say) empties nothing - only time that
        really passes does. A deletion time that cannot be read, or lies in the future, is kept."""
        if now is None:
            now = self.clock.now()
            if self.clock.ahead() > 3600:
                log.warning("the system clock is %.1f days ahead of the time that passed since QuietPage started: "
                            "the trash is emptied by the time that passed", self.clock.ahead() / 86400)
        cutoff = now - self.settings.trash_ttl_s
        doomed = [a for a in self.index.ids(ArticleQuery(trash=True))
                  if _epoch(self.store.get_article(a, include_deleted=True).get("deleted_at")) < cutoff]
        for article_id in doomed:
            self._purge_article(article_id)
        return len(doomed)

    def empty_trash(self) -> int:
        """Delete everything in the trash for good, now (the user asked, and confirmed)."""
        doomed = list(self.index.ids(ArticleQuery(trash=True)))
        for article_id in doomed:
            self._purge_article(article_id)
        return len(doomed)


def _epoch(iso) -> float:
    """Seconds since the epoch of an ISO time; +inf (never due) for anything unreadable."""
    try:
        return parse_iso(iso).timestamp()
    except (TypeError, ValueError, AttributeError):
        return float("inf")
