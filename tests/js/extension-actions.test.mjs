// The worker's actions - save a tab, status, options' test, tags, problems without a popup -
// with `fetch` and `chrome` injected.
import assert from "node:assert/strict";
import { test } from "node:test";

import { article, fakeChrome, fakeFetch, fakePage, loadLibs, PAIRED, SERVER, TOKEN } from "./extension-harness.mjs";

const Q = loadLibs();
const PAGE_URL = "https://example.org/a";
const SNAPSHOT = { url: PAGE_URL, title: "Tab title", html: "<html><body><article><p>Text</p></article><script>x()</script></body></html>" };

function setup({ storage = PAIRED, routes = {}, tab = {}, hostAccess = true } = {}) {
  const browser = fakeChrome({ storage, hostAccess,
    tabs: { 5: { url: PAGE_URL, index: 3, active: true, page: fakePage({ snapshot: SNAPSHOT }), ...tab } } });
  const fetch = fakeFetch({
    "GET /api/health": { body: { status: "ok", version: "0.1.0" } },
    "GET /api/articles": { body: { items: [], next_cursor: null } },
    "POST /api/articles": { status: 201, body: article() },
    "POST /api/login-links": (c) => ({ status: 201, body: { url: `${SERVER}/login?code=abc&next=${c.body.next}` } }),
    "GET /api/highlights": { body: { article_id: null, items: [] } },
    ...routes,
  });
  const actions = Q.actions.createActions({ ext: browser.chrome, fetch });
  return { ...browser, fetch, actions };
}

test("captureTab posts the cleaned page and opens the reader next to the tab, through a login link", async () => {
  const { actions, fetch, created } = setup();
  const result = await actions.captureTab(5);
  assert.deepEqual(result, { status: 201, id: "7", reader_url: `${SERVER}/read/7`, title: "A title",
    tags: ["economics"], suggested_tags: [{ name: "economics", score: 0.8 }, { name: "harbours", score: 0.5 }] });
  const post = fetch.calls.find((c) => c.method === "POST" && c.path === "/api/articles");
  assert.deepEqual(post.body, { url: PAGE_URL, title: "Tab title", html: "<html><body><article><p>Text</p></article></body></html>" });
  assert.equal(post.headers.Authorization, `Bearer ${TOKEN}`);
  const login = fetch.calls.find((c) => c.path === "/api/login-links");
  assert.deepEqual(login.body, { next: "/read/7" });
  assert.deepEqual(created, [{ id: 100, url: `${SERVER}/login?code=abc&next=/read/7`, active: true, index: 4, openerTabId: 5 }]);
});

test("captureTab from the popup opens the reader in the background; a reader tab already open is reused", async () => {
  const { actions, created, updated, tabs } = setup();
  await actions.captureTab(5, { openReader: "background" });
  assert.equal(created[0].active, false);
  tabs.set(8, { id: 8, url: `${SERVER}/read/77`, index: 0 }); // another article: not this one
  tabs.set(9, { id: 9, url: `${SERVER}/read/7`, index: 0 });
  await actions.captureTab(5);
  assert.equal(created.length, 1);
  assert.deepEqual(updated, [{ id: 9, url: `${SERVER}/login?code=abc&next=/read/7`, active: true }]);
  const none = setup();
  await none.actions.captureTab(5, { openReader: false });
  assert.equal(none.created.length, 0);
  assert.ok(!none.fetch.calls.some((c) => c.path === "/api/login-links"));
});

test("host patterns carry no port (Firefox refuses ports; Chromium matches every port)", () => {
  assert.equal(Q.tabs.hostPattern("http://127.0.0.1:27182"), "http://127.0.0.1/*");
  assert.equal(Q.tabs.hostPattern("http://localhost:8000"), "http://localhost/*");
});

test("captureTab refuses clearly: not paired, a browser page, a page the browser will not let us read", async () => {
  await assert.rejects(setup({ storage: {} }).actions.captureTab(5), (e) => e.code === "not_paired");
  const internal = setup({ tab: { url: "chrome://settings/" } });
  await assert.rejects(internal.actions.captureTab(5), (e) => e.code === "forbidden_page" && e.message.includes("chrome://settings/"));
  assert.equal(internal.fetch.calls.length, 0);
  const store = setup({ tab: { url: undefined, refuse: "The extensions gallery cannot be scripted." } });
  await assert.rejects(store.actions.captureTab(5), (e) => e.code === "forbidden_page");
  const noAccess = setup({ tab: { url: undefined, refuse: "Cannot access contents of the page. Extension manifest must request permission to access the respective host." } });
  await assert.rejects(noAccess.actions.captureTab(5), (e) => e.code === "no_access" && e.hint.includes("shortcut"));
  await assert.rejects(setup().actions.captureTab(99), (e) => e.code === "tab_gone");
});

test("captureTab passes on the server's words: server down, too large", async () => {
  const down = setup({ routes: { "POST /api/articles": new TypeError("Failed to fetch") } });
  await assert.rejects(down.actions.captureTab(5), (e) => e.code === "server_down");
  const big = setup({ tab: { page: fakePage({ snapshot: { ...SNAPSHOT, html: "x".repeat(16 * 1024 * 1024) } }) } });
  await assert.rejects(big.actions.captureTab(5), (e) => e.code === "too_large" && e.message.includes("16 MB"));
  assert.ok(!big.fetch.calls.some((c) => c.method === "POST"));
});

test("status: connected, paired, and whether this page is saved (with its title and tags)", async () => {
  const { actions } = setup({ routes: { "GET /api/highlights": { body: { article_id: "7", items: [{ id: "h" }] } },
    "GET /api/articles/7": { body: article() } } });
  assert.deepEqual(await actions.status(5), { serverUrl: SERVER, reachable: true, paired: true, version: "0.1.0",
    hostAccess: true, error: null, problem: null,
    page: { url: PAGE_URL, savable: true, saved: true, articleId: "7", highlights: 1, article: {
      status: 200, already: true, id: "7", reader_url: `${SERVER}/read/7`, title: "A title", tags: ["economics"],
      suggested_tags: [{ name: "economics", score: 0.8 }, { name: "harbours", score: 0.5 }] } } });
  const fresh = await setup().actions.status(5);
  assert.deepEqual(fresh.page, { url: PAGE_URL, savable: true, saved: false, articleId: null, highlights: 0 });
});

test("status says what is wrong without throwing: down, not paired, wrong token, no access, browser page", async () => {
  const down = await setup({ routes: { "GET /api/health": new TypeError("x") } }).actions.status(5);
  assert.equal(down.reachable, false);
  assert.equal(down.error.code, "server_down");
  const unpaired = await setup({ storage: {} }).actions.status(5);
  assert.deepEqual([unpaired.reachable, unpaired.paired, unpaired.error.code], [true, false, "not_paired"]);
  const wrong = await setup({ routes: { "GET /api/articles": { status: 401, body: { error: { code: "bad_token", message: "no" } } } } }).actions.status(5);
  assert.deepEqual([wrong.reachable, wrong.paired, wrong.error.code], [true, false, "bad_token"]);
  const firefox = await setup({ hostAccess: false }).actions.status(5);
  assert.deepEqual([firefox.hostAccess, firefox.error.code], [false, "no_host_access"]);
  const internal = await setup({ tab: { url: "about:addons" } }).actions.status(5);
  assert.equal(internal.error, null);
  assert.deepEqual([internal.page.savable, internal.page.error.code], [false, "forbidden_page"]);
});

test("options' test connection tries the values given, not the stored ones", async () => {
  const { actions, fetch } = setup({ storage: {} });
  assert.deepEqual(await actions.testConnection({ serverUrl: "localhost:27182", token: " abc " }),
    { serverUrl: "http://localhost:27182", version: "0.1.0", paired: true });
  assert.ok(fetch.calls.every((c) => c.url.startsWith("http://localhost:27182/")));
  assert.equal(fetch.calls.at(-1).headers.Authorization, "Bearer abc");
  await assert.rejects(actions.testConnection({ serverUrl: "", token: "" }), (e) => e.code === "not_paired");
  await assert.rejects(actions.testConnection({ serverUrl: "http://example.org", token: "x" }), (e) => e.code === "invalid_server_url");
});

test("tags are set by name; the reading list opens logged in", async () => {
  const { actions, fetch, created } = setup({ routes: {
    "PATCH /api/articles/7": (c) => ({ body: { id: "7", tags: c.body.tags.map((name) => ({ name, source: "user", score: 1 })) } }) } });
  assert.deepEqual(await actions.setTags("7", ["a", "b c"]), { id: "7", tags: ["a", "b c"] });
  assert.deepEqual(fetch.calls[0].body, { tags: ["a", "b c"] });
  await actions.openReadingList(5);
  assert.deepEqual(fetch.calls.at(-1).body, { next: "/" });
  assert.equal(created[0].url, `${SERVER}/login?code=abc&next=/`);
});

test("a problem met without a popup shows on the button and waits for the popup", async () => {
  const { actions, badges, data } = setup();
  const plain = await actions.reportProblem(5, Q.errors.serverDown(SERVER));
  assert.equal(plain.code, "server_down");
  assert.deepEqual(badges.filter((b) => b.kind === "text"), [{ kind: "text", tabId: 5, text: "!" }]);
  assert.equal(data.get("lastProblem").code, "server_down");
  assert.equal((await actions.recentProblem()).message, plain.message);
  data.set("lastProblem", { ...data.get("lastProblem"), at: Date.now() - Q.actions.PROBLEM_TTL_MS - 1 });
  assert.equal(await actions.recentProblem(), null);
  await actions.clearProblem(5);
  assert.equal(data.has("lastProblem"), false);
  assert.deepEqual(badges.filter((b) => b.kind === "text").at(-1), { kind: "text", tabId: 5, text: "" });
});
