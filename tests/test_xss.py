"""The XSS corpus (tests/xss/payloads.json): every payload is saved as part of a page through
the API and opened in the reader (and the reading list) in real Chromium, logged in.

Each payload sets `window.__xss` (or `top.__xss`) to its id, or opens a dialog, if it ever runs.
Asserted: no marker in any frame, no dialog, no Content-Security-Policy violation (so the
sanitiser alone stopped everything: the CSP is a second wall, not the first), no unsafe element,
attribute or URL in the reader's DOM, and none in the stored reader HTML either.
"""
from __future__ import annotations

import html as htmllib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from quietpage.reader.sanitize import sanitize

from conftest import LOREM
from helpers import api, log_in

CORPUS = json.loads((Path(__file__).parent / "xss" / "payloads.json").read_text("utf-8"))["payloads"]
BODY = [p for p in CORPUS if p["category"] != "head"]
HEAD = [p for p in CORPUS if p["category"] == "head"]
BATCH = 10
FORBIDDEN_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link",
                  "style", "svg", "form", "input", "button", "textarea", "select", "template", "noscript",
                  "title", "xmp", "math-annotation", "annotation-xml", "foreignobject", "use", "animate", "set"}
FORBIDDEN_ATTRS = {"style", "srcdoc", "formaction", "action", "xlink:href", "background", "poster", "data", "nonce"}
URL_ATTRS = {"href", "src", "cite"}
SAFE_URL = re.compile(r"^(?:https?:|mailto:|data:image/(?:png|jpe?g|gif|webp|avif);base64,)", re.I)
UNSAFE_TAG_TEXT = re.compile(r"<\s*/?\s*(?:script|iframe|object|embed|base|meta|link|style|svg|form|frame)\b", re.I)


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            squeezed = re.sub(r"[\x00-\x20]", "", htmllib.unescape(value)).lower()
            if name.startswith("on") or name in FORBIDDEN_ATTRS:
                self.problems.append(f"<{tag} {name}>")
            elif name in URL_ATTRS and not SAFE_URL.match(value.strip()):
                self.problems.append(f"<{tag} {name}={value!r}>")
            elif "javascript:" in squeezed or "vbscript:" in squeezed:
                self.problems.append(f"<{tag} {name}={value!r}>")


def audit(html: str) -> list[str]:
    """What in `html` could run script, load a frame, restyle the page or leave as a bad URL."""
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser.problems + [f"text {m.group(0)!r}" for m in UNSAFE_TAG_TEXT.finditer(html)]


def test_the_corpus_is_broad():
    assert len(CORPUS) >= 60
    assert len({p["id"] for p in CORPUS}) == len(CORPUS)
    assert {p["category"] for p in CORPUS} == {"script", "event", "jsurl", "dataurl", "svgmath", "frame", "css",
                                               "broken", "encoded", "head"}


@pytest.mark.parametrize("payload", CORPUS, ids=[p["id"] for p in CORPUS])
def test_the_sanitiser_alone_leaves_nothing_unsafe(payload):
    for wrapped in (payload["html"], f"<p>before</p>{payload['html']}<p>after</p>"):
        assert audit(sanitize(wrapped)) == [], payload["id"]
        assert audit(sanitize(sanitize(wrapped))) == [], payload["id"]  # stable when sanitised again


def pages() -> list[tuple[str, list[dict], str]]:
    """(title, payloads, page HTML): body payloads in batches (broken markup alone: it may eat
    what follows), each head payload in a page of its own."""
    groups = [b for b in (BODY[i:i + BATCH] for i in range(0, len(BODY), BATCH))]
    groups = [[p for p in g if p["category"] != "broken"] for g in groups]
    groups = [g for g in groups if g] + [[p] for p in BODY if p["category"] == "broken"]
    out = []
    for n, group in enumerate(groups + [[p] for p in HEAD], 1):
        title = f"Harbour reading {n}"
        head = "".join(p["html"] for p in group if p["category"] == "head")
        body = "".join(f"<p>{LOREM[i % len(LOREM)]} Marker {p['id']}.</p><div>{p['html'] if p['category'] != 'head' else ''}</div>"
                       for i, p in enumerate(group))
        more = "".join(f"<p>{line}</p>" for line in LOREM)
        out.append((title, group, f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
                                  f"{head}</head><body><article><h1>{title}</h1>{body}{more}</article></body></html>"))
    return out


DOM_AUDIT = r"""() => {
  const problems = [];
  const safe = /^(?:https?:|mailto:|data:image\/(?:png|jpe?g|gif|webp|avif);base64,)/i;
  const bad = new Set(["SCRIPT", "IFRAME", "FRAME", "OBJECT", "EMBED", "BASE", "META", "LINK", "STYLE", "FORM",
    "INPUT", "BUTTON", "TEXTAREA", "SELECT", "TEMPLATE", "svg", "foreignObject", "use", "animate", "set"]);
  for (const el of document.querySelectorAll("#content *, #content")) {
    if (bad.has(el.tagName)) problems.push("<" + el.tagName + ">");
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith("on") || ["style", "srcdoc", "formaction", "xlink:href", "action"].includes(n)) problems.push(el.tagName + " " + n);
      if (["href", "src", "cite"].includes(n) && !safe.test(a.value.trim())) problems.push(el.tagName + " " + n + "=" + a.value);
    }
    if (el.tagName === "A" && el.href && !["http:", "https:", "mailto:"].includes(new URL(el.href).protocol)) problems.push("A -> " + el.href);
    for (const type of ["mouseover", "mouseenter", "focus", "focusin", "animationstart", "toggle", "load", "error", "begin"]) {
      el.dispatchEvent(new Event(type));  // any handler that survived would run now
    }
    if (el.tagName !== "A") el.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  }
  return problems;
}"""


def dismisser(dialogs: list):
    async def dismiss(dialog):
        dialogs.append(dialog.message)
        await dialog.dismiss()
    return dismiss


async def markers(page) -> list:
    found = []
    for frame in page.frames:
        try:
            found.append(await frame.evaluate("() => [window.__xss, window.__csp || []]"))
        except Exception:  # a frame that went away or is not scriptable has no marker for us
            continue
    return found


async def test_no_payload_runs_in_the_reader_or_the_list(live, browser):
    saved = []
    for title, group, page_html in pages():
        article = await api(live, "POST", "/api/articles", {"url": f"https://evil.example/{len(saved)}", "html": page_html})
        stored = await api(live, "GET", f"/api/articles/{article['id']}?body=true")
        assert audit(stored["content_html"]) == [], (title, [p["id"] for p in group])
        # metadata is plain text (escaped wherever it is shown); a URL field holds a safe URL only
        assert not stored.get("lead_image") or SAFE_URL.match(stored["lead_image"]), stored["lead_image"]
        assert re.fullmatch(r"[A-Za-z0-9-]{0,35}", stored.get("lang") or ""), stored["lang"]
        if group[0]["category"] != "head":
            assert f"Marker {group[0]['id']}" in stored["text"], title  # the payloads' region was kept
        saved.append((article, group))

    context = await browser.new_context()
    await context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => (window.__csp = window.__csp || [])"
        ".push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')))")
    page = await context.new_page()
    dialogs = []
    page.on("dialog", dismisser(dialogs))
    await log_in(page, live)
    await page.wait_for_selector(".item")
    assert [m for m in await markers(page) if m != [None, []]] == [], "the reading list ran a payload"

    for article, group in saved:
        ids = [p["id"] for p in group]
        await page.goto(f"http://127.0.0.1:{live.port}/read/{article['id']}")
        await page.wait_for_selector("#content", state="attached")
        await page.wait_for_load_state("load")
        assert await page.evaluate(DOM_AUDIT) == [], ids
        assert [m for m in await markers(page) if m != [None, []]] == [], ids
    assert dialogs == []
    await context.close()


async def test_the_detector_sees_a_payload_that_does_run(browser):
    """The harness itself: unsanitised payloads, in a page without our CSP, are caught."""
    page = await browser.new_page()
    dialogs = []
    page.on("dialog", dismisser(dialogs))
    chosen = {p["id"]: p for p in CORPUS}
    await page.set_content("<div id=content>" + chosen["event-01"]["html"]
                           + "<iframe srcdoc=\"<script>top.__xss='srcdoc'</script>\"></iframe>"
                           + "<p onmouseover=\"alert('hover')\">x</p></div>")
    await page.wait_for_function("window.__xss !== undefined")
    assert await page.evaluate(DOM_AUDIT)  # the handlers and the frame are reported...
    assert dialogs == ["hover"]  # ...and the synthetic events fire any handler left
    await page.close()
