"""Importing other tools' exports: each format from small hand-written samples, duplicates,
malformed files (a clear error naming the entry, nothing imported), through the real app."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from quietpage.transfer.importers import open_source
from quietpage.transfer.importers.omnivore import parse_highlights_md
from quietpage.transfer.items import ImportFormatError, ImportLimits

from helpers import log_in

FIXTURES = Path(__file__).parent / "fixtures" / "import"
LIMITS = ImportLimits(max_member_bytes=1 << 20)


def items_of(path: Path):
    source = open_source(path, LIMITS)
    return source.format, list(source.items())


def zip_folder(folder: Path, dest: Path, top: str = "") -> Path:
    with zipfile.ZipFile(dest, "w") as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, top + p.relative_to(folder).as_posix())
    return dest


async def import_bytes(client, data: bytes, expect: int = 200) -> dict:
    resp = await client.post("/api/import", data=data)
    body = await resp.json()
    assert resp.status == expect, body
    return body


async def all_articles(client) -> list[dict]:
    resp = await client.get("/api/articles?state=all&limit=200")
    return (await resp.json())["items"]


# ---------------------------------------------------------------------- parsers
def test_pocket_csv_columns_map_to_items():
    fmt, items = items_of(FIXTURES / "pocket.csv")
    assert fmt == "pocket" and len(items) == 4
    first, second, third, fourth = items
    assert first.title == "How to Read More Books" and first.tags == ("reading", "habits")
    assert first.saved_at == "2023-11-14T22:13:20.000Z" and first.state == "unread" and first.html is None
    assert second.state == "archived" and second.title == "The Quiet Harbour: A Season of Plenty"
    assert third.tags == () and third.url == "http://blog.example.net/posts/42"
    assert fourth.title == 'Commas, "quotes" and ünïcode'
    assert fourth.tags == ("writing", "style")  # "Writing" is the same tag as "writing"
    assert first.where == "pocket.csv, line 2"


def test_bookmarks_keep_folders_tags_and_descriptions_and_skip_non_pages():
    fmt, items = items_of(FIXTURES / "bookmarks.html")
    assert fmt == "bookmarks"
    by_url = {i.url: i for i in items}
    assert set(by_url) == {"https://docs.example.com/guide", "https://longform.example.org/essay/on-walking",
                           "https://news.example.org/2023/harbour-season"}
    walking = by_url["https://longform.example.org/essay/on-walking"]
    assert walking.title == "On Walking" and walking.tags == ("walking", "essays", "Long reads")
    assert walking.excerpt == "An essay about walking in cities."
    assert walking.saved_at == "2023-07-22T04:33:20.000Z"
    assert by_url["https://docs.example.com/guide"].tags == ()  # "Bookmarks bar" is no tag


def test_pocket_old_html_export_marks_the_archive():
    fmt, items = items_of(FIXTURES / "pocket_ril_export.html")
    assert fmt == "bookmarks"
    assert [(i.url, i.state, i.tags) for i in items] == [
        ("https://example.com/unread-one", "unread", ("later",)),
        ("https://example.com/archived-one", "archived", ())]


@pytest.mark.parametrize("as_zip", [False, True])
def test_omnivore_export_folder_or_zip(tmp_path, as_zip):
    path = FIXTURES / "omnivore"
    if as_zip:  # Omnivore's zip, with a top folder as some unzip tools re-pack it
        path = zip_folder(path, tmp_path / "omnivore-export.zip", top="export/")
    fmt, items = items_of(path)
    assert fmt == "omnivore" and len(items) == 3
    harbour, paywalled, tides = items
    assert harbour.state == "archived" and harbour.tags == ("Economics", "Sea") and harbour.progress == 1.0
    assert harbour.byline == "Ada Fisher" and harbour.published == "2023-10-15T00:00:00.000Z"
    assert "<p>The harbour was quiet" in harbour.html
    assert [h.quote for h in harbour.highlights] == [
        "the catch had doubled, and prices had halved.",
        "Economists from the university came to study the phenomenon",
        "A sentence that the article does not contain at all."]
    assert harbour.highlights[0].note == "Worth checking against the port authority's figures."
    assert paywalled.html is None and paywalled.highlights[0].color == "pink"
    assert tides.saved_at == "2023-10-20T05:15:00.000Z" and "<h1>Notes on Tides</h1>" in tides.html


def test_omnivore_highlight_file_with_a_multi_paragraph_quote():
    text = "> First paragraph of it\n> \nsecond paragraph \n\n#label #two\n\nA note\n\nthat goes on\n\n> Next one "
    got = parse_highlights_md(text)
    assert [(h.quote, h.note) for h in got] == [
        ("First paragraph of it\nsecond paragraph", "A note\n\nthat goes on"), ("Next one", "")]


@pytest.mark.parametrize("name, where", [
    ("pocket_bad.csv", "pocket_bad.csv, line 4"),
    ("omnivore_bad", "metadata_0_to_2.json, entry 2"),
])
def test_a_bad_entry_is_named(name, where):
    with pytest.raises(ImportFormatError) as err:
        items_of(FIXTURES / name)
    assert err.value.message.startswith(where) and "Nothing was imported" in err.value.message


def test_files_that_are_no_export_are_refused(tmp_path):
    cases = {"notes.txt": b"just some words\n", "other.json": b'{"hello": 1}',
             "broken.csv": b"title,link\nx,https://e.com\n", "empty.zip": b"PK\x03\x04garbage"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ImportFormatError):
            items_of(tmp_path / name)


# ---------------------------------------------------------------------- through the app
async def test_pocket_import_stores_addresses_to_fetch_and_creates_no_duplicates(client):
    data = (FIXTURES / "pocket.csv").read_bytes()
    summary = await import_bytes(client, data)
    assert summary == {"format": "pocket", "total": 4, "created": 4, "updated": 0, "skipped": 0,
                       "needs_fetch": 4, "highlights": 0}
    items = await all_articles(client)
    assert len(items) == 4
    books = next(a for a in items if a["title"] == "How to Read More Books")
    assert books["needs_fetch"] is True and books["word_count"] == 0
    assert books["created_at"] == "2023-11-14T22:13:20.000Z" and books["imported_from"] == "pocket"
    assert [t["name"] for t in books["tags"]] == ["reading", "habits"]
    assert {a["state"] for a in items if "Harbour" in a["title"]} == {"archived"}
    full = await (await client.get(f"/api/articles/{books['id']}?body=true")).json()
    assert full["text"] == "" and "imported from Pocket without its text" in full["content_html"]
    page = await (await client.get(f"/read/{books['id']}")).text()
    assert "imported from Pocket without its text" in page  # the reader says so, honestly

    again = await import_bytes(client, data)
    assert (again["created"], again["skipped"]) == (0, 4)
    # the same page from another tool is recognised too (same normalised URL)
    marks = await import_bytes(client, (FIXTURES / "bookmarks.html").read_bytes())
    assert (marks["created"], marks["skipped"]) == (2, 1)
    assert len(await all_articles(client)) == 6


async def test_omnivore_import_extracts_content_and_anchors_highlights(client, tmp_path):
    data = zip_folder(FIXTURES / "omnivore", tmp_path / "omnivore.zip").read_bytes()
    summary = await import_bytes(client, data)
    assert summary["format"] == "omnivore"
    assert (summary["created"], summary["needs_fetch"], summary["highlights"]) == (3, 1, 4)
    items = {a["title"]: a for a in await all_articles(client)}
    harbour = items["The Harbour in the Early Morning"]
    assert harbour["needs_fetch"] is False and harbour["word_count"] > 50 and harbour["state"] == "archived"
    assert harbour["byline"] == "Ada Fisher" and harbour["created_at"] == "2023-10-16T08:30:00.000Z"
    hl = (await (await client.get(f"/api/articles/{harbour['id']}/highlights")).json())["items"]
    assert [(h["status"], h["note"]) for h in hl] == [
        ("anchored", "Worth checking against the port authority's figures."), ("anchored", ""), ("orphan", "")]
    body = await (await client.get(f"/api/articles/{harbour['id']}?body=true")).json()
    pos = next(s for s in hl[0]["selectors"] if s["type"] == "TextPositionSelector")
    assert body["text"][pos["start"]:pos["end"]] == "the catch had doubled, and prices had halved."
    found = await (await client.get("/api/articles", params={"q": "checking against"})).json()
    assert [a["id"] for a in found["items"]] == [harbour["id"]]  # a note imported is searchable
    paywalled = items["A Paywalled Piece"]
    assert paywalled["needs_fetch"] is True
    orphan = (await (await client.get(f"/api/articles/{paywalled['id']}/highlights")).json())["items"]
    assert [(h["status"], h["color"], h["note"]) for h in orphan] == [("orphan", "pink", "Kept as an orphan until fetched")]
    assert "moon pulls on the oceans" in (await (await client.get(f"/api/articles/{items['Notes on Tides']['id']}?body=true")).json())["text"]

    again = await import_bytes(client, data)
    assert (again["created"], again["updated"], again["skipped"]) == (0, 0, 3)
    hl_again = (await (await client.get(f"/api/articles/{harbour['id']}/highlights")).json())["items"]
    assert len(hl_again) == 3


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


async def test_a_second_import_counts_only_the_highlights_it_adds(client, tmp_path):
    folder = shutil.copytree(FIXTURES / "omnivore", tmp_path / "export")
    await import_bytes(client, zip_folder(folder, tmp_path / "first.zip").read_bytes())
    notes = folder / "highlights" / "the-harbour-in-the-early-morning-18b2c1f4d7e.md"
    notes.write_text(notes.read_text() + "\n> A line added to the export later. \n")
    again = await import_bytes(client, zip_folder(folder, tmp_path / "second.zip").read_bytes())
    assert (again["created"], again["updated"], again["skipped"], again["highlights"]) == (0, 1, 2, 1)


async def test_a_bad_file_imports_nothing_and_says_where(client):
    resp = await client.post("/api/import", data=(FIXTURES / "pocket_bad.csv").read_bytes())
    body = await resp.json()
    assert resp.status == 422 and body["error"]["code"] == "invalid_import"
    assert "line 4" in body["error"]["message"] and "ftp://" in body["error"]["message"]
    assert await all_articles(client) == []
    resp = await client.post("/api/import", data=b"")
    assert resp.status == 422 and (await resp.json())["error"]["code"] == "empty_body"


async def test_an_import_over_the_size_limit_is_a_413(aiohttp_client, settings, token, data_dir):
    from quietpage.web.app import create_app

    small = settings.with_(max_import_bytes=100)
    client = await aiohttp_client(create_app(small), headers={"Authorization": f"Bearer {token}"})
    resp = await client.post("/api/import", data=(FIXTURES / "pocket.csv").read_bytes())
    assert resp.status == 413 and "max_import_bytes" in (await resp.json())["error"]["message"]
    assert not list((data_dir / "tmp").glob("*"))  # the spooled upload is gone


def test_cli_import_then_again(tmp_path, capsys):
    from quietpage.cli import main

    data_dir = tmp_path / "lib"
    folder = shutil.copytree(FIXTURES / "omnivore", tmp_path / "Omnivore export")
    assert main(["import", str(folder), "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "3 new" in out and "1 article(s) have no text yet" in out
    assert main(["import", str(folder), "--data-dir", str(data_dir)]) == 0
    assert "0 new, 0 updated, 3 already in the library" in capsys.readouterr().out
    assert main(["import", str(FIXTURES / "pocket_bad.csv"), "--data-dir", str(data_dir)]) == 1
    assert "line 4" in capsys.readouterr().err


async def test_the_import_dialog_in_the_browser(live, browser):
    """The reading list's Import / export dialog: upload a file, see what it did, and the list."""
    page = await browser.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    await log_in(page, live)
    await page.click("#transfer-button")
    await page.wait_for_selector("#transfer[open]")
    await page.wait_for_selector("#fetch-waiting:has-text('Every article has its text.')")
    await page.set_input_files("#import-file", str(FIXTURES / "pocket.csv"))
    await page.click("#import-start")
    await page.wait_for_selector("#import-status:has-text('Imported')")
    status = await page.text_content("#import-status")
    assert "Imported 4 from Pocket: 4 new articles" in status and "fetch them below" in status
    await page.wait_for_selector("#fetch-waiting:has-text('4 articles have only an address')")
    await page.wait_for_selector("#items .item >> text=How to Read More Books")  # the list reloaded
    assert await page.is_visible("#fetch-start")
    assert problems == []


async def test_a_doctored_backup_cannot_smuggle_script_or_deep_html(client, aiohttp_client, tmp_path):
    """A backup is a file from anywhere: its reader HTML is sanitised and depth-checked like a page."""
    import orjson

    header = b'{"quietpage_backup":{"format":1,"exported_at":"2026-01-01T00:00:00.000Z","articles":1,"version":"x"},\n'
    record = {"url": "https://evil.example/a", "title": "Doctored", "created_at": "2026-01-01T00:00:00.000Z",
              "updated_at": "2026-01-01T00:00:00.000Z", "state": "unread", "tags": []}
    entry = {"article": record, "content_html": '<p>Hello <img src=x onerror="steal()"><script>steal()</script></p>',
             "text": "Hello", "raw_html": "", "highlights": []}
    body = header + b'"settings":{},\n"articles":[\n' + orjson.dumps(entry) + b"\n]}\n"
    resp = await client.post("/api/import", data=body)
    assert resp.status == 200, await resp.text()
    items = (await (await client.get("/api/articles?state=all")).json())["items"]
    stored = await (await client.get(f"/api/articles/{items[0]['id']}?body=true")).json()
    assert "script" not in stored["content_html"] and "onerror" not in stored["content_html"]
    assert stored["text"] == "Hello"

    deep = dict(entry, article=dict(record, url="https://evil.example/deep"),
                content_html="<div>" * 5000 + "x" + "</div>" * 5000)
    body = header + b'"settings":{},\n"articles":[\n' + orjson.dumps(deep) + b"\n]}\n"
    resp = await client.post("/api/import", data=body)
    assert resp.status == 422 and "max_html_depth" in (await resp.json())["error"]["message"]
