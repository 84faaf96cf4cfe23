"""Imports and fetches meet the same limits as a save: a page nested deeper than
max_html_depth is refused by the reader, and the import goes on (the item waits to be fetched)."""
from __future__ import annotations

import shutil

from test_import import FIXTURES, all_articles, import_bytes, zip_folder


async def test_an_imported_page_nested_too_deeply_waits_to_be_fetched(client, tmp_path):
    folder = shutil.copytree(FIXTURES / "omnivore", tmp_path / "export")
    deep = "<div>" * 1200 + "<p>The harbour was quiet in the early morning.</p>" + "</div>" * 1200
    (folder / "content" / "the-harbour-in-the-early-morning-18b2c1f4d7e.html").write_text(
        f"<html><body><article>{deep}</article></body></html>")
    summary = await import_bytes(client, zip_folder(folder, tmp_path / "omnivore.zip").read_bytes())
    assert (summary["created"], summary["needs_fetch"]) == (3, 2)
    items = {a["title"]: a for a in await all_articles(client)}
    assert items["The Harbour in the Early Morning"]["needs_fetch"] is True
    assert items["Notes on Tides"]["needs_fetch"] is False
