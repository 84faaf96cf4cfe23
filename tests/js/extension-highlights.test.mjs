// Highlights on the live page: the selection's quote is saved (the page first if needed), a
// changed page is saved again, and saved highlights are painted by quote only.
import assert from "node:assert/strict";
import { test } from "node:test";

import { article, fakeChrome, fakeFetch, fakePage, loadLibs, PAIRED, SERVER } from "./extension-harness.mjs";

const Q = await loadLibs();
const PAGE_URL = "https://example.org/a";
const QUOTE = { exact: "prices had halved", prefix: "the catch had doubled, and ", suffix: "." };

function setup({ articleId = null, items = [], addReplies = [], routes = {}, selection = { ok: true, url: PAGE_URL, quote: QUOTE } } = {}) {
  const painted = [];
  const highlighter = {
    describeSelection: () => selection,
    paint: (list) => { painted.push(...list); return { painted: list.length, orphaned: 0 }; },
    toast: () => true,
  };
  const browser = fakeChrome({ storage: PAIRED, tabs: { 5: { url: PAGE_URL, page: fakePage({ snapshot: { url: PAGE_URL, html: "<p>x</p>" }, highlighter }) } } });
  const replies = [...addReplies];
  const fetch = fakeFetch({
    "GET /api/highlights": { body: { article_id: articleId, items } },
    "POST /api/articles": { status: 201, body: article({ id: "8" }) },
    "POST /api/articles/7/highlights": (c) => replies.shift() || { status: 201, body: { id: "h1", article_id: "7", ...c.body, color: "yellow", note: "" } },
    "POST /api/articles/8/highlights": (c) => ({ status: 201, body: { id: "h2", article_id: "8", ...c.body, color: "yellow", note: "" } }),
    ...routes,
  });
  const worker = Q.router.createWorker({ ext: browser.chrome, fetch });
  return { ...browser, fetch, worker, painted };
}

const posted = (fetch) => fetch.calls.filter((c) => c.method === "POST").map((c) => c.path);

test("a highlight on a saved page is saved by its quote and painted", async () => {
  const { worker, fetch, painted, injected } = setup({ articleId: "7" });
  const result = await worker.highlightSelection(5);
  assert.deepEqual(result, { status: "highlighted", id: "h1", article_id: "7", saved_page: false, painted: 1 });
  assert.deepEqual(posted(fetch), ["/api/articles/7/highlights"]);
  assert.deepEqual(fetch.calls.find((c) => c.method === "POST").body, { selectors: [{ type: "TextQuoteSelector", ...QUOTE }] });
  assert.deepEqual(painted.map((h) => h.id), ["h1"]);
  assert.deepEqual(injected, [{ tabId: 5, css: ["content/highlighter.css"] }, { tabId: 5, files: ["content/highlighter.js"] }]);
});

test("a page never saved is saved first, without opening the reader", async () => {
  const { worker, fetch, created } = setup();
  const result = await worker.highlightSelection(5);
  assert.deepEqual([result.article_id, result.saved_page], ["8", true]);
  assert.deepEqual(posted(fetch), ["/api/articles", "/api/articles/8/highlights"]);
  assert.deepEqual(created, []);
});

test("a quote missing from the saved version saves the page again and tries once more", async () => {
  const missing = { status: 422, body: { error: { code: "quote_not_found", message: "not there" } } };
  const { worker, fetch } = setup({ articleId: "7", addReplies: [missing] });
  const result = await worker.highlightSelection(5);
  assert.deepEqual(posted(fetch), ["/api/articles/7/highlights", "/api/articles", "/api/articles/8/highlights"]);
  assert.equal(result.saved_page, true);
});

test("a quote missing from a page saved just now is not retried: it is not in the article", async () => {
  const missing = { status: 422, body: { error: { code: "quote_not_found", message: "not there" } } };
  const { worker, fetch } = setup({ routes: { "POST /api/articles/8/highlights": missing } });
  await assert.rejects(worker.highlightSelection(5), (e) => e.code === "quote_not_found" && e.hint.includes("inside the article"));
  assert.deepEqual(posted(fetch), ["/api/articles", "/api/articles/8/highlights"]);
});

test("no selection, or a selection in a frame, is said in words", async () => {
  const none = setup({ selection: { ok: false, code: "no_selection", message: "Nothing is selected on the page.", hint: "Select..." } });
  await assert.rejects(none.worker.highlightSelection(5), (e) => e.code === "no_selection" && e.message.includes("Nothing is selected"));
  await assert.rejects(setup().worker.highlightSelection(5, { frameId: 3 }), (e) => e.code === "in_frame");
});

test("saved highlights are painted on the page; our own server's pages are left alone", async () => {
  const items = [{ id: "h1", selectors: [{ type: "TextQuoteSelector", ...QUOTE }], color: "green", note: "n" }];
  const { worker, painted, fetch } = setup({ articleId: "7", items });
  assert.deepEqual(await worker.paintHighlights(5), { article_id: "7", items: 1, painted: 1, orphaned: 0 });
  assert.deepEqual(painted, items);
  assert.equal(fetch.calls.find((c) => c.path === "/api/highlights").query.url, PAGE_URL);
  const ours = setup({ articleId: "7", items });
  assert.deepEqual(await ours.worker.paintHighlights(5, `${SERVER}/read/7`), { article_id: null, items: 0, painted: 0, orphaned: 0 });
  assert.equal(ours.fetch.calls.length, 0);
  const nothing = setup({ articleId: "7", items: [] });
  assert.equal((await nothing.worker.paintHighlights(5)).painted, 0);
  assert.deepEqual(nothing.injected, []); // no highlights: nothing injected into the page
});
