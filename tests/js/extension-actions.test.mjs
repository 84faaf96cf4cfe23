// The worker's actions - save a tab (quietly: a badge, no tab), status, options' test, tags,
// problems without a popup - with `fetch` and `chrome` injected.
import assert from "node:assert/strict";
import { test } from "node:test";

import { article, fakeChrome, fakeFetch, fakePage, loadLibs, PAIRED, proofFor, SERVER, TOKEN } from "./extension-harness.mjs";

const Q = await loadLibs();
const PAGE_URL = "https://example.org/a";
const SNAPSHOT = { url: PAGE_URL, title: "Tab title", html: "<html><body><article><p>Text</p></article><script>x()</script></body></html>" };

const OUR_PAGE = { id: "abc", url: "chrome-extension://abc/popup/popup.html?tabId=5" };

function setup({ storage = PAIRED, routes = {}, tab = {}, hostAccess = true, currentWindow = 1 } = {}) {
  const browser = fakeChrome({ storage, hostAccess, currentWindow,
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
  const worker = Q.router.createWorker({ ext: browser.chrome, fetch });
  return { ...browser, fetch, actions, worker };
}

test("a save posts the cleaned page, opens no tab and puts a ✓ on the tab's button", async () => {
  const { worker, fetch, created, updated, badgeOf } = setup();
  const result = await worker.captureTab(5);
  assert.deepEqual(result, { status: 201, id: "7", reader_url: `${SERVER}/read/7`, title: "A title",
    tags: ["economics"], suggested_tags: [{ name: "economics", score: 0.8 }, { name: "harbours", score: 0.5 }],
    highlights: { anchored: 0, orphaned: 0 }, warnings: [] });
  const post = fetch.calls.find((c) => c.method === "POST" && c.path === "/api/articles");
  assert.deepEqual(post.body, { url: PAGE_URL, title: "Tab title", html: "<html><body><article><p>Text</p></article></body></html>" });
  assert.equal(post.headers.Authorization, `Bearer ${TOKEN}`);
  assert.deepEqual([created, updated], [[], []]); // no reader tab, no login link asked for
  assert.ok(!fetch.calls.some((c) => c.path === "/api/login-links"));
  assert.deepEqual(badgeOf(5), { text: "\u2713", color: "#2e7d32", title: "QuietPage: saved \u201cA title\u201d" });
});

test("saved again: what became of the highlights, and the count on the button", async () => {
  const { worker, badgeOf } = setup({ routes: { "POST /api/articles": { status: 200,
    body: article({ highlights: { anchored: 3, orphaned: 1 } }) } } });
  const result = await worker.captureTab(5);
  assert.deepEqual([result.status, result.highlights], [200, { anchored: 3, orphaned: 1 }]);
  assert.equal(badgeOf(5).text, "4");
  assert.match(badgeOf(5).title, /with 4 highlights/);
});

test("the save's progress is kept for the popup: reading, sending (with its size), done", async () => {
  const { worker, chrome, session } = setup();
  const seen = [];
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === "session" && changes["job:5"]) seen.push(changes["job:5"].newValue.phase);
  });
  await worker.captureTab(5);
  assert.deepEqual(seen, ["reading", "sending", "done"]);
  const job = session.get("job:5");
  assert.equal(job.result.id, "7");
  assert.ok(job.bytes > 0 && job.startedAt <= job.updatedAt);
});

test("two saves of one tab at once are one save", async () => {
  const { worker, fetch } = setup();
  const [a, b] = await Promise.all([worker.captureTab(5), worker.captureTab(5)]);
  assert.equal(a, b);
  assert.equal(fetch.calls.filter((c) => c.method === "POST" && c.path === "/api/articles").length, 1);
});

test("with \u201copen the reader after saving\u201d on, the reader opens next to the tab, in its window", async () => {
  const { worker, created, updated, tabs, fetch } = setup({ storage: { ...PAIRED, openReader: true },
    tab: { windowId: 2 } });
  const reply = await worker.handleMessage({ type: "save", tabId: 5 }, OUR_PAGE);
  assert.equal(reply.ok, true);
  assert.deepEqual(created, [{ id: 100, url: `${SERVER}/login?code=abc&next=/read/7`, active: true, index: 4, openerTabId: 5,
    windowId: 2 }]);
  assert.deepEqual(fetch.calls.find((c) => c.path === "/api/login-links").body, { next: "/read/7" });
  tabs.set(9, { id: 9, url: `${SERVER}/read/7`, index: 0 }); // the reader already open: reused
  await worker.captureTab(5, { openReader: "foreground" });
  assert.equal(created.length, 1);
  assert.deepEqual(updated, [{ id: 9, url: `${SERVER}/login?code=abc&next=/read/7`, active: true }]);
});

test("the tab error can no longer fail a saved page: a browser refusal after the save is a warning", async () => {
  // the popup's window is the "current" one, the page's tab is in another: the opener must be named with its window
  const { worker, created } = setup({ tab: { windowId: 2 }, currentWindow: 1 });
  const ok = await worker.captureTab(5, { openReader: "background" });
  assert.deepEqual(ok.warnings, []);
  assert.equal(created[0].windowId, 2);
  // whatever the browser refuses afterwards, the page is saved and said to be
  const refusing = setup();
  refusing.chrome.tabs.create = async () => { throw new Error("Tab opener must be in the same window as the updated tab."); };
  const result = await refusing.worker.captureTab(5, { openReader: "foreground" });
  assert.deepEqual([result.status, result.id], [201, "7"]);
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0].message, /^Saved, but the reader could not be opened: The browser refused: Tab opener/);
  assert.equal(refusing.badgeOf(5).text, "\u2713");
  const failingBadge = setup();
  failingBadge.chrome.action.setBadgeText = async () => { throw new Error("No tab with id: 5."); };
  assert.equal((await failingBadge.worker.captureTab(5)).status, 201);
});

test("a save that fails says so on the button, with the reason as its tooltip", async () => {
  const { worker, badgeOf, session } = setup({ routes: { "POST /api/articles": new TypeError("Failed to fetch") } });
  await assert.rejects(worker.captureTab(5), (e) => e.code === "server_down");
  assert.equal(badgeOf(5).text, "!");
  assert.match(badgeOf(5).title, /^QuietPage: QuietPage is not running/);
  assert.equal(session.get("job:5").phase, "failed");
});

test("host patterns carry no port (Firefox refuses ports; Chromium matches every port)", () => {
  assert.equal(Q.tabs.hostPattern("http://127.0.0.1:27182"), "http://127.0.0.1/*");
  assert.equal(Q.tabs.hostPattern("http://localhost:8000"), "http://localhost/*");
});

test("a save refuses clearly: not paired, a browser page, a page the browser will not let us read", async () => {
  await assert.rejects(setup({ storage: {} }).worker.captureTab(5), (e) => e.code === "not_paired");
  const internal = setup({ tab: { url: "chrome://settings/" } });
  await assert.rejects(internal.worker.captureTab(5), (e) => e.code === "forbidden_page" && e.message.includes("chrome://settings/"));
  assert.equal(internal.fetch.calls.length, 0);
  const store = setup({ tab: { url: undefined, refuse: "The extensions gallery cannot be scripted." } });
  await assert.rejects(store.worker.captureTab(5), (e) => e.code === "forbidden_page");
  const noAccess = setup({ tab: { url: undefined, refuse: "Cannot access contents of the page. Extension manifest must request permission to access the respective host." } });
  await assert.rejects(noAccess.worker.captureTab(5), (e) => e.code === "no_access" && e.hint.includes("shortcut"));
  await assert.rejects(setup().worker.captureTab(99), (e) => e.code === "tab_gone");
});

test("a save passes on the server's words: server down, too large", async () => {
  const down = setup({ routes: { "POST /api/articles": new TypeError("Failed to fetch") } });
  await assert.rejects(down.worker.captureTab(5), (e) => e.code === "server_down");
  const big = setup({ tab: { page: fakePage({ snapshot: { ...SNAPSHOT, html: "x".repeat(16 * 1024 * 1024) } }) } });
  await assert.rejects(big.worker.captureTab(5), (e) => e.code === "too_large" && e.message.includes("16 MB"));
  assert.ok(!big.fetch.calls.some((c) => c.method === "POST"));
});

test("status: connected, paired, and whether this page is saved (with its title and tags)", async () => {
  const { actions, badgeOf } = setup({ routes: { "GET /api/highlights": { body: { article_id: "7", items: [{ id: "h" }] } },
    "GET /api/articles/7": { body: article() } } });
  assert.deepEqual(await actions.status(5), { serverUrl: SERVER, reachable: true, paired: true, version: "0.1.0",
    hostAccess: true, error: null, problem: null, job: null, preferences: { openReader: false, revisit: false },
    page: { url: PAGE_URL, savable: true, saved: true, articleId: "7", highlights: 1, article: {
      status: 200, already: true, id: "7", reader_url: `${SERVER}/read/7`, title: "A title", tags: ["economics"],
      suggested_tags: [{ name: "economics", score: 0.8 }, { name: "harbours", score: 0.5 }], highlights: { total: 1 } } } });
  assert.equal(badgeOf(5).text, "1"); // the popup is open: the button says it too
  const fresh = setup();
  assert.deepEqual((await fresh.actions.status(5)).page, { url: PAGE_URL, savable: true, saved: false, articleId: null, highlights: 0 });
  assert.equal(fresh.badgeOf(5).text, "");
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
  const { actions, fetch } = setup({ storage: {}, routes: {
    "GET /api/hello": (c) => ({ body: { proof: proofFor("abc", c.query.nonce) } }) } });
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
  assert.deepEqual(fetch.calls.find((c) => c.method === "PATCH").body, { tags: ["a", "b c"] });
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
  await actions.clearProblem();
  assert.equal(data.has("lastProblem"), false);
});
