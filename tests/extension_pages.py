"""What the extension's end-to-end tests (Chromium and Firefox) save: pages served on loopback by
a small aiohttp app, and a stand-in "server" on the extension's port that records what it is sent
(an impostor, or a recorder that knows the token). Not a test module itself."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json

from aiohttp import web

from conftest import LOREM

BUILT_SENTENCE = "This sentence exists only after the page's own script has run, which is the whole point."
QUOTE = "the catch had doubled, and prices had halved"
# What the article is about, in words a tag suggester can see: a place and a person, named again.
TOPIC = ("In Porthleven the harbour master, Ann Trevithick, counted the boats twice. Porthleven had never "
         "seen so many, and Ann Trevithick said the Porthleven quotas had worked.")
# Text a sighted reader never sees (each must be marked), and real, openable text (never marked).
HIDDEN_TEXTS = {
    "display-none": "Subscribe to our newsletter for daily deals",
    "visibility-hidden": "Invisible promotional blurb",
    "sr-only": "Image credit: a screen reader label",
    "clip-path": "Clipped away with clip-path inset",
    "off-screen": "Skip to main content, placed far off the page",
    "hidden-attribute": "A hidden attribute banner",
}
OPENABLE_TEXTS = {
    "details": "The answer inside a closed details element",
    "accordion": "The panel of a collapsed accordion, shown on click",
    "until-found": "Text hidden until found by the browser's find",
}


def js_built_page(title: str, paragraphs: list[str]) -> str:
    """An article whose text is not in the HTML at all: its script decodes and inserts it."""
    payload = base64.b64encode(json.dumps([title, *paragraphs]).encode()).decode()
    big_image = "data:image/png;base64," + "A" * 50_000
    return f"""<!DOCTYPE html><html lang="en"><head><title>{title}</title>
<meta name="keywords" content="fishing, quotas">
<style>body {{ font-family: serif }}</style></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<main id="app"><p>Loading the article...</p></main>
<img src="{big_image}" alt="">
<script>
  const [title, ...paragraphs] = JSON.parse(atob("{payload}"));
  const article = document.createElement("article");
  const h1 = document.createElement("h1");
  h1.textContent = title;
  article.append(h1);
  for (const text of paragraphs) {{
    const p = document.createElement("p");
    p.textContent = text;
    article.append(p);
  }}
  document.getElementById("app").replaceChildren(article);
  document.body.dataset.ready = "yes";
</script></body></html>"""


def big_page(megabytes: float = 7) -> str:
    """A long article (its text first) followed by a long comment thread: `megabytes` of HTML."""
    article = "".join(f"<p>{p} (part {i})</p>" for i in range(60) for p in LOREM[:2])
    comment = ('<div class="comment"><div class="meta"><a href="/u/{i}">reader{i}</a> <time>2024-01-01</time></div>'
               '<div class="body"><p>{text}</p></div></div>')
    parts, size, i = [], 0, 0
    while size < megabytes * 1024 * 1024:
        chunk = comment.format(i=i, text=" ".join(LOREM[(i + k) % len(LOREM)] for k in range(30)))
        parts.append(chunk)
        size += len(chunk)
        i += 1
    return (f"<!DOCTYPE html><html><head><title>The long harbour report</title></head><body>"
            f"<article><h1>The long harbour report</h1><p>{QUOTE} - and here is why.</p>{article}</article>"
            f"<section class=\"comments\">{''.join(parts)}</section>"
            f"<script>document.body.dataset.ready = 'yes'</script></body></html>")


def hidden_page() -> str:
    """Every kind of hidden text beside an article, and openable text that must stay."""
    h, o = HIDDEN_TEXTS, OPENABLE_TEXTS
    return f"""<!DOCTYPE html><html><head><title>Hidden things</title><style>
.sr-only {{ position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
            clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }}
.clipped {{ position: absolute; clip-path: inset(50%); }}
.offscreen {{ position: absolute; left: -9999px; top: 0; }}
.promo {{ display: none; }}
.panel {{ display: none; }}
</style></head><body>
<article><h1>Hidden things</h1>
<p>{LOREM[0]}</p>
<div class="promo" id="display-none">{h["display-none"]}</div>
<p style="visibility: hidden" id="visibility-hidden">{h["visibility-hidden"]}</p>
<figure><img alt="" src="/x.png"><figcaption>A boat <span class="sr-only" id="sr-only">{h["sr-only"]}</span></figcaption></figure>
<span class="clipped" id="clip-path">{h["clip-path"]}</span>
<a class="offscreen" href="#main" id="off-screen">{h["off-screen"]}</a>
<div hidden id="hidden-attribute">{h["hidden-attribute"]}</div>
<details id="details"><summary>A question</summary><p>{o["details"]}</p></details>
<h3><button aria-expanded="false" aria-controls="panel">Show more</button></h3>
<div class="panel" id="panel"><p>{o["accordion"]}</p></div>
<div hidden="until-found" id="until-found">{o["until-found"]}</div>
<div style="visibility: hidden" id="hidden-parent"><p style="visibility: visible">{LOREM[1]}</p></div>
<svg width="10" height="10"><defs><linearGradient id="g"></linearGradient></defs><rect width="10" height="10"/></svg>
<picture><source srcset="/x.webp" type="image/webp"><img src="/x.png" alt="A picture"></picture>
<p>{LOREM[2]}</p>
<div data-qp-hidden="1" id="page-mark">{LOREM[3]}</div>
</article>
<script>document.body.dataset.ready = "yes"</script></body></html>"""


def clobbering_page() -> str:
    """An article whose markup names the globals a content script might use (DOM clobbering)."""
    return f"""<!DOCTYPE html><html><head><title>Clobbering</title></head><body>
<div id="__quietpage"></div><form name="__quietpage"></form><div id="quietpage"></div><div id="chrome"></div>
<div id="browser"></div><img name="getSelection"><a id="CSS"></a>
<article><h1>Clobbering</h1>{"".join(f"<p>{p}</p>" for p in LOREM)}</article>
<script>document.body.dataset.ready = "yes"</script></body></html>"""


def site_app() -> tuple[web.Application, asyncio.Event]:
    """The pages to save. /late's text arrives when the returned event is set."""
    gate = asyncio.Event()

    def html(text: str):
        async def handler(request):
            return web.Response(text=text, content_type="text/html")
        return handler

    async def late(request):  # its text comes from /late/text, which waits for the test's go
        return web.Response(content_type="text/html", text="""<!DOCTYPE html><html><head><title>Late</title></head>
<body><main id="app">Loading...</main><script>
  fetch("/late/text").then(r => r.json()).then(paragraphs => {
    document.getElementById("app").innerHTML = "<article>" + paragraphs.map(p => "<p>" + p + "</p>").join("") + "</article>";
  });
  document.body.dataset.ready = "yes";
</script></body></html>""")

    async def late_text(request):
        await gate.wait()
        return web.json_response(LOREM)

    app = web.Application()
    app.router.add_get("/article", html(js_built_page("Harbour economics", [*LOREM, TOPIC, BUILT_SENTENCE])))
    app.router.add_get("/second", html(js_built_page("Second harbour", [*reversed(LOREM), BUILT_SENTENCE])))
    app.router.add_get("/big", html(big_page()))
    app.router.add_get("/hidden", html(hidden_page()))
    app.router.add_get("/clobbering", html(clobbering_page()))
    app.router.add_get("/late", late)
    app.router.add_get("/late/text", late_text)
    return app, gate


def stand_in(token: str | None, login_url: str | None = None) -> tuple[web.Application, list[dict]]:
    """A program answering on the extension's port that records every request. With `token` it
    proves it holds it (as QuietPage does) and takes saves; without, it is an impostor that
    answers like QuietPage but cannot prove it. `login_url` is the "login link" it hands out."""
    seen: list[dict] = []

    @web.middleware
    async def record(request, handler):
        body = await request.text()
        seen.append({"method": request.method, "path": request.path, "query": dict(request.query),
                     "authorization": request.headers.get("Authorization"), "body": body})
        return await handler(request)

    async def hello(request):
        nonce = request.query.get("nonce", "")
        key = (token or "not-the-token").encode()
        return web.json_response({"proof": hmac.new(key, f"quietpage-hello|{nonce}".encode(), hashlib.sha256).hexdigest(),
                                  "version": "0.1.0"})

    async def article(request):
        data = json.loads(seen[-1]["body"])
        return web.json_response({"id": "1", "url": data["url"], "title": "Recorded", "reader_url": "/read/1",
                                  "tags": [], "suggested_tags": [], "highlights": {"anchored": 0, "orphaned": 0}},
                                 status=201)

    def answer(data, status=200):
        async def handler(request):
            return web.json_response(data() if callable(data) else data, status=status)
        return handler

    app = web.Application(middlewares=[record])
    app.router.add_get("/api/health", answer({"status": "ok", "version": "0.1.0"}))
    app.router.add_get("/api/hello", hello)
    app.router.add_get("/api/articles", answer({"items": [], "next_cursor": None}))
    app.router.add_get("/api/highlights", answer({"article_id": None, "items": []}))
    app.router.add_post("/api/articles", article)
    # what a test reads back (from outside the extension)
    app.router.add_get("/recorded", answer(lambda: [x["body"] for x in seen if x["method"] == "POST"]))
    app.router.add_get("/recorded-auth", answer(lambda: [x["authorization"] for x in seen if x["authorization"]]))
    app.router.add_post("/api/login-links", answer({"url": login_url or "https://evil.example/"}, status=201))
    return app, seen
