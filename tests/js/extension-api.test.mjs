// The extension's settings, server API client and error words, with `fetch` injected.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fakeChrome, fakeFetch, loadLibs, proofFor, SERVER, TOKEN } from "./extension-harness.mjs";

const { api: A, settings: S, errors: E } = await loadLibs();
const client = (fetch, token = TOKEN) => A.createApi({ fetch, serverUrl: SERVER, token });

test("server addresses: loopback only, normalised to an origin, empty means the default", () => {
  assert.equal(S.normalizeServerUrl(""), "http://127.0.0.1:27182");
  assert.equal(S.normalizeServerUrl("  127.0.0.1:8000/ "), "http://127.0.0.1:8000");
  assert.equal(S.normalizeServerUrl("http://localhost:27182/read/3"), "http://localhost:27182");
  for (const bad of ["http://example.org", "https://127.0.0.1:27182", "http://192.168.1.2:27182", "http://u:p@127.0.0.1", "http://[::1"]) {
    assert.throws(() => S.normalizeServerUrl(bad), (e) => e.code === "invalid_server_url" && e.hint.includes("quietpage serve"), bad);
  }
});

test("settings live in storage.local under serverUrl and token", async () => {
  const { chrome, data } = fakeChrome();
  const choices = { openReader: false, revisit: false }; // both off unless the user turns them on
  assert.deepEqual(await S.load(chrome.storage), { serverUrl: SERVER, token: "", ...choices });
  await S.save(chrome.storage, { serverUrl: "localhost:9000", token: "  abc \n" });
  assert.deepEqual(Object.fromEntries(data), { serverUrl: "http://localhost:9000", token: "abc" });
  assert.deepEqual(await S.load(chrome.storage), { serverUrl: "http://localhost:9000", token: "abc", ...choices });
  assert.deepEqual(await S.savePreferences(chrome.storage, { openReader: 1, token: "no", other: true }),
    { openReader: true, revisit: false });
  assert.equal(data.get("token"), "abc");
  data.set("serverUrl", "http://evil.example");
  assert.equal((await S.load(chrome.storage)).serverUrl, SERVER); // a bad stored value never reaches out
});

test("every call sends the bearer token, JSON and no cookies", async () => {
  const fetch = fakeFetch({ "POST /api/articles": { status: 201, body: { id: "1" } } });
  const result = await client(fetch).saveArticle({ url: "https://example.org/", html: "<p>x</p>" });
  assert.deepEqual(result, { status: 201, article: { id: "1" } });
  const [hello, call] = fetch.calls;
  assert.equal(hello.path, "/api/hello"); // the server proves who it is first
  assert.equal(hello.headers.Authorization, undefined);
  assert.equal(call.url, `${SERVER}/api/articles`);
  assert.equal(call.headers.Authorization, `Bearer ${TOKEN}`);
  assert.equal(call.headers["Content-Type"], "application/json");
  assert.equal(call.init.credentials, "omit");
  assert.deepEqual(call.body, { url: "https://example.org/", html: "<p>x</p>" });
});

test("health needs no token; the rest refuse to run without one", async () => {
  const fetch = fakeFetch({ "GET /api/health": { body: { status: "ok", version: "0.1.0" } } });
  const api = client(fetch, "");
  assert.deepEqual(await api.health(), { status: "ok", version: "0.1.0" });
  assert.equal(fetch.calls[0].headers.Authorization, undefined);
  await assert.rejects(api.checkToken(), (e) => e.code === "not_paired" && e.hint.includes("quietpage token"));
  assert.equal(fetch.calls.length, 1);
});

test("the highlights of a page are asked for by its URL", async () => {
  const fetch = fakeFetch({ "GET /api/highlights": { body: { article_id: "4", items: [{ id: "h1" }] } } });
  const url = "https://example.org/a?b=1&c=2#x";
  assert.deepEqual(await client(fetch).highlightsFor(url), { article_id: "4", items: [{ id: "h1" }] });
  assert.equal(fetch.calls.at(-1).query.url, url);
});

test("tags, login links and highlights go where the server expects them", async () => {
  const fetch = fakeFetch({
    "PATCH /api/articles/7": (c) => ({ body: { id: "7", tags: c.body.tags.map((name) => ({ name })) } }),
    "POST /api/login-links": (c) => ({ status: 201, body: { url: `${SERVER}/login?code=x&next=${c.body.next}` } }),
    "POST /api/articles/7/highlights": (c) => ({ status: 201, body: { id: "h", ...c.body } }),
  });
  const api = client(fetch);
  assert.deepEqual((await api.setTags("7", ["a", "b"])).tags, [{ name: "a" }, { name: "b" }]);
  assert.equal(await api.loginLink("/read/7"), `${SERVER}/login?code=x&next=/read/7`);
  const selectors = [{ type: "TextQuoteSelector", exact: "quote" }];
  assert.deepEqual(await api.addHighlight("7", { selectors }), { id: "h", selectors });
});

test("a server that is not running is said in words, with what to do", async () => {
  const api = client(fakeFetch({ "GET /api/health": new TypeError("Failed to fetch") }));
  await assert.rejects(api.health(), (e) => e instanceof E.QuietPageError && e.code === "server_down" &&
    e.message === `QuietPage is not running at ${SERVER} (nothing answered).` && e.hint.includes("quietpage serve"));
});

test("a server that does not answer in time is a timeout, not a hang", async () => {
  // Node does not keep the process alive for AbortSignal.timeout's timer (browsers need no such
  // help): the fake server holds a timer of its own until the request is aborted.
  const slow = (url, init) => new Promise((_, reject) => {
    const alive = setTimeout(() => reject(new Error("the request was never aborted")), 10_000);
    init.signal.addEventListener("abort", () => { clearTimeout(alive); reject(init.signal.reason); });
  });
  const api = A.createApi({ fetch: slow, serverUrl: SERVER, token: TOKEN });
  const saved = A.TIMEOUTS.quick;
  A.TIMEOUTS.quick = 0.01;
  try {
    await assert.rejects(api.health(), (e) => e.code === "timeout" && e.message.includes("did not answer"));
  } finally {
    A.TIMEOUTS.quick = saved;
  }
});

test("a wrong token, a too large page and other server errors become readable messages", async () => {
  const fetch = fakeFetch({
    "GET /api/articles": { status: 401, body: { error: { code: "bad_token", message: "The API token is missing or wrong." } } },
    "POST /api/articles": { status: 413, body: { error: { code: "payload_too_large", message: "The request body is too large (at most 16 MiB)." } } },
    "POST /api/articles/7/highlights": { status: 422, body: { error: { code: "quote_not_found", message: "not in text" } } },
    "PATCH /api/articles/7": { status: 500, body: { error: { code: "internal_error", message: "Something went wrong inside QuietPage." } } },
  });
  const api = client(fetch);
  await assert.rejects(api.checkToken(), (e) => e.code === "bad_token" && e.message.includes("did not accept") && e.hint.includes("quietpage token"));
  await assert.rejects(api.saveArticle({}), (e) => e.code === "too_large" && e.message.includes("16 MiB") && e.hint.includes("print view"));
  await assert.rejects(api.addHighlight("7", { selectors: [] }), (e) => e.code === "quote_not_found" && e.hint.includes("inside the article"));
  await assert.rejects(api.setTags("7", []), (e) => e.code === "internal_error" && e.hint.includes("terminal") && !/nothing was changed/i.test(e.hint));
});

test("something that is not QuietPage answering at the address is said so", async () => {
  const api = client(fakeFetch({ "GET /api/health": { status: 200, body: "<html>a router page</html>" } }));
  await assert.rejects(api.health(), (e) => e.code === "not_quietpage" && e.hint.includes("Options"));
  const notFound = client(fakeFetch({ "GET /api/health": { status: 404, body: "Not Found" } }));
  await assert.rejects(notFound.health(), (e) => e.code === "not_quietpage" && e.message.includes("HTTP 404"));
});

test("browser refusals are told apart", () => {
  const cases = [
    ["Cannot access a chrome:// URL", "forbidden_page"],
    ["The extensions gallery cannot be scripted.", "forbidden_page"],
    ["Cannot access contents of url \"https://x.org/\". Extension manifest must request permission to access this host.", "no_access"],
    ["Missing host permission for the tab", "no_access"],
    ["Frame with ID 0 is showing error page", "error_page"],
    ["No tab with id: 5.", "tab_gone"],
    ["Something odd", "browser_error"],
  ];
  for (const [message, code] of cases) {
    const e = E.fromBrowser(new Error(message), "chrome://settings/");
    assert.equal(e.code, code, message);
    assert.ok(e.message && e.hint, message);
  }
  assert.deepEqual(E.toPlain(new Error("boom")).code, "unexpected");
  assert.deepEqual(E.toPlain(E.notPaired()), { code: "not_paired", message: E.notPaired().message, hint: E.TOKEN_HINT });
});

test("the server's pages the extension opens: the reading list and an article's reader", () => {
  assert.equal(A.LIST_PATH, "/");
  assert.equal(A.readerPath("a b/c"), "/read/a%20b%2Fc");
});

test("before the token goes out, the server proves it holds it: an HMAC of a fresh nonce (WebCrypto)", async () => {
  const fetch = fakeFetch({ "GET /api/articles": { body: { items: [] } } });
  const api = client(fetch);
  await api.checkToken();
  await api.checkToken();
  const hellos = fetch.calls.filter((c) => c.path === "/api/hello");
  assert.equal(hellos.length, 1); // once per Api
  assert.match(hellos[0].query.nonce, /^[A-Za-z0-9_-]{16,128}$/);
  const again = fakeFetch({ "GET /api/articles": { body: { items: [] } } });
  await client(again).checkToken();
  assert.notEqual(again.calls[0].query.nonce, hellos[0].query.nonce); // fresh each time
  assert.equal(await A.helloProof("t0ken", "abc"), proofFor("t0ken", "abc"));
});

test("an impostor on the port gets nothing: no token, no page, no login link is opened", async () => {
  for (const hello of [
    { body: { proof: "0".repeat(64), version: "0.1.0" } }, // a wrong proof
    { body: { status: "ok" } }, // no proof at all
    { status: 404, body: { error: { code: "not_found", message: "no" } } }, // an older or other server
    { status: 200, body: "<html>hello</html>" }, // not even JSON
  ]) {
    const fetch = fakeFetch({ "GET /api/hello": hello, "POST /api/articles": { status: 201, body: { id: "1" } } });
    const api = client(fetch);
    await assert.rejects(api.saveArticle({ url: "https://example.org/", html: "<p>secret</p>" }),
      (e) => e.code === "unproven_server" && e.message.includes(SERVER) && e.hint.includes("quietpage serve"));
    await assert.rejects(api.loginLink("/"), (e) => e.code === "unproven_server");
    assert.deepEqual(fetch.calls.map((c) => c.path), ["/api/hello", "/api/hello"]);
    assert.ok(fetch.calls.every((c) => !c.headers.Authorization && !c.body));
  }
  const down = fakeFetch({ "GET /api/hello": new TypeError("refused") });
  await assert.rejects(client(down).checkToken(), (e) => e.code === "server_down"); // down is said as down
});

test("a login link is opened only when it leads to our own server", async () => {
  for (const url of ["https://evil.example/login?code=x", "http://127.0.0.1:9999/login?code=x", "javascript:alert(1)",
    "http://localhost:27182/login", "http://u:p@127.0.0.1:27182/login"]) {
    const fetch = fakeFetch({ "POST /api/login-links": { status: 201, body: { url } } });
    await assert.rejects(client(fetch).loginLink("/read/1"), (e) => e.code === "foreign_link", url);
  }
  const fetch = fakeFetch({ "POST /api/login-links": { status: 201, body: { url: `${SERVER}/login?code=x` } } });
  assert.equal(await client(fetch).loginLink("/"), `${SERVER}/login?code=x`);
});
