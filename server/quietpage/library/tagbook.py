"""The user's tags across the library: counts, rename and merge. A mixin of Library."""
from __future__ import annotations

from ..clock import now_iso
from ..errors import NotFound
from ..tags import normalize
from .index import ArticleQuery


class TagActions:
    def tags(self) -> list[dict]:
        """[{name, count}] over live articles, most used first; a tag written several ways is one
        tag, shown in its most common spelling. From the index: nothing is scanned."""
        return [{"name": name, "count": n} for name, n in self.index.tag_names()]

    def rename_tag(self, name: str, to: str) -> dict:
        """Rename a tag on every article; where an article has both, they merge into one."""
        old_key, new_key = normalize(name), normalize(to)
        changed = 0
        now = now_iso()
        for article_id in list(self.index.ids(ArticleQuery(tag=old_key))):  # live articles with it
            out, placed = [], False
            for t in self.store.get_article(article_id).get("tags", []):
                key = normalize(t["name"])
                if key in (old_key, new_key):
                    if placed:
                        continue  # the merge: one tag where there were two
                    t, placed = {**t, "name": to}, True
                out.append(t)
            self._update_article(article_id, {"tags": out, "tags_edited": True, "updated_at": now})
            changed += 1
        if not changed:
            raise NotFound(f"No article has the tag {name!r}.")
        return {"name": to, "count": self.index.count(ArticleQuery(tag=new_key)), "renamed": changed}
