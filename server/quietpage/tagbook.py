"""The user's tags across the library: counts, rename and merge. Runs on the store thread."""
from __future__ import annotations

from .clock import now_iso
from .errors import NotFound
from .store import Store
from .store.indexes import ArticleQuery
from .tags import normalize


def tag_counts(store: Store) -> list[dict]:
    """[{name, count}] over live articles, most used first; a tag written several ways is one
    tag, shown in its most common spelling. From the store's index: nothing is scanned."""
    return [{"name": name, "count": n} for name, n in store.tag_names()]


def rename_tag(store: Store, name: str, to: str) -> dict:
    """Rename a tag on every article; where an article has both, they merge into one."""
    old_key, new_key = normalize(name), normalize(to)
    changed = 0
    now = now_iso()
    for article_id in list(store.article_ids(ArticleQuery(tag=old_key))):  # live articles with it
        out, placed = [], False
        for t in store.get_article(article_id).get("tags", []):
            key = normalize(t["name"])
            if key in (old_key, new_key):
                if placed:
                    continue  # the merge: one tag where there were two
                t, placed = {**t, "name": to}, True
            out.append(t)
        store.update_article(article_id, {"tags": out, "tags_edited": True, "updated_at": now})
        changed += 1
    if not changed:
        raise NotFound(f"No article has the tag {name!r}.")
    count = store.index.count(ArticleQuery(tag=new_key))
    return {"name": to, "count": count, "renamed": changed}
