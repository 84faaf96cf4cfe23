// The background worker as the browser runs it: background.js as a module, its listeners, the
// functions it leaves for the extension's own contexts, and the messages it accepts.
import assert from "node:assert/strict";
import { test } from "node:test";

import { article, fakeChrome, fakeFetch, fakePage, loadLibs, loadWorker, PAIRED, plain, SERVER } from "./extension-harness.mjs";

const Q = await loadLibs();
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

test("background.js imports its modules, listens to every event and leaves captureTab & co. for tests", async () => {
  const b = browser();
  const fetch = fakeFetch(routes());
  const worker = await loadWorker({ chrome: b.chrome, fetch });
  for (const name of ["captureTab", "highlightSelection", "paintHighlights", "runCommand", "runMenuItem"]) {
    assert.equal(typeof worker[name], "function", name);
  }
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
  await loadWorker({ chrome: b.chrome, fetch: fakeFetch(routes()) });
  await Promise.all(b.chrome.runtime.onInstalled.fire({ reason: "install" }));
  assert.deepEqual(plain(b.chrome.contextMenus.items), [
    { id: "quietpage-save", title: "Save this page to QuietPage", contexts: ["page", "selection"] },
    { id: "quietpage-highlight", title: "Highlight", contexts: ["selection"] },
  ]);
});

test("the shortcut and the menu save quietly: a ✓ on the button, a word on the page, no tab", async () => {
  const toasts = [];
  const b = fakeChrome({ storage: PAIRED, tabs: { 5: { url: PAGE_URL, active: true, page: fakePage({
    snapshot: { url: PAGE_URL, html: "<p>x</p>" }, highlighter: { toast: (note, kind) => toasts.push([note.message, kind]) } }) } } });
  const fetch = fakeFetch(routes());
  const worker = Q.router.createWorker({ ext: b.chrome, fetch });
  worker.listen();
  await Promise.all(b.chrome.commands.onCommand.fire("save-page", { id: 5 }));
  await Promise.all(b.chrome.contextMenus.onClicked.fire({ menuItemId: "quietpage-save", frameId: 0 }, { id: 5 }));
  assert.equal(fetch.calls.filter((c) => c.method === "POST" && c.path === "/api/articles").length, 2);
  assert.deepEqual([b.created, b.badgeOf(5).text], [[], "\u2713"]);
  assert.deepEqual(toasts, [["Saved to QuietPage \u2713", "info"], ["Saved to QuietPage \u2713", "info"]]);
  assert.ok(!fetch.calls.some((c) => c.path === "/api/login-links"));
});

test("the shortcut and the menu open the reader when the user asked for it in Options", async () => {
  const b = browser({ ...PAIRED, openReader: true });
  const worker = Q.router.createWorker({ ext: b.chrome, fetch: fakeFetch(routes()) });
  await worker.runCommand("save-page", { id: 5 });
  await worker.runMenuItem({ menuItemId: "quietpage-save", frameId: 0 }, { id: 5 });
  assert.deepEqual(b.created.map((t) => [t.url, t.active]), [[`${SERVER}/login?code=abc`, true], [`${SERVER}/login?code=abc`, true]]);
});

test("a failure of the shortcut or the menu is reported, never dropped", async () => {
  const down = browser();
  const w2 = Q.router.createWorker({ ext: down.chrome, fetch: fakeFetch({ ...routes(), "POST /api/articles": new TypeError("x") }) });
  w2.listen();
  await Promise.all(down.chrome.contextMenus.onClicked.fire({ menuItemId: "quietpage-save", frameId: 0 }, { id: 5 }));
  assert.equal(down.data.get("lastProblem").code, "server_down");
  assert.equal(down.badgeOf(5).text, "!");
});

test("messages: only from our own pages, answered as {ok, result} or {ok: false, error}", async () => {
  const b = browser();
  const worker = Q.router.createWorker({ ext: b.chrome, fetch: fakeFetch(routes()) });
  const status = await worker.handleMessage({ type: "status", tabId: 5 }, OUR_PAGE);
  assert.equal(status.ok, true);
  assert.equal(status.result.paired, true);
  const saved = await worker.handleMessage({ type: "save", tabId: 5 }, OUR_PAGE);
  assert.deepEqual([saved.ok, saved.result.id], [true, "7"]);
  assert.deepEqual(b.created, []); // the popup saves quietly: no tab

  const fromAPage = await worker.handleMessage({ type: "save", tabId: 5 }, { id: "abc", url: "https://evil.example/", tab: { id: 5 } });
  assert.deepEqual([fromAPage.ok, fromAPage.error.code], [false, "bad_message"]);
  const unknown = await worker.handleMessage({ type: "toString" }, OUR_PAGE);
  assert.equal(unknown.error.code, "bad_message");
  const failing = await Q.router.createWorker({ ext: browser({}).chrome, fetch: fakeFetch(routes()) })
    .handleMessage({ type: "save", tabId: 5 }, OUR_PAGE);
  assert.deepEqual([failing.ok, failing.error.code], [false, "not_paired"]);
  assert.ok(failing.error.message && failing.error.hint);
});

const REVISIT = ["http://*/*", "https://*/*"];

test("pages I revisit: with the choice and its permission, a saved page shows its badge and highlights as it loads", async () => {
  const painted = [];
  const items = [{ id: "h1", selectors: [{ type: "TextQuoteSelector", exact: "x" }], color: "yellow", note: "" }];
  const make = ({ storage, granted }) => {
    const b = fakeChrome({ storage, granted, tabs: { 5: { url: PAGE_URL, page: fakePage({ highlighter: {
      paint: (list) => { painted.push(...list); return { painted: list.length, orphaned: 0 }; } } }) } } });
    const fetch = fakeFetch({ ...routes(), "GET /api/highlights": { body: { article_id: "7", items } } });
    Q.router.createWorker({ ext: b.chrome, fetch }).listen();
    return { b, fetch };
  };
  const load = async (b, change, url = PAGE_URL) => Promise.all(b.chrome.tabs.onUpdated.fire(5, change, { id: 5, url }));

  const on = make({ storage: { ...PAIRED, revisit: true }, granted: REVISIT });
  await load(on.b, { status: "loading" });
  await load(on.b, { status: "complete" }, "chrome://newtab/");
  await load(on.b, { status: "complete" });
  assert.deepEqual(on.fetch.calls.filter((c) => c.path === "/api/highlights").map((c) => c.query.url), [PAGE_URL]);
  assert.deepEqual(painted.map((h) => h.id), ["h1"]);
  assert.equal(on.b.badgeOf(5).text, "1");

  for (const off of [make({ storage: PAIRED, granted: REVISIT }), // the choice is off (the default)
    make({ storage: { ...PAIRED, revisit: true }, granted: [] }), // the permission was taken back
    make({ storage: { serverUrl: SERVER, revisit: true }, granted: REVISIT })]) { // not paired
    await load(off.b, { status: "complete" });
    assert.equal(off.fetch.calls.length, 0);
    assert.equal(off.b.badgeOf(5).text, undefined);
  }
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
  for (let i = 0; i < 200 && !painted.length; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(painted.map((h) => h.id), ["h1"]);
});
