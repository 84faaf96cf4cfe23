"""Images of saved articles archived locally: fetched in the background after the save answers,
stored once by content, served from our own origin with a strict CSP, released when no article
uses them; hostile "images" refused or cut off with the article saved and the reason recorded.
Real aiohttp sites on loopback (image_site.py), the real app, real files."""
from __future__ import annotations

import hashlib
import ipaddress
import re

import pytest

from quietpage import hosts
from quietpage.settings import Settings
from quietpage.web.app import create_app
from quietpage.transfer.images import ArchiveQueue
from quietpage.web.context import CONTEXT

from conftest import save
from helpers import FixedDns
from image_site import EVERY_KIND, EXPECTED_SOURCES, HITS, HOSTILE, IMAGES, INLINE, article_html, hostile_html, site
from image_site import images_site, settings  # noqa: F401  (fixtures)


async def archived(client) -> None:
    await client.server.app[CONTEXT].images.idle()


async def items_of(client, article_id: str) -> dict:
    resp = await client.get(f"/api/articles/{article_id}/images")
    assert resp.status == 200
    return await resp.json()


def image_srcs(html: str) -> list[str]:
    return re.findall(r'<img[^>]*?src="([^"]*)"', html)


async def test_every_kind_of_image_is_archived_and_served_from_our_origin(client, images_site, data_dir):
    page_url = f"{images_site.base}/article"
    saved = await save(client, page_url, article_html("Pictures of the harbour", EVERY_KIND))
    assert saved["images"] == {"total": 5, "archived": 0, "failed": 0}  # the save answered first
    await archived(client)
    got = await items_of(client, saved["id"])
    assert got["images"] == {"total": 5, "archived": 5, "failed": 0}, got
    urls = [i["url"] for i in got["items"]]
    assert [u.rsplit("/", 1)[-1] if not u.startswith("data:") else u for u in urls] == list(EXPECTED_SOURCES)
    for item in got["items"]:
        assert item["state"] == "archived" and item["width"] > 0 and item["height"] > 0
        name = item["src"].removeprefix("/images/")
        path = data_dir / "images" / name[:2] / name
        assert path.is_file()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == name.split(".")[0]
    assert "/img/huge.jpg" not in images_site.app[HITS]  # the srcset's 4000w candidate is not taken

    # served from our origin, as an image and nothing else
    first = got["items"][0]
    resp = await client.get(first["src"])
    assert resp.status == 200 and resp.content_type == "image/png"
    assert await resp.read() == IMAGES["plain.png"][1]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in resp.headers["Content-Security-Policy"]

    # the reader refers to our copies only, its CSP allows nothing else, sizes are kept
    await images_site.close()
    resp = await client.get(f"/read/{saved['id']}")
    page = await resp.text()
    srcs = image_srcs(page)
    assert len(srcs) == 5 and all(s.startswith("/images/") for s in srcs), srcs
    content = page.split('id="content"')[1].split("</article>")[0]
    assert images_site.base not in content and INLINE not in content
    assert 'width="64" height="48"' in page  # the page's own size
    assert 'width="120" height="80"' in page  # the image's size, where the page gave none
    csp = resp.headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in csp and "http" not in csp


async def test_one_file_however_many_articles_and_it_goes_with_the_last_of_them(client, images_site, data_dir):
    html = article_html("Shared", '<p><img src="/img/shared.png" alt="Shared"></p>')
    a = await save(client, f"{images_site.base}/article?title=a", html)
    b = await save(client, f"{images_site.base}/article?title=b", html)
    await archived(client)
    files = list((data_dir / "images").rglob("*.png"))
    assert len(files) == 1
    lib = client.server.app[CONTEXT].library
    for article in (a, b):
        assert (await client.delete(f"/api/articles/{article['id']}")).status == 200
    store_thread = client.server.app[CONTEXT].store_thread
    purge = lambda: lib._purge_article(a["id"])  # noqa: E731  (the trash period is over for a)
    await store_thread.run(purge)
    assert files[0].is_file()  # b, in the trash, still uses it
    await store_thread.run(lambda: lib.purge_trash(now=4e9))
    assert not files[0].exists()


async def test_hostile_images_are_refused_or_cut_off_with_the_reason_and_the_article_kept(client, images_site):
    saved = await save(client, f"{images_site.base}/article?title=hostile", article_html("Hostile", hostile_html()))
    assert saved["images"]["total"] == 1 + len(HOSTILE)
    await archived(client)
    got = await items_of(client, saved["id"])
    assert got["images"] == {"total": 1 + len(HOSTILE), "archived": 1, "failed": len(HOSTILE)}, got
    by_path = {"/" + i["url"].split("/", 3)[3]: i for i in got["items"]}
    assert by_path["/img/plain.png"]["state"] == "archived"
    for path, code in HOSTILE.items():
        item = by_path[path]
        assert (item["state"], item["code"]) == ("failed", code), (path, item)
        assert len(item["error"]) > 20
    article = await (await client.get(f"/api/articles/{saved['id']}?body=true")).json()
    assert "harbour was quiet" in article["text"]
    # until_archived (the default): the refused ones stay the site's, and the CSP says so
    resp = await client.get(f"/read/{saved['id']}")
    assert "img-src 'self' https: http: data:" in resp.headers["Content-Security-Policy"]


async def test_with_remote_images_never_the_reader_contacts_no_one(aiohttp_client, data_dir, images_site, token):
    settings = Settings(data_dir=data_dir, port=0, fetch_allow_private=True, remote_images="never", image_timeout_s=2.0)
    client = await aiohttp_client(create_app(settings), headers={"Authorization": f"Bearer {token}"})
    saved = await save(client, f"{images_site.base}/article?title=never", article_html("Never", hostile_html()))
    await archived(client)
    resp = await client.get(f"/read/{saved['id']}")
    page = await resp.text()
    assert images_site.base not in page.split('id="content"')[1].split("</article>")[0]
    assert all(s.startswith("/images/") for s in image_srcs(page))
    assert "http" not in resp.headers["Content-Security-Policy"].split("img-src")[1].split(";")[0]


async def test_a_redirect_to_this_machine_is_refused_with_the_setting_off(aiohttp_server, data_dir, token,
                                                                        aiohttp_client, monkeypatch):
    """A "public" image host (127.0.0.2 plays it) redirects to 127.0.0.1: the hop is refused,
    nothing reaches 127.0.0.1, the article is kept and says why."""
    public = ipaddress.ip_address("127.0.0.2")
    real = hosts.is_public
    monkeypatch.setattr(hosts, "is_public", lambda ip: ip == public or real(ip))
    local = await aiohttp_server(site(), host="127.0.0.1")
    from aiohttp import web

    async def hop(request):
        raise web.HTTPFound(f"http://127.0.0.1:{local.port}/img/plain.png")
    hop_app = web.Application()
    hop_app.router.add_get("/img/{name}", hop)
    hop_server = await aiohttp_server(hop_app, host="127.0.0.2")
    settings = Settings(data_dir=data_dir, port=0)  # fetch_allow_private off
    client = await aiohttp_client(create_app(settings), headers={"Authorization": f"Bearer {token}"})
    c = client.server.app[CONTEXT]  # "hop.example" is that public site (the saved page names no address here:
    c.images = ArchiveQueue(c, resolver=FixedDns("127.0.0.2"))  # the sanitiser drops those)
    html = article_html("Redirected", f'<p><img src="http://hop.example:{hop_server.port}/img/a.png" alt="a"></p>')
    saved = await save(client, "https://news.example.com/redirected", html)
    await archived(client)
    got = await items_of(client, saved["id"])
    item = got["items"][0]
    assert (item["state"], item["code"]) == ("failed", "fetch_not_allowed"), item
    assert "127.0.0.1" in item["error"] and local.app[HITS] == []


async def test_a_backup_restores_the_images_elsewhere_and_markdown_carries_them(client, images_site, aiohttp_client,
                                                                             tmp_path, token):
    """JSON backup -> an empty data folder on "another machine" with no network: every image is
    there and the reader shows our copies; the Markdown zip holds assets/ with relative links."""
    saved = await save(client, f"{images_site.base}/article", article_html("Pictures", EVERY_KIND))
    await archived(client)
    backup = await (await client.get("/api/export?format=json")).read()
    await images_site.close()
    other = Settings(data_dir=tmp_path / "elsewhere", port=0)  # no fetch_allow_private: nothing fetched
    from quietpage.web.auth import load_or_create_token
    fresh = await aiohttp_client(create_app(other), headers={
        "Authorization": f"Bearer {load_or_create_token(other.data_dir)}"})
    resp = await fresh.post("/api/import", data=backup)
    summary = await resp.json()
    assert resp.status == 200 and summary["created"] == 1 and summary["images"] == 5, summary
    got = await items_of(fresh, saved["id"])
    assert got["images"] == {"total": 5, "archived": 5, "failed": 0}
    page = await (await fresh.get(f"/read/{saved['id']}")).text()
    srcs = image_srcs(page.split('id="content"')[1])
    assert len(srcs) == 5 and all(s.startswith("/images/") for s in srcs)
    for src in srcs:
        assert (await fresh.get(src)).status == 200
    assert fresh.server.app[CONTEXT].images.busy() is False

    import io
    import zipfile
    zf = zipfile.ZipFile(io.BytesIO(await (await client.get("/api/export?format=markdown")).read()))
    assets = [n for n in zf.namelist() if n.startswith("assets/")]
    assert len(assets) == 5
    text = zf.read("Pictures.md").decode()
    for name in assets:
        assert f"]({name})" in text  # relative: Obsidian shows it beside the note


async def test_a_doctored_backup_image_is_refused_whole(client, images_site):
    await save(client, f"{images_site.base}/article", article_html("Pictures", EVERY_KIND))
    await archived(client)
    backup = (await (await client.get("/api/export?format=json")).read()).decode()
    line = next(x for x in backup.splitlines() if x.startswith('{"image"'))
    import base64
    import json as _json
    doc = _json.loads(line.rstrip(","))
    for bad in ({"data": base64.b64encode(b"<html><script>x</script>").decode()},  # bytes do not hash to the name
                {"file": "../../etc/passwd.png"}, {"type": "text/html", "file": "0" * 64 + ".svg"}):
        doctored = backup.replace(line.rstrip(","), _json.dumps({"image": {**doc["image"], **bad}}))
        resp = await client.post("/api/import", data=doctored.encode())
        assert resp.status == 422, await resp.text()


def backup_without_images(url: str, html: str) -> bytes:
    """A backup of an article saved before images were archived (its images not in it)."""
    from quietpage.transfer import backup
    record = {"id": "older1", "url": url, "title": "An older article", "created_at": "2024-01-01T00:00:00.000Z",
              "state": "unread"}
    return (backup.header("2024-01-02T00:00:00.000Z", 1, {}) + backup.images_close(False)
            + backup.entry(record, {"content_html": html, "text": "An older article"}, "", [], first=True)
            + backup.FOOTER)


async def run_quietpage(*args: str) -> tuple[int, str, str]:
    """The real CLI in a subprocess, without blocking this loop (the image site runs on it)."""
    import asyncio
    import sys
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "quietpage", *args,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode, out.decode(), err.decode()


async def test_cli_archive_images_fills_in_older_articles_and_exports_an_epub(images_site, tmp_path):
    from quietpage.cli.transfer import _import
    data_dir = tmp_path / "cli"
    data_dir.mkdir()
    (data_dir / "config.toml").write_text("fetch_allow_private = true\n")
    html = f'<p>Old words.</p><p><img src="{images_site.base}/img/plain.png" alt="p"></p>'
    path = tmp_path / "older.json"
    path.write_bytes(backup_without_images(f"{images_site.base}/older", html))
    summary = await _import(Settings.load(data_dir), path)
    assert summary["created"] == 1
    code, out, err = await run_quietpage("archive-images", "--data-dir", str(data_dir))
    assert code == 0 and "1 image(s) kept here" in out, (out, err)
    assert len(list((data_dir / "images").rglob("*.png"))) == 1
    code, out, _ = await run_quietpage("archive-images", "--data-dir", str(data_dir))
    assert code == 0 and "Every article's images are archived" in out
    code, out, err = await run_quietpage("export", "--format", "epub", "--id", "older1", "--data-dir", str(data_dir),
                                         str(tmp_path / "one.epub"))
    assert code == 0 and "Exported 1 article(s)" in out, (out, err)
    import zipfile
    names = zipfile.ZipFile(tmp_path / "one.epub").namelist()
    assert names[0] == "mimetype" and any(n.startswith("OEBPS/images/") for n in names)
    code, out, err = await run_quietpage("export", "--format", "epub", "--tag", "none", "--data-dir", str(data_dir),
                                         str(tmp_path / "none.epub"))
    assert code == 1 and "No article matches" in err and not (tmp_path / "none.epub").exists()


async def test_saved_again_keeps_what_was_archived_and_lets_go_of_what_is_gone(client, images_site, data_dir):
    url = f"{images_site.base}/article?title=again"
    both = '<p><img src="/img/plain.png" alt="a"></p><p><img src="/img/lazy.gif" alt="b"></p>'
    first = await save(client, url, article_html("Again", both))
    await archived(client)
    fetched = list(images_site.app[HITS])
    gif = next((data_dir / "images").rglob("*.gif"))
    again = await save(client, url, article_html("Again", '<p><img src="/img/plain.png" alt="a"></p>'), expect=200)
    assert again["id"] == first["id"] and again["images"] == {"total": 1, "archived": 1, "failed": 0}
    await archived(client)
    assert [p for p in images_site.app[HITS] if p.startswith("/img/")] == [p for p in fetched if p.startswith("/img/")]
    assert not gif.exists() and len(list((data_dir / "images").rglob("*.png"))) == 1


def test_restore_and_start_keep_records_and_files_consistent(tmp_path):
    """A backup restored after its article's image was purged: the image waits to be archived
    again. A file that no record names goes at start, unless a backup names it."""
    from quietpage.library import Library, read_page
    from quietpage.settings import ConfigError
    from quietpage.store import DB_FILE, restore_library
    from quietpage.store.backups import backup_now

    data = tmp_path / "lib"
    settings = Settings(data_dir=data)
    lib = Library.open(data, settings)
    html = article_html("Kept", '<p><img src="https://img.example.com/a.png" alt="a"></p>')
    record, _, _ = lib.save("https://news.example.com/kept", read_page(html, "https://news.example.com/kept", max_depth=256))
    png = IMAGES["plain.png"][1]
    name = lib.image_files.put(png, "image/png")
    assert lib.images_done(record["id"], {"https://img.example.com/a.png": {
        "file": name, "width": 64, "height": 48, "bytes": len(png)}})["archived"] == 1
    stray = lib.image_files.put(IMAGES["shared.png"][1], "image/png")  # written, never recorded (a crash)
    lib.close()
    backup, _ = backup_now(data / DB_FILE)  # the records, naming `name`

    lib = Library.open(data, settings)
    assert not lib.image_files.has(stray) and lib.image_files.has(name)  # the stray went at start
    lib.delete(record["id"])
    lib.purge_trash(now=4e9)
    assert not lib.image_files.has(name)  # no article uses it any more
    lib.close()

    restore_library(data, backup)
    lib = Library.open(data, settings)
    assert lib.get(record["id"])["images"] == {"total": 1, "archived": 0, "failed": 0}
    assert lib.image_backlog() == [record["id"]]
    lib.close()

    (data / "config.toml").write_text('remote_images = "sometimes"\n')
    with pytest.raises(ConfigError) as err:
        Settings.load(data)
    assert "remote_images" in err.value.message
