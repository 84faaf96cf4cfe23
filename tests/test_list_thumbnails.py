"""The reading list's pictures: an article whose images are archived shows its first one big
enough to stand for it (never an icon or a strip), served from our own origin; an article with
none archived has none. Real aiohttp sites on loopback
(image_site.py), the real app, real files."""
from __future__ import annotations

import pytest

from conftest import save
from image_site import article_html
from image_site import images_site, settings  # noqa: F401  (fixtures)
from quietpage.library.images import _pictures
from quietpage.web.context import CONTEXT


async def listed(client) -> dict:
    page = await (await client.get("/api/articles?state=all")).json()
    return {a["title"]: a for a in page["items"]}


async def test_an_archived_picture_is_the_rows_thumbnail_from_our_origin(client, images_site):
    # an icon first (64x48), then the picture (120x80): the picture stands for the article
    pictured = await save(client, f"{images_site.base}/a", article_html(
        "Pictured", '<p><img src="/img/plain.png" alt="icon"></p><p><img src="/img/big.jpg" alt="the boats"></p>'))
    iconic = await save(client, f"{images_site.base}/b", article_html(
        "Only an icon", '<p><img src="/img/plain.png" alt="icon"></p>'))
    await save(client, f"{images_site.base}/c", article_html("No pictures", ""))
    await client.server.app[CONTEXT].images.idle()
    rows = await listed(client)
    thumb = rows["Pictured"]["thumbnail_url"]
    items = (await (await client.get(f"/api/articles/{pictured['id']}/images")).json())["items"]
    big = next(i for i in items if i["url"].endswith("/big.jpg"))
    assert thumb == big["src"] and thumb.startswith("/images/")
    resp = await client.get(thumb)
    assert resp.status == 200 and resp.content_type == "image/jpeg"
    assert "thumbnail_url" not in rows["Only an icon"] and "thumbnail_url" not in rows["No pictures"]
    assert "thumbnail" not in rows["Pictured"]  # the file name stays inside
    single = await (await client.get(f"/api/articles/{iconic['id']}")).json()
    assert "thumbnail_url" not in single


@pytest.mark.parametrize("size,ok", [
    ((120, 80), True), ((1200, 630), True), ((64, 48), False), ((119, 300), False),
    ((900, 100), False), ((200, 500), False), ((None, None), True),
])
def test_what_can_stand_for_an_article(size, ok):
    assert _pictures({"file": "x.png", "width": size[0], "height": size[1]}) is ok
