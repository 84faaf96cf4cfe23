"""A writer for tests/test_crash.py, run as its own process and killed with SIGKILL.

    python tests/crash_writer.py DATA_DIR ROUND SEED

It opens the store exactly as the server does (SHARED.open: one store thread, group commit) and
runs TASKS concurrent writers, each on its own items, forever. Around every operation it
prints a line, flushed: `B <key> <op> <value>` before, `A <key> <op> <value> <id>` once the
store has answered - which it only does once the change is durable. So every `A` line the test
reads is a write the store acknowledged before it was killed.

Highlights are the small, frequent writes (insert, update, delete); articles (gzip files +
record, and new revisions that replace the old files) are the multi-file ones.
"""
from __future__ import annotations

import asyncio
import functools
import os
import random
import sys
from pathlib import Path

from quietpage.settings import Settings
from quietpage.store import SHARED, Store, pack_bodies

TASKS = 8
ANCHOR_URL = "crash://anchor"  # the article every highlight hangs on


def say(*parts) -> None:
    os.write(1, (" ".join(map(str, parts)) + "\n").encode())  # one write: a line is whole or absent


def settings_for(data_dir: Path) -> Settings:
    # Tiny thresholds: compactions and daily backups (and their rotation) all the time.
    return Settings(data_dir=data_dir, journal_compact_bytes=16 * 1024, backup_interval_s=1, backup_count=3)


async def anchor_article(store, run) -> str:
    found = store.article_id_for_url(ANCHOR_URL)
    if found:
        return found
    record = {"url": ANCHOR_URL, "url_key": ANCHOR_URL, "title": "anchor", "created_at": "2026-01-01T00:00:00.000Z"}
    return (await run(store.insert_article, record, pack_bodies({"content_html": "", "text": "anchor"}, "")))["id"]


async def writer(task: int, round_: int, store, run, anchor: str, mine: dict, rng: random.Random) -> None:
    seq = 0
    while True:
        seq += 1
        roll = rng.random()
        if roll < 0.05:
            await save_article(task, round_, seq, store, run, mine, rng)
        elif roll < 0.45 or not mine["h"]:
            key = f"r{round_}-t{task}-{seq}"
            say("B", key, "ins", 0)
            rec = await run(store.insert_highlight, {"article_id": anchor, "k": key, "v": 0, "created_at": key})
            mine["h"][key] = rec["id"]
            say("A", key, "ins", 0, rec["id"])
        elif roll < 0.85:
            key = rng.choice(sorted(mine["h"]))
            value = seq
            say("B", key, "upd", value)
            await run(store.update_highlight, mine["h"][key], {"v": value})
            say("A", key, "upd", value, mine["h"][key])
        else:
            key = rng.choice(sorted(mine["h"]))
            say("B", key, "del", 0)
            await run(store.delete_highlight, mine["h"].pop(key))
            say("A", key, "del", 0, "-")


async def save_article(task, round_, seq, store, run, mine, rng) -> None:
    """A new article, or a new revision of one of ours (its old files are then removed)."""
    if mine["a"] and rng.random() < 0.5:
        key = rng.choice(sorted(mine["a"]))
        article_id = mine["a"][key]
        say("B", key, "rev", seq)
        old = await run(store.get_article, article_id)
        await run(store.replace_article, article_id, {**old, "v": seq},
                  pack_bodies({"content_html": "", "text": f"{key} {seq}"}, "<p>raw</p>"))
        say("A", key, "rev", seq, article_id)
        return
    key = f"art-r{round_}-t{task}-{seq}"
    say("B", key, "art", 0)
    record = {"url": f"crash://{key}", "url_key": f"crash://{key}", "title": key, "v": 0, "created_at": key}
    rec = await run(store.insert_article, record, pack_bodies({"content_html": "", "text": f"{key} 0"}, "<p>raw</p>"))
    mine["a"][key] = rec["id"]
    say("A", key, "art", 0, rec["id"])


def owned(store, anchor: str, task: int) -> dict:
    """This task's items from earlier rounds (keys name their task)."""
    highlights = {h["k"]: h["id"] for h in store.highlights_of(anchor) if h["k"].split("-")[1] == f"t{task}"}
    articles = {a["title"]: a["id"] for a in store.all_articles()
                if a["title"].startswith("art-") and a["title"].split("-")[2] == f"t{task}"}
    return {"h": highlights, "a": articles}


async def main(data_dir: Path, round_: int, seed: int) -> None:
    settings = settings_for(data_dir)
    store, thread = await SHARED.open(data_dir, functools.partial(Store, data_dir, settings, group_commit=True))
    anchor = await anchor_article(store, thread.run)
    rng = random.Random(seed)
    tasks = [writer(t, round_, store, thread.run, anchor, await thread.run(owned, store, anchor, t),
                    random.Random(rng.random())) for t in range(TASKS)]
    say("READY")
    await asyncio.gather(*tasks)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
