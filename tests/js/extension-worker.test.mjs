// The background worker as the browser runs it: background.js in its own realm with importScripts,
// its listeners, its top-level captureTab, and the messages it accepts.
import assert from "node:assert/strict";
import { test } from "node:test";

import { article, fakeChrome, fakeFetch, fakePage, loadLibs, loadWorker, PAIRED, plain, SERVER } from "./extension-harness.mjs";

const Q = loadLibs();
const PAGE_URL = "https://example.org/a";
const OUR_PAGE = { id: "abc", url: "chrome-extension://abc/popup/popup.html?tabId=5" };

function routes() {
  return {
    "GET /api/health": { body: { status: "ok", version: "0.1.0" } },
    "GET /api/articles": { body: { items: [] } },
    "GET /api/highlights": { body: { article_id: null, items: [] } },
    "POST /api/articles": { status: 201, body: article() },
    "POST /api/login-links": { status: 201, body: { url: `${SERVER}/login?code=abc` } },
  };
}

function browser(storage = PAIRED) {
  return fakeChrome({ storage, tabs: { 5: { url: PAGE_URL, active: true, page: fakePage({ snapshot: { url: PAGE_URL, html: "<p>x</p>" } }) } } });
}

test("background.js loads its libraries, listens to every event and declares top-level captureTab", async () => {
  const b = browser();
  const fetch = fakeFetch(routes());
  const worker = loadWorker({ chrome: b.chrome, fetch });
  for (const name of ["captureTab", "highlightSelection", "paintHighlights"]) assert.equal(typeof worker[name], "function", name);
  const c = b.chrome;
  for (const e of [c.runtime.onInstalled, c.runtime.onMessage, c.contextMenus.onClicked, c.commands.onCommand, c.tabs.onUpdated]) {
    assert.equal(e.listeners.length, 1);
  }
  const result = plain(await worker.captureTab(5));
  assert.deepEqual([result.status, result.id, result.reader_url], [201, "7", `${SERVER}/read/7`]);
  assert.equal(fetch.calls.find((call) => call.path === "/api/articles").body.url, PAGE_URL);
});

test("installing creates the two context-menu items", async () => {
  const b = browser();
  loadWorker({ chrome: b.chrome, fetch: fakeFetch(routes()) });
  await Promise.all(b.chrome.runtime.onInstalled.fire({ reason: "install" }));
  assert.deepEqual(plain(b.chrome.contextMenus.items), [
    { id: "quietpage-save", title: "Save this page to QuietPage", contexts: ["page", "selection"] },
    { id: "quietpage-highlight", title: "Highlight", contexts: ["selection"] },
  ]);
});

async function settled(fetch, path) {
  for (let i = 0; i < 50 && !fetch.calls.some((c) => c.path === path); i++) await new Promise((r) => setImmediate(r));
}

test("the shortcut and the menu save the tab; a failure is reported, never dropped", async () => {
  const b = browser();
  const fetch = fakeFetch(routes());
  const worker = Q.router.createWorker({ ext: b.chrome, fetch });
  worker.listen();
  b.chrome.commands.onCommand.fire("save-page", { id: 5 });
  await settled(fetch, "/api/login-links");
  assert.equal(b.created.length, 1);

  const down = browser();
  const w2 = Q.router.createWorker({ ext: down.chrome, fetch: fakeFetch({ ...routes(), "POST /api/articles": new TypeError("x") }) });
  w2.listen();
  down.chrome.contextMenus.onClicked.fire({ menuItemId: "quietpage-save", frameId: 0 }, { id: 5 });
  for (let i = 0; i < 50 && !down.data.has("lastProblem"); i++) await new Promise((r) => setImmediate(r));
  assert.equal(down.data.get("lastProblem").code, "server_down");
  assert.ok(down.badges.some((x) => x.kind === "text" && x.text === "!"));
});

test("messages: only from our own pages, answered as {ok, result} or {ok: false, error}", async () => {
  const b = browser();
  const worker = Q.router.createWorker({ ext: b.chrome, fetch: fakeFetch(routes()) });
  const status = await worker.handleMessage({ type: "status", tabId: 5 }, OUR_PAGE);
  assert.equal(status.ok, true);
  assert.equal(status.result.paired, true);
  const saved = await worker.handleMessage({ type: "save", tabId: 5 }, OUR_PAGE);
  assert.deepEqual([saved.ok, saved.result.id], [true, "7"]);
  assert.equal(b.created[0].active, false); // the popup stays open: the reader opens behind it

  const fromAPage = await worker.handleMessage({ type: "save", tabId: 5 }, { id: "abc", url: "https://evil.example/", tab: { id: 5 } });
  assert.deepEqual([fromAPage.ok, fromAPage.error.code], [false, "bad_message"]);
  const unknown = await worker.handleMessage({ type: "toString" }, OUR_PAGE);
  assert.equal(unknown.error.code, "bad_message");
  const failing = await Q.router.createWorker({ ext: browser({}).chrome, fetch: fakeFetch(routes()) })
    .handleMessage({ type: "save", tabId: 5 }, OUR_PAGE);
  assert.deepEqual([failing.ok, failing.error.code], [false, "not_paired"]);
  assert.ok(failing.error.message && failing.error.hint);
});

test("loading a saved page paints its highlights; nothing is asked when not paired or not a web page", async () => {
  const b = browser();
  const fetch = fakeFetch(routes());
  Q.router.createWorker({ ext: b.chrome, fetch }).listen();
  b.chrome.tabs.onUpdated.fire(5, { status: "loading" }, { id: 5, url: PAGE_URL });
  b.chrome.tabs.onUpdated.fire(5, { status: "complete" }, { id: 5, url: "chrome://newtab/" });
  b.chrome.tabs.onUpdated.fire(5, { status: "complete" }, { id: 5, url: PAGE_URL });
  await settled(fetch, "/api/highlights");
  assert.deepEqual(fetch.calls.map((c) => [c.path, c.query.url]), [["/api/highlights", PAGE_URL]]);

  const unpaired = browser({});
  const quiet = fakeFetch(routes());
  Q.router.createWorker({ ext: unpaired.chrome, fetch: quiet }).listen();
  await Promise.all(unpaired.chrome.tabs.onUpdated.fire(5, { status: "complete" }, { id: 5, url: PAGE_URL }));
  assert.equal(quiet.calls.length, 0);
});

test("opening the popup on a saved page paints its highlights there", async () => {
  const painted = [];
  const items = [{ id: "h1", selectors: [{ type: "TextQuoteSelector", exact: "x" }], color: "yellow", note: "" }];
  const b = fakeChrome({ storage: PAIRED, tabs: { 5: { url: PAGE_URL, page: fakePage({ highlighter: {
    paint: (list) => { painted.push(...list); return { painted: list.length, orphaned: 0 }; } } }) } } });
  const worker = Q.router.createWorker({ ext: b.chrome, fetch: fakeFetch({ ...routes(),
    "GET /api/highlights": { body: { article_id: "7", items } }, "GET /api/articles/7": { body: article() } }) });
  const status = await worker.handleMessage({ type: "status", tabId: 5 }, OUR_PAGE);
  assert.equal(status.result.page.saved, true);
  for (let i = 0; i < 50 && !painted.length; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(painted.map((h) => h.id), ["h1"]);
});
