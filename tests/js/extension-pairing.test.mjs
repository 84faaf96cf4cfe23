// Pairing with a code: the Api call, the worker's action and its message, with fetch and chrome injected.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fakeChrome, fakeFetch, loadLibs, SERVER, TOKEN } from "./extension-harness.mjs";

const { api: A, actions: Act, router: R } = await loadLibs();
const OUR_PAGE = { id: "abc", url: "chrome-extension://abc/options/options.html" };
const HEALTH = { "GET /api/health": { body: { status: "ok", version: "0.1.0" } } };

test("pair sends the code, without a token, and returns the token", async () => {
  const fetch = fakeFetch({ "POST /api/pair": { body: { token: TOKEN, origin: "chrome-extension://abc" } } });
  const api = A.createApi({ fetch, serverUrl: SERVER, token: "" });
  assert.deepEqual(await api.pair("  k7qm-3xwp "), { token: TOKEN, origin: "chrome-extension://abc" });
  const [call] = fetch.calls;
  assert.equal(call.url, `${SERVER}/api/pair`);
  assert.equal(call.method, "POST");
  assert.equal(call.headers.Authorization, undefined);
  assert.equal(call.headers["Content-Type"], "application/json");
  assert.equal(call.init.credentials, "omit");
  assert.deepEqual(call.body, { code: "k7qm-3xwp" });
});

test("a wrong, used or expired code is said in the server's words, with what to do", async () => {
  for (const [status, code] of [[401, "wrong_pairing_code"], [401, "no_pairing_code"], [401, "expired_pairing_code"],
    [429, "too_many_attempts"]]) {
    const message = `server says ${code}`;
    const fetch = fakeFetch({ "POST /api/pair": { status, body: { error: { code, message } } } });
    const api = A.createApi({ fetch, serverUrl: SERVER, token: "" });
    await assert.rejects(api.pair("AAAA-BBBB"),
      (e) => e.code === code && e.message === message && e.hint.includes("quietpage pair"), code);
  }
});

test("a pairing answer without a token is not taken for a pairing", async () => {
  const fetch = fakeFetch({ "POST /api/pair": { body: { ok: true } } });
  await assert.rejects(A.createApi({ fetch, serverUrl: SERVER, token: "" }).pair("AAAA-BBBB"),
    (e) => e.code === "not_quietpage");
});

test("the worker trades the code, stores server and token, and checks the token works", async () => {
  const fetch = fakeFetch({
    ...HEALTH,
    "POST /api/pair": { body: { token: TOKEN, origin: "chrome-extension://abc" } },
    "GET /api/articles": (c) => (c.headers.Authorization === `Bearer ${TOKEN}` ? { body: { items: [] } }
      : { status: 401, body: { error: { code: "bad_token", message: "no" } } }),
  });
  const { chrome, data } = fakeChrome();
  const actions = Act.createActions({ ext: chrome, fetch });
  const result = await actions.pairWithCode({ serverUrl: "127.0.0.1:27182", code: "K7QM-3XWP" });
  assert.deepEqual(result, { serverUrl: SERVER, version: "0.1.0", paired: true });
  assert.deepEqual(Object.fromEntries(data), { serverUrl: SERVER, token: TOKEN });
  assert.deepEqual(fetch.calls.map((c) => `${c.method} ${c.path}`),
    ["GET /api/health", "POST /api/pair", "GET /api/health", "GET /api/hello", "GET /api/articles"]);
});

test("nothing is stored when pairing fails; an empty code is not even sent", async () => {
  const fetch = fakeFetch({ ...HEALTH,
    "POST /api/pair": { status: 401, body: { error: { code: "wrong_pairing_code", message: "wrong (4 more tries)" } } } });
  const { chrome, data } = fakeChrome({ storage: { serverUrl: SERVER, token: "old" } });
  const actions = Act.createActions({ ext: chrome, fetch });
  await assert.rejects(actions.pairWithCode({ serverUrl: SERVER, code: "AAAA-BBBB" }), (e) => e.code === "wrong_pairing_code");
  await assert.rejects(actions.pairWithCode({ serverUrl: SERVER, code: "  " }), (e) => e.code === "missing_code");
  await assert.rejects(actions.pairWithCode({ serverUrl: "http://example.org", code: "AAAA-BBBB" }),
    (e) => e.code === "invalid_server_url");
  assert.deepEqual(Object.fromEntries(data), { serverUrl: SERVER, token: "old" });
  assert.equal(fetch.calls.filter((c) => c.path === "/api/pair").length, 1);
});

test("only the extension's own pages may ask the worker to pair", async () => {
  const fetch = fakeFetch({ ...HEALTH, "POST /api/pair": { body: { token: TOKEN } }, "GET /api/articles": { body: { items: [] } } });
  const { chrome, data } = fakeChrome();
  const worker = R.createWorker({ ext: chrome, fetch });
  const fromAPage = await worker.handleMessage({ type: "pair", serverUrl: SERVER, code: "K7QM-3XWP" },
    { id: "abc", url: "https://evil.example/", tab: { id: 5 } });
  assert.equal(fromAPage.ok, false);
  assert.equal(fetch.calls.length, 0);
  const ours = await worker.handleMessage({ type: "pair", serverUrl: SERVER, code: "K7QM-3XWP" }, OUR_PAGE);
  assert.deepEqual([ours.ok, ours.result.paired], [true, true]);
  assert.equal(data.get("token"), TOKEN);
});
