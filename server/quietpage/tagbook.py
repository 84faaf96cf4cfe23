"""The user's tags across the library: counts, rename and merge. Runs on the store thread."""
from __future__ import annotations

from .clock import now_iso
from .errors import NotFound
from .store import Store
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
    for a in store.all_articles():
        tags = a.get("tags", [])
        if a.get("deleted_at") or not any(normalize(t["name"]) == old_key for t in tags):
            continue
        out, placed = [], False
        for t in tags:
            key = normalize(t["name"])
            if key in (old_key, new_key):
                if placed:
                    continue  # the merge: one tag where there were two
                t, placed = {**t, "name": to}, True
            out.append(t)
        store.update_article(a["id"], {"tags": out, "tags_edited": True, "updated_at": now})
        changed += 1
    if not changed:
        raise NotFound(f"No article has the tag {name!r}.")
    count = sum(1 for a in store.all_articles() if not a.get("deleted_at")
                and any(normalize(t["name"]) == new_key for t in a.get("tags", [])))
    return {"name": to, "count": count, "renamed": changed}
