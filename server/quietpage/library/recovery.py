"""Pages that could not be read, and saved pages that went missing: the record is the truth.

- A page that took too long to read (the extraction time limit) is kept as captured: a new
  article whose reader view says it was not read yet, or - for a page saved before - a newer
  capture beside the version already there. Its record says so (`read_error`), and "Read again"
  reads the kept page again (`captured_page`, then `read_again`).
- An article whose files under articles/<id>/ are gone or damaged keeps its record, highlights
  and notes; reading it says what is missing (`body_error`) and what can be done: read the page
  as captured again if that is still there, fetch it again, or save it again from the browser.

A mixin of Library (library.py), which owns the record writes.
"""
from __future__ import annotations

import orjson

from ..clock import now_iso
from ..errors import BodyMissing
from ..store import Bodies
from ..store.files import gzip_bytes
from ..urls import url_key
from .articles import META_FIELDS
from .reading import Reading

NOT_READ_HTML = ("<p>QuietPage has not read this page yet: it took too long to read when it was saved. The page "
                 "as captured is kept with this article, so it can be read again.</p>")
MISSING_HTML = ("<p>QuietPage's saved copy of this article was missing or damaged when this was exported: its "
                "details, highlights and notes are here, its text is not.</p>")
AFTER_MISSING = ("Its details, highlights and notes are kept. Read the page as captured again if it is still there, "
                 "fetch it again from its address, or save it again from your browser.")


class RecoveryActions:
    def keep_unread(self, url: str, title: str | None, raw_gz: bytes, why: str) -> tuple[dict, bool]:
        """Keep a page that could not be read (`raw_gz`: its HTML as captured, compressed) so it
        can be read again later. Returns the record and whether it was created: a URL saved
        before keeps the version it has, with this capture kept beside it."""
        now = now_iso()
        read_error = {"code": "too_slow", "message": why, "at": now}
        key = url_key(url)
        existing = self.store.article_id_for_url(key)
        if existing is None:
            record = {**{k: None for k in META_FIELDS}, "url": url, "url_key": key, "title": title or url,
                      "word_count": 0, "reading_minutes": 0, "keywords": [], "suggested_tags": [], "tags": [],
                      "tags_edited": False, "state": "unread", "favorite": False, "progress": 0.0,
                      "created_at": now, "updated_at": now, "deleted_at": None, "read_error": read_error}
            bodies = Bodies(reader_gz=gzip_bytes(orjson.dumps({"content_html": NOT_READ_HTML, "text": ""})), raw_gz=raw_gz)
            return self._insert_article(record, bodies, ""), True
        before = self.store.get_article(existing, include_deleted=True).get("capture_rev")
        rev = self.store.write_capture(existing, raw_gz)
        record = self._update_article(existing, {"capture_rev": rev, "read_error": read_error,
                                                 "updated_at": now, "deleted_at": None})
        if before:
            self.store.drop_capture(existing, before)
        return record, False

    def captured_page(self, article_id: str) -> tuple[str, str | None, str]:
        """(url, title, html) of an article's page as captured, to read again; BodyMissing (409)
        if that file is gone too."""
        record = self.store.get_article(article_id)
        try:
            html = self.store.read_raw(article_id)
        except BodyMissing as exc:
            raise BodyMissing(f"{exc.message} There is nothing to read again: fetch the page again from its "
                              "address, or save it again from your browser.", code=exc.code) from None
        return record["url"], record.get("title"), html

    def read_again(self, article_id: str, reading: Reading) -> tuple[dict, dict]:
        """The page as captured, read again (`reading`), as the article's new version: what a
        save of it would have done (tags, highlights re-anchored). Returns (record, counts)."""
        record = self.store.get_article(article_id)
        saved, _, counts = self.save(record["url"], reading)
        return saved, counts

    def body_or_error(self, article_id: str) -> dict:
        """The reader view (content_html, text), or empty ones and `body_error`: what is missing,
        in a sentence, and whether the page as captured is there to read again."""
        try:
            return self.store.read_body(article_id)
        except BodyMissing as exc:
            return {"content_html": "", "text": "", "body_error": {
                "code": exc.code, "message": f"{exc.message} {AFTER_MISSING}",
                "can_read_again": self.store.has_raw(article_id)}}

    def text_or_empty(self, article_id: str) -> str:
        """The article's text, or "" when its saved page is missing (its highlights then wait as orphans)."""
        return self.body_or_error(article_id).get("text") or ""
