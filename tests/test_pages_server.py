"""What the server's pages say before any script runs: the reader's notices (not an article,
not fetched yet), its meta line (the site once, in the UI's direction), a login link used
twice, and messages whose `commands` are code, never raw backticks."""
from __future__ import annotations

from conftest import LOREM, page_html, save
from test_auth import login


async def test_the_reader_page_says_what_the_user_should_know(client, anon):
    await login(anon, client)
    front = "".join(f'<li><a href="/story/{i}">Story number {i} of the day, read it here</a></li>' for i in range(40))
    html = f"<html><head><title>Front page</title></head><body><ul>{front}</ul></body></html>"
    resp = await client.post("/api/articles", json={"url": "https://news.example/", "html": html})
    front_page = await resp.json()
    assert resp.status == 201 and front_page["readerable"] is False
    page = await (await anon.get(f"/read/{front_page['id']}")).text()
    assert "This page may not be an article" in page and 'href="https://news.example/"' in page

    csv = "title,url,time_added,tags,status\nLater,https://example.com/later,1700000000,,unread\n"
    await client.post("/api/import", data=csv.encode())
    later = next(a for a in (await (await client.get("/api/articles")).json())["items"] if a.get("needs_fetch"))
    page = await (await anon.get(f"/read/{later['id']}")).text()
    assert 'data-recover="fetch">Fetch it now from example.com' in page and "min read" not in page

    same = await save(client, "https://bbc.example/x", page_html("Same", LOREM).replace(
        "<head>", '<head><meta property="og:site_name" content="BBC News"><meta name="author" content="BBC News">'))
    page = await (await anon.get(f"/read/{same['id']}")).text()
    assert page.count("<bdi>BBC News</bdi>") == 1 and '<div class="reader-info" dir="ltr">' in page


async def test_a_reused_login_link_goes_on_with_a_session_and_explains_without(anon, client):
    first, link = await login(anon, client, "/highlights")
    assert first.status == 200
    path = "/" + link["url"].split("//", 1)[1].split("/", 1)[1]
    again = await anon.get(path, allow_redirects=False)  # the cookie came along: straight on
    assert again.status == 303 and again.headers["Location"] == "/highlights"
    assert "Set-Cookie" not in again.headers and "page-key" not in await again.text()  # nothing new handed out
    anon.session.cookie_jar.clear()
    refused = await anon.get(path)
    text = await refused.text()
    assert refused.status == 401 and "Set-Cookie" not in refused.headers
    assert "used already" in text and "<code>quietpage login-url</code>" in text and "`" not in text.split("<script")[0]
    assert 'href="/highlights"' in text  # where its script goes when the browser has a session after all
