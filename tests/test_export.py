"""Export: the lossless JSON round trip, Markdown files (front matter, body, highlights, file
names), the zip and the CLI, also while a server runs on the same folder."""
from __future__ import annotations

import io
import zipfile
from html import escape
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import orjson
import pytest
import yaml
from markdown_it import MarkdownIt

from conftest import LOREM, page_html, save
from quietpage.web.app import create_app
from quietpage.web.auth import load_or_create_token
from quietpage.settings import Settings
from quietpage.transfer.export_markdown import base_name, document, file_names, front_matter

FIXTURES = Path(__file__).parent / "fixtures" / "import"


async def build_library(client) -> dict:
    """Two saved pages with highlights, tags, state; one in the trash; three imported addresses."""
    a = await save(client, "https://coast.example.com/harbour", page_html("The Harbour: a *season* | plenty", LOREM))
    b = await save(client, "https://coast.example.com/second", page_html("Second: CON", LOREM[::-1]))
    c = await save(client, "https://coast.example.com/trashed", page_html("Trashed page", LOREM[1:]))
    await client.patch(f"/api/articles/{a['id']}", json={"tags": ["economics", "sea life"], "state": "archived",
                                                       "favorite": True, "progress": 0.5})
    for quote, note in ((LOREM[2][:60], "A note with **Markdown**\n\nand two paragraphs"), (LOREM[0][4:30], "")):
        resp = await client.post(f"/api/articles/{a['id']}/highlights",
                                 json={"selectors": [{"type": "TextQuoteSelector", "exact": quote}], "note": note})
        assert resp.status == 201
    await client.delete(f"/api/articles/{c['id']}")
    resp = await client.post("/api/import", data=(FIXTURES / "pocket.csv").read_bytes())
    assert resp.status == 200
    return {"a": a, "b": b, "c": c}


async def export(client, fmt: str) -> bytes:
    resp = await client.get(f"/api/export?format={fmt}")
    assert resp.status == 200, await resp.text()
    return await resp.read()


def parsed(backup: bytes) -> dict:
    doc = orjson.loads(backup)
    doc["quietpage_backup"].pop("exported_at")
    return doc


async def test_json_round_trip_is_lossless(client, aiohttp_client, tmp_path):
    await build_library(client)
    first = await export(client, "json")
    doc = parsed(first)
    assert doc["quietpage_backup"]["articles"] == 7 and len(doc["articles"]) == 7
    assert all({"article", "content_html", "text", "raw_html", "highlights"} <= set(e) for e in doc["articles"])
    harbour = next(e for e in doc["articles"] if e["article"]["url"].endswith("/harbour"))
    assert "<article>" in harbour["raw_html"] and len(harbour["highlights"]) == 2
    assert any(e["article"].get("deleted_at") for e in doc["articles"])  # the trash is kept too

    other = Settings(data_dir=tmp_path / "empty", port=0)
    fresh = await aiohttp_client(create_app(other), headers={
        "Authorization": f"Bearer {load_or_create_token(other.data_dir)}"})
    resp = await fresh.post("/api/import", data=first)
    summary = await resp.json()
    assert resp.status == 200 and (summary["format"], summary["created"], summary["highlights"]) == ("quietpage", 7, 2)
    second = await export(fresh, "json")
    assert parsed(second) == doc
    harbour_id = harbour["article"]["id"]  # ids survive: old /read/{id} links still work
    assert (await fresh.get(f"/api/articles/{harbour_id}")).status == 200
    assert {h["id"] for h in (await (await fresh.get(f"/api/articles/{harbour_id}/highlights")).json())["items"]} \
        == {h["id"] for h in harbour["highlights"]}

    again = await (await fresh.post("/api/import", data=first)).json()  # no duplicates
    assert (again["created"], again["updated"], again["skipped"]) == (0, 0, 7)
    assert parsed(await export(fresh, "json")) == doc
    # the restored library works like the original: search, highlights anchored in its text
    found = await (await fresh.get("/api/articles?q=mackerel&state=all")).json()
    assert {i["url"] for i in found["items"]} >= {"https://coast.example.com/harbour"}


async def test_a_truncated_backup_imports_nothing(client, aiohttp_client, tmp_path):
    await build_library(client)
    data = await export(client, "json")
    cut = data[: len(data) * 2 // 3].rsplit(b"\n", 1)[0] + b"\n"
    other = Settings(data_dir=tmp_path / "empty", port=0)
    fresh = await aiohttp_client(create_app(other), headers={
        "Authorization": f"Bearer {load_or_create_token(other.data_dir)}"})
    resp = await fresh.post("/api/import", data=cut)
    body = await resp.json()
    assert resp.status == 422 and "cut off" in body["error"]["message"]
    assert (await (await fresh.get("/api/articles?state=all")).json())["items"] == []


async def test_markdown_zip_has_one_file_per_article(client):
    lib = await build_library(client)
    data = await export(client, "markdown")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        files = {n: zf.read(n).decode() for n in names}
    assert len(names) == 6 and "Trashed page.md" not in names  # the trash is not exported
    by_url = {yaml.safe_load(text.split("---\n")[1])["url"]: (name, text) for name, text in files.items()}
    name, harbour = by_url["https://coast.example.com/harbour"]
    meta = yaml.safe_load(harbour.split("---\n")[1])
    assert meta["title"] == lib["a"]["title"] and "*" in meta["title"]
    assert name == base_name(lib["a"]["title"]) + ".md" and "*" not in name
    assert meta["url"] == "https://coast.example.com/harbour" and meta["state"] == "archived"
    assert meta["tags"] == ["economics", "sea-life"] and meta["saved"] == lib["a"]["created_at"]
    assert "# The Harbour: a \\*season\\*" in harbour
    assert "The harbour was quiet in the early morning" in harbour
    highlights = harbour.split("## Highlights\n\n", 1)[1]  # in reading order, whenever made
    assert highlights.startswith(f"> {LOREM[0][4:30].strip()}\n\n> {LOREM[2][:60].strip()}\n\n"
                                 "A note with **Markdown**\n\nand two paragraphs")
    assert "Second CON.md" in names
    waiting = files["How to Read More Books.md"]
    assert "Not fetched yet" in waiting and yaml.safe_load(waiting.split("---\n")[1])["tags"] == ["reading", "habits"]


def test_front_matter_is_valid_yaml_for_awkward_values():
    record = {"url": "https://e.com/a?b=1#c", "title": 'Quotes " and \\ and: colons\nnew line — ünï',
              "byline": "- dash\x85\u2028", "site_name": "@at", "published": "2023-01-02T03:04:05.000Z",
              "created_at": "2024-05-06T07:08:09.000Z", "state": "unread",
              "tags": [{"name": "#hash tag"}, {"name": "yes"}, {"name": "null"}, {"name": "x\x85y"}]}
    meta = yaml.safe_load(front_matter(record).strip("-\n"))
    assert meta == {"title": record["title"], "url": record["url"], "author": "- dash\x85\u2028", "site": "@at",
                    "published": "2023-01-02T03:04:05.000Z", "saved": "2024-05-06T07:08:09.000Z",
                    "state": "unread", "tags": ["hash-tag", "yes", "null", "x-y"]}
    doc = document({**record, "needs_fetch": False}, {"content_html": "<p>Body</p>"}, [])
    assert doc.endswith("\n\nBody\n")


@pytest.mark.parametrize("title, name", [
    ("A/B: C*D?", "A B C D"), ("  CON ", "CON_"), ("lpt1.txt", "lpt1_.txt"), ("...", "Untitled"), (None, "Untitled"),
    ("[[Wiki]] #tag ^block", "Wiki tag block"), ("trailing dot.", "trailing dot"), ("x" * 300, "x" * 80),
    ("é" * 150, "é" * 80), ("Aux. Harbour notes", "Aux_. Harbour notes"), ("con.txt", "con_.txt"),
    ("CONIN$", "CONIN$_"), ("conout$.log", "conout$_.log"), ("COM¹", "COM¹_"), ("lpt³.md", "lpt³_.md"),
    ("nul .x", "nul _.x"), ("Com0", "Com0_"), ("Console notes", "Console notes"), ("auxiliary.txt", "auxiliary.txt")])
def test_file_names_are_safe_everywhere(title, name):
    assert base_name(title) == name
    assert len(base_name(title).encode()) <= 200


def windows_device(name: str) -> bool:
    """Windows' own rule (what Python 3.13's os.path.isreserved checks): the part before the
    first dot, trailing spaces ignored, is a device name."""
    devices = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"{p}{n}" for p in ("COM", "LPT")
                                                                  for n in "0123456789¹²³"}
    return name.partition(".")[0].rstrip(" ").upper() in devices


@pytest.mark.parametrize("title", ["Aux. Harbour notes", "con.txt", "CONIN$", "COM¹", "prn . x", "LPT9.a.b", "nul"])
def test_no_exported_file_is_a_windows_device(title):
    names = file_names([("a", title, "2024-01-01"), ("b", title, "2024-02-01")])
    assert not any(windows_device(n) for n in names.values()), names


def test_file_names_are_stable_and_unique_regardless_of_case():
    first = file_names([("id-new", "Same", "2024-02-01"), ("id-old", "same", "2024-01-01"), ("x", "Other", "")])
    assert first == {"id-old": "same.md", "id-new": "Same - id-new.md", "x": "Other.md"}
    later = file_names([("id-new", "Same", "2024-02-01"), ("id-old", "same", "2024-01-01"),
                        ("id-newer", "SAME", "2024-03-01")])
    assert later["id-old"] == first["id-old"] and later["id-new"] == first["id-new"]


def test_cli_export_json_and_markdown(tmp_path, capsys):
    from quietpage.cli import main

    lib = tmp_path / "lib"
    assert main(["import", str(FIXTURES / "omnivore"), "--data-dir", str(lib)]) == 0
    assert main(["export", "--format", "json", str(tmp_path / "backup.json"), "--data-dir", str(lib)]) == 0
    assert len(orjson.loads((tmp_path / "backup.json").read_bytes())["articles"]) == 3
    assert main(["export", "--format", "markdown", str(tmp_path / "notes"), "--data-dir", str(lib)]) == 0
    notes = sorted(p.name for p in (tmp_path / "notes").iterdir())
    assert notes == ["A Paywalled Piece.md", "Notes on Tides.md", "The Harbour in the Early Morning.md"]
    text = (tmp_path / "notes" / "The Harbour in the Early Morning.md").read_text()
    assert "> the catch had doubled, and prices had halved.\n\nWorth checking" in text
    assert "*(not found in the current text of the article)*" in text  # the orphan is kept
    assert "Exported 3 article(s)" in capsys.readouterr().out


async def test_cli_while_the_server_runs(tmp_path):
    """Import is refused (one writer per folder); export goes through the running server."""
    from server_process import ServerProcess, run_cli

    lib = tmp_path / "lib"
    with ServerProcess(lib):
        refused = run_cli("import", str(FIXTURES / "pocket.csv"), data_dir=lib)
        assert refused.returncode == 1
        assert b"the server is running on this data dir" in refused.stderr
        assert run_cli("fetch", data_dir=lib).returncode == 1
        # an empty library says so rather than write an empty backup (test_cli_library.py exports a full one)
        done = run_cli("export", "--format", "json", str(tmp_path / "b.json"), data_dir=lib)
        assert done.returncode == 1 and b"has no articles" in done.stderr and not (tmp_path / "b.json").exists()
        md = run_cli("export", "--format", "markdown", str(tmp_path / "md"), data_dir=lib)
        assert md.returncode == 1 and b"has no articles" in md.stderr and not (tmp_path / "md").exists()


# ---------------------------------------------------------------------- hostile URLs
HOSTILE_HREFS = [
    'https://evil.example/a"><script>alert(1)</script>', "https://evil.example/a><img src=x onerror=alert(1)>",
    "https://evil.example/(x)<svg onload=alert(1)>", "https://evil.example/a b><iframe src=javascript:alert(1)>",
    "https://evil.example/`code`\\><script>x()</script>", "mailto:a@evil.example?subject=<script>x()</script>",
]
HOSTILE_PAGE = "".join(
    [f'<p>See <a href="{escape(u)}">this</a> and <a href="{escape(u)}"></a>.</p>' for u in HOSTILE_HREFS]
    + [f'<p><img src="{escape(u)}" alt="pic"></p>' for u in HOSTILE_HREFS[:4]]
    + ['<p><a href="javascript:alert(1)">js</a> <img src="javascript:alert(1)"></p>'])


def rendered_is_inert(markdown_text: str) -> lxml.html.HtmlElement:
    """The export as a CommonMark renderer with raw HTML on shows it: no element or attribute
    that runs script, and every link and image to http(s), mailto or nothing."""
    html = MarkdownIt("commonmark", {"html": True}).render(markdown_text)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert not root.xpath("//script | //iframe | //svg | //object | //embed"), html
    for el in root.iter():
        assert not any(a.lower().startswith("on") for a in el.attrib), html
        for attr in ("href", "src"):
            if el.get(attr) is not None:
                assert el.get(attr).startswith(("https://", "mailto:")), html
    return root


def test_hostile_link_and_image_urls_stay_inert_in_the_markdown(data_dir):
    from quietpage.reader.sanitize import sanitize

    record = {"id": "x", "url": "https://evil.example/page><script>alert(1)</script>", "title": "T", "tags": []}
    body = {"content_html": sanitize(HOSTILE_PAGE)}
    note = {"selectors": [{"type": "TextQuoteSelector", "exact": "See"}], "status": "orphan",
            "note": "mine <script>alert(1)</script> <img src=x onerror=alert(1)> <https://ok.example/>"}
    root = rendered_is_inert(document(record, body, [note]))
    hrefs = [unquote(a.get("href")) for a in root.iter("a")]
    assert set(HOSTILE_HREFS) <= set(hrefs) and "https://ok.example/" in hrefs  # the same addresses, encoded
    assert [unquote(i.get("src")) for i in root.iter("img")] == HOSTILE_HREFS[:4]
    waiting = rendered_is_inert(document({**record, "needs_fetch": True}, {}, []))
    assert [unquote(a.get("href")) for a in waiting.iter("a")] == [record["url"]]


async def test_a_saved_hostile_page_exports_inert_markdown(client):
    await save(client, "https://evil.example/saved", page_html("Hostile links", LOREM[:2]).replace(
        "</article>", HOSTILE_PAGE + "</article>"))
    with zipfile.ZipFile(io.BytesIO(await export(client, "markdown"))) as zf:
        [text] = [zf.read(n).decode() for n in zf.namelist()]
    root = rendered_is_inert(text)
    assert "https://evil.example/a><img src=x onerror=alert(1)>" in [unquote(a.get("href")) for a in root.iter("a")]
