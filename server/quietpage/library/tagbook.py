"""The user's tags across the library: counts, rename, merge, delete, the one-time clean-up of
the suggestions old saves applied unasked, Undo for each of those, and the "apply my own tags
automatically" preference. A mixin of Library.

What the user chose is never taken for a guess: a renamed (or merged) tag becomes the user's
("user"), and an article's other tags keep their standing. Rename, merge, delete and clean-up
each return an `undo` token: the articles they changed get their tags back, unless the user
changed them again since (those are left as they are, and counted).
"""
from __future__ import annotations

import secrets
from collections import OrderedDict

from ..clock import now_iso
from ..errors import NotFound
from ..settings import CONFIG_FILE, write_config_value
from ..tags import normalize
from .index import ArticleQuery
from .record_fields import untouched_tags

UNDO_KEEP = 20  # tag operations that can still be undone (the newest); the pages offer it for seconds
TAG_FIELDS = ("tags", "suggested_tags", "auto_tags", "tags_edited")  # what an undo puts back


class TagUndo:
    """The article fields tag operations changed, before and after, by undo token (in memory:
    an Undo is offered right after the change, not across restarts)."""

    def __init__(self) -> None:
        self._ops: OrderedDict[str, list[tuple[str, dict, dict]]] = OrderedDict()

    def keep(self, changes: list[tuple[str, dict, dict]]) -> str | None:
        if not changes:
            return None
        token = secrets.token_urlsafe(12)
        self._ops[token] = changes
        while len(self._ops) > UNDO_KEEP:
            self._ops.popitem(last=False)
        return token

    def take(self, token: str) -> list[tuple[str, dict, dict]]:
        changes = self._ops.pop(token, None)
        if changes is None:
            raise NotFound("There is nothing to undo with this token: it was used, or too many tag changes "
                           "came after it.", code="undo_expired")
        return changes


def _tags(record: dict) -> list[dict]:
    tags = record.get("tags")
    return [t for t in tags if isinstance(t, dict) and isinstance(t.get("name"), str)] if isinstance(tags, list) else []


class TagActions:
    def tags(self) -> list[dict]:
        """[{name, count}] over live articles, most used first; a tag written several ways is one
        tag, shown in its most common spelling. From the index: nothing is scanned."""
        return [{"name": name, "count": n} for name, n in self.index.tag_names()]

    def tag_cleanup_count(self) -> int:
        """Live articles that still carry tags an old save applied unasked (the clean-up's work)."""
        return len(self.index.untouched())

    # ------------------------------------------------------------------ changes, with Undo
    def rename_tag(self, name: str, to: str) -> dict:
        """Rename a tag on every article (the trash too); where an article has both, they merge
        into one. The tag is the user's from now on."""
        old_key, new_key = normalize(name), normalize(to)
        ids = self.index.tagged(old_key)
        if not ids:
            raise NotFound(f"No article has the tag {name!r}.")

        def renamed(record: dict) -> dict:
            out, placed = [], False
            for t in _tags(record):
                if normalize(t["name"]) in (old_key, new_key):
                    if placed:
                        continue  # the merge: one tag where there were two
                    t, placed = {**t, "name": to, "source": "user"}, True
                out.append(t)
            return {"tags": out}

        undo, changed = self._change_tags(ids, renamed)
        return {"name": to, "count": self.index.count(ArticleQuery(tag=new_key)), "renamed": changed, "undo": undo}

    def delete_tag(self, name: str) -> dict:
        """Take a tag off every article (the trash too), and out of their suggestions."""
        key = normalize(name)
        ids = self.index.tagged(key)
        if not ids:
            raise NotFound(f"No article has the tag {name!r}.")

        def without(record: dict) -> dict:
            suggested = record.get("suggested_tags")
            return {"tags": [t for t in _tags(record) if normalize(t["name"]) != key],
                    "suggested_tags": [t for t in suggested if not (isinstance(t, dict) and isinstance(
                        t.get("name"), str) and normalize(t["name"]) == key)] if isinstance(suggested, list) else []}

        undo, changed = self._change_tags(ids, without)
        return {"name": name, "removed": changed, "undo": undo}

    def clean_up_tags(self) -> dict:
        """The one-time clean-up: take off every article whose tags the user never set the tags
        an old save applied by itself (index.untouched_tags); they stay offered as suggestions.
        What the user typed or renamed, and what "apply my own tags automatically" applied, stay."""
        removed = 0

        def cleaned(record: dict) -> dict:
            nonlocal removed
            doomed = {normalize(n) for n in untouched_tags(record, normalize)}
            kept = [t for t in _tags(record) if normalize(t["name"]) not in doomed]
            removed += len(_tags(record)) - len(kept)
            return {"tags": kept}

        undo, changed = self._change_tags(self.index.untouched(), cleaned)
        return {"articles": changed, "removed": removed, "undo": undo}

    def undo_tags(self, token: str) -> dict:
        """Put back what a rename, merge, delete or clean-up changed ({restored, skipped}: articles
        changed again since, or purged, are left as they are)."""
        restored = skipped = 0
        now = now_iso()
        for article_id, before, after in self._tag_undo.take(token):
            try:
                record = self.store.get_article(article_id, include_deleted=True)
            except NotFound:
                skipped += 1
                continue
            if {k: record.get(k) for k in after} != after:
                skipped += 1  # the user changed its tags since: theirs wins
                continue
            self._update_article(article_id, {**before, "updated_at": now})
            restored += 1
        return {"restored": restored, "skipped": skipped}

    def _change_tags(self, ids, change) -> tuple[str | None, int]:
        """Apply `change(record) -> fields` to the articles `ids`; keep what it changed for Undo."""
        now = now_iso()
        changes = []
        for article_id in sorted(ids):
            record = self.store.get_article(article_id, include_deleted=True)
            fields = change(record)
            if all(record.get(k) == v for k, v in fields.items()):
                continue
            before = {k: record.get(k) for k in TAG_FIELDS if k in record}
            before.update({k: [] for k in fields if k not in record})  # tags, suggested_tags
            self._update_article(article_id, {**fields, "updated_at": now})
            changes.append((article_id, before, fields))
        return self._tag_undo.keep(changes), len(changes)

    # ------------------------------------------------------------------ the preference
    def preferences(self) -> dict:
        return {"auto_apply_tags": self.settings.auto_apply_tags}

    def set_preferences(self, auto_apply_tags: bool) -> dict:
        """Change "apply my own tags automatically": written to config.toml (the settings' file),
        then in effect for the next save."""
        write_config_value(self.settings.data_dir / CONFIG_FILE, "auto_apply_tags", auto_apply_tags)
        self.settings = self.settings.with_(auto_apply_tags=auto_apply_tags)
        return self.preferences()
