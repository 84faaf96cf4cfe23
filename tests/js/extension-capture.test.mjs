// What the extension sends of a page: scripts, styles and big inline blobs stripped, a size cap.
import assert from "node:assert/strict";
import { test } from "node:test";

import { loadLibs } from "./extension-harness.mjs";

const { capture: C } = await loadLibs();

test("scripts, styles, noscript, templates and comments go; the article stays", () => {
  const html = `<!DOCTYPE html><html><head><title>T</title><style>p { color: red }</style>
<script type="module">import x from "/x.js";</script><link rel="stylesheet" href="/a.css">
<link rel="canonical" href="https://example.org/a"><link rel="preload" as="font" href="/f.woff2"></head>
<body><noscript>Enable JavaScript</noscript><template><p>hidden</p></template>
<article><h1>Title</h1><p>First <b>bold</b> paragraph.</p><!-- a comment --></article>
<SCRIPT>var s = "</p>";</SCRIPT></body></html>`;
  const out = C.cleanHtml(html);
  for (const gone of ["<style", "color: red", "<script", "import x", "stylesheet", "preload", "Enable JavaScript", "hidden", "a comment", "SCRIPT"]) {
    assert.ok(!out.includes(gone), `${gone} should be gone: ${out}`);
  }
  for (const kept of ['<link rel="canonical" href="https://example.org/a">', "<h1>Title</h1>", "<p>First <b>bold</b> paragraph.</p>", "<title>T</title>"]) {
    assert.ok(out.includes(kept), `${kept} should stay: ${out}`);
  }
});

test("one left-to-right pass: a comment holding <script> or a script holding <!-- cannot eat the article", () => {
  const a = C.cleanHtml("<!-- <script> --><p>Kept one.</p><script>x()</script><p>Kept two.</p>");
  assert.equal(a, "<p>Kept one.</p><p>Kept two.</p>");
  const b = C.cleanHtml('<script>var c = "<!--";</script><p>Kept three.</p><!-- --><p>Kept four.</p>');
  assert.equal(b, "<p>Kept three.</p><p>Kept four.</p>");
});

test("big inline data: blobs are dropped, small ones stay", () => {
  const big = "data:image/png;base64," + "A".repeat(C.MAX_INLINE_DATA_CHARS + 10);
  const small = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
  const html = `<img src="${big}" alt="photo"><img src="${small}"><div style="background: url(&quot;${big}&quot;)">x</div>` +
    `<img data-src="${big}" srcset="${big} 2x">`;
  const out = C.cleanHtml(html);
  assert.ok(!out.includes("AAAAAAAAAA"), "no big blob left");
  assert.ok(out.includes(`<img src="" alt="photo">`) && out.includes(small));
  assert.ok(out.includes('style="background: none"'));
  assert.ok(out.length < 200, out);
});

test("the payload carries url, html and title (nothing else: the server refuses unknown fields)", () => {
  const { json, bytes } = C.buildPayload({ url: "https://example.org/a", title: "A", contentType: "text/html",
    html: "<html><body><p>x</p><script>y</script></body></html>", selection: "  chosen words " });
  assert.deepEqual(JSON.parse(json), { url: "https://example.org/a", title: "A",
    html: "<html><body><p>x</p></body></html>" });
  assert.equal(bytes, Buffer.byteLength(json));
});

test("above the size cap (counted in UTF-8 bytes) is a clear error, not a failed upload", () => {
  const html = "<p>" + "é".repeat(600) + "</p>"; // 2 bytes per character
  assert.ok(C.buildPayload({ url: "https://example.org/", html }, { maxBytes: 2000 }));
  assert.throws(() => C.buildPayload({ url: "https://example.org/", html: html + html }, { maxBytes: 2000 }),
    (e) => e.code === "too_large" && /too large to save: 0\.0 MB/.test(e.message) && e.hint.includes("print view"));
  assert.equal(C.MAX_BODY_BYTES, 15 * 1024 * 1024); // under the server's 16 MiB
});

test("pages that are not web pages are refused in words", () => {
  assert.throws(() => C.buildPayload({ url: "chrome://settings/", html: "" }), (e) => e.code === "forbidden_page");
  assert.throws(() => C.buildPayload({ url: "file:///home/me/a.html", html: "" }), (e) => e.code === "forbidden_page");
  assert.throws(() => C.buildPayload({ url: "https://example.org/a.pdf", html: "<embed>", contentType: "application/pdf" }),
    (e) => e.code === "not_html" && e.message.includes("PDF"));
});

test("pageSnapshot reads the rendered DOM, URL and title (a fake document; what is hidden: in real browsers)", () => {
  const saved = { ...globalThis };
  Object.assign(globalThis, {
    document: { doctype: { name: "html", publicId: "", systemId: "" }, title: "Rendered", contentType: "text/html",
      documentElement: { outerHTML: "<html><body><p>built by script</p></body></html>" }, querySelector: () => null,
      querySelectorAll: () => [], body: null },
    location: { href: "https://example.org/app#/article" },
    innerWidth: 1280,
  });
  try {
    assert.deepEqual(C.pageSnapshot(), { url: "https://example.org/app#/article", title: "Rendered", contentType: "text/html",
      html: "<!DOCTYPE html>\n<html><body><p>built by script</p></body></html>", hidden: 0, hiddenComplete: true });
  } finally {
    for (const key of ["document", "location", "innerWidth"]) {
      if (key in saved) globalThis[key] = saved[key]; else delete globalThis[key];
    }
  }
});

test("isWebPage: http(s) pages only, whatever the case", () => {
  for (const url of ["https://example.org/a", "http://127.0.0.1:8000/", "HTTPS://EXAMPLE.ORG"]) assert.equal(C.isWebPage(url), true, url);
  for (const url of ["chrome://extensions", "about:blank", "file:///tmp/a.html", "https:example.org", "ftp://x", "", null, undefined]) {
    assert.equal(C.isWebPage(url), false, String(url));
  }
});
