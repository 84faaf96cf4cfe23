"""EPUB 3 export: chapters, metadata, embedded images (WebP converted), highlights marked with
their notes, a table of contents - and Debian's epubcheck finds no error. epubcheck (Java) runs
once for the suite, on one book that holds every case (and real corpus pages)."""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from quietpage.settings import Settings
from quietpage.web.context import CONTEXT

from conftest import SEED_URL, save
from image_site import EVERY_KIND, article_html, site

EPUBCHECK_JARS = ("/usr/share/java/epubcheck.jar", "/usr/share/epubcheck/epubcheck.jar")
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "mozilla"
CORPUS_PAGES = ("001", "002", "003-metadata-preferred", "005-unescape-html-entities")


def epubcheck(path: Path) -> subprocess.CompletedProcess:
    """Debian's epubcheck, as `java -jar` on its jar (its /usr/bin wrapper is the jar itself)."""
    jar = next((j for j in EPUBCHECK_JARS if Path(j).is_file()), None)
    if jar is None or not shutil.which("java"):
        pytest.fail("epubcheck is not installed: run the README's test command (scripts/test), which installs it.")
    return subprocess.run(["java", "-jar", jar, str(path)], capture_output=True, text=True, timeout=300)


@pytest.fixture
def settings(data_dir) -> Settings:
    return Settings(data_dir=data_dir, port=0, fetch_allow_private=True, image_timeout_s=2.0)


@pytest.fixture
async def book_library(client, aiohttp_server, seed_html):
    images = await aiohttp_server(site(), host="127.0.0.1")
    base = f"http://127.0.0.1:{images.port}"
    pictures = await save(client, f"{base}/article", article_html("Pictures of the harbour", EVERY_KIND))
    table = ("<table><caption>Catch</caption><thead><tr><th>Fish</th><th>Tons</th></tr></thead><tbody>"
             "<tr><td headers='x'>Mackerel</td><td>12</td></tr></tbody></table>"
             "<p>Sum: <math><mi>x</mi><mo>+</mo><mn>1</mn></math>, at <time datetime='nonsense'>noon</time>.</p>"
             '<p><img src="https://cdn.example.com/gone.jpg" alt="A picture never archived" width="50%"></p>')
    tables = await save(client, f"{base}/article?title=tables", article_html("Tables and formulas", table))
    seed = await save(client, SEED_URL, seed_html)
    await client.server.app[CONTEXT].images.idle()
    for article, quote, note in ((pictures, "setting out crates of mackerel and crab", "Crates *and* crabs.\n\nTwo."),
                                 (tables, "Nobody in the town could remember a season like it", "")):
        resp = await client.post(f"/api/articles/{article['id']}/highlights", json={
            "selectors": [{"type": "TextQuoteSelector", "exact": quote}], "color": "yellow", "note": note})
        assert resp.status == 201
    await client.patch(f"/api/articles/{seed['id']}", json={"tags": ["world"], "state": "archived"})
    corpus = []
    for name in CORPUS_PAGES:
        html = (CORPUS / name / "source.html").read_text("utf-8")
        corpus.append(await save(client, f"https://corpus.example.org/{name}", html))
    return {"pictures": pictures, "tables": tables, "seed": seed, "corpus": corpus}


async def epub_of(client, query: str) -> zipfile.ZipFile:
    resp = await client.get(f"/api/export?format=epub{query}")
    assert resp.status == 200, await resp.text()
    assert resp.content_type == "application/epub+zip"
    return zipfile.ZipFile(io.BytesIO(await resp.read()))


async def test_the_epub_holds_every_article_passes_epubcheck_and_filters_choose(client, book_library, tmp_path):
    zf = await epub_of(client, "")
    names = zf.namelist()
    assert names[0] == "mimetype" and zf.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    chapters = [n for n in names if n.startswith("OEBPS/chapters/")]
    assert len(chapters) == 3 + len(CORPUS_PAGES)
    images = [n for n in names if n.startswith("OEBPS/images/")]
    assert len(images) == 5 and all(n.endswith((".png", ".jpg", ".gif")) for n in images)  # the WebP? none kept
    nav = zf.read("OEBPS/nav.xhtml").decode()
    assert "Pictures of the harbour" in nav and "Tables and formulas" in nav
    first = etree.fromstring(zf.read(chapters[0]))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    assert len(first.findall(".//x:img", ns)) == 5
    mark = first.find(".//x:mark", ns)
    assert mark is not None and "crates of mackerel" in "".join(first.find(".//x:mark/..", ns).itertext())
    notes = [p.text for p in first.findall(".//x:section[@class='highlights']//x:p[@class='note']", ns)]
    assert notes == ["Crates *and* crabs.", "Two."]
    second = zf.read(chapters[1]).decode()
    assert "[A picture never archived]" in second and "cdn.example.com/gone.jpg" not in second

    path = tmp_path / "library.epub"
    path.write_bytes((await (await client.get("/api/export?format=epub")).read()))
    checked = epubcheck(path)
    assert checked.returncode == 0 and "No errors or warnings detected" in checked.stdout + checked.stderr, \
        checked.stdout[-4000:] + checked.stderr[-4000:]

    # the list's filters: a tag, a state, ids (in their order); nothing matching is a clear 404
    assert len([n for n in (await epub_of(client, "&tag=World")).namelist() if "chapters/" in n]) == 1
    unread = [n for n in (await epub_of(client, "&state=unread")).namelist() if "chapters/" in n]
    assert len(unread) == 2 + len(CORPUS_PAGES)
    lib = book_library
    two = await epub_of(client, f"&id={lib['tables']['id']}&id={lib['pictures']['id']}")
    opf = two.read("OEBPS/content.opf").decode()
    assert "<dc:title>QuietPage: 2 articles" in opf
    assert b"Tables and formulas" in two.read("OEBPS/chapters/c1.xhtml")
    resp = await client.get("/api/export?format=epub&tag=nothing-has-this")
    assert resp.status == 404 and (await resp.json())["error"]["code"] == "nothing_to_export"


def test_a_highlight_not_in_the_text_is_listed_without_a_mark():
    from quietpage.transfer import epub
    chapter = epub.Chapter({"title": "T", "url": "https://a.example/t", "lang": "en"}, "<p>Some words here.</p>",
                           [{"selectors": [{"type": "TextQuoteSelector", "exact": "gone words"}], "status": "orphan",
                             "note": "kept"}], [])
    xhtml = epub.chapter_xhtml(chapter, epub.Book(embed=lambda name: None)).decode()
    assert "<mark" not in xhtml and "gone words (not found in this version of the article)" in xhtml and "kept" in xhtml
