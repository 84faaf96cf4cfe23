"""Highlights: add (anchored in the article's text), list, change, delete; those of a URL.

A mixin of Library (library.py), which keeps its indexes following them."""
from __future__ import annotations

from .. import anchoring
from ..clock import now_iso
from ..errors import BodyMissing, Invalid
from ..urls import url_key

COLORS = ("yellow", "green", "blue", "pink", "purple")


class HighlightActions:
    def add_highlight(self, article_id: str, selectors: list[dict], color: str, note: str) -> dict:
        """A new highlight, anchored in the article's text (422 when the quote is not there, or
        the article holds max_highlights_per_article already: counted on the store's thread,
        so two requests cannot both take the last place)."""
        self.store.get_article(article_id)
        most = self.settings.max_highlights_per_article
        if self.store.highlight_count(article_id) >= most:
            raise Invalid(f"This article has {most} highlights already, the most one article may hold "
                          "(the max_highlights_per_article setting).", code="too_many")
        body = self.body_or_error(article_id)
        if "body_error" in body:
            raise BodyMissing(f"{body['body_error']['message']} Then it can be highlighted.", code=body["body_error"]["code"])
        text = body["text"]
        match = anchoring.anchor(text, selectors)
        if match is None:
            raise Invalid("The highlighted quote is not in this article's text.", code="quote_not_found")
        now = now_iso()
        record = self.store.insert_highlight({
            "article_id": article_id, "selectors": anchoring.describe(text, match.start, match.end),
            "color": color, "note": note, "status": "anchored", "created_at": now, "updated_at": now,
        })
        self._highlights_changed(article_id)
        return record

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
        record = self.store.update_highlight(highlight_id, {**changes, "updated_at": now_iso()})
        self._highlights_changed(record["article_id"])
        return record

    def delete_highlight(self, highlight_id: str) -> dict:
        record = self.store.delete_highlight(highlight_id)
        self._highlights_changed(record["article_id"])
        return record
