// static/js/api.js, the pages' door to the server: JSON bodies, a file sent as it is (an
// import), and the same errors for both - a 401 says the session has ended.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError, post } from "../../static/js/api.js";

function answer(status, body) {
  const calls = [];
  globalThis.fetch = async (path, init) => {
    calls.push({ path, init });
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  };
  return calls;
}

test("an object goes as JSON", async () => {
  const calls = answer(200, { ok: true });
  assert.deepEqual(await post("/api/fetch-jobs", { a: 1 }), { ok: true });
  assert.equal(calls[0].init.headers["Content-Type"], "application/json");
  assert.equal(calls[0].init.body, '{"a":1}');
});

test("a Blob or File goes as it is, with its own type", async () => {
  const calls = answer(200, { total: 1 });
  const file = new File(["url,title\n"], "pocket.csv", { type: "text/csv" });
  assert.deepEqual(await post("/api/import", file), { total: 1 });
  assert.equal(calls[0].init.body, file);
  assert.equal(calls[0].init.headers["Content-Type"], "text/csv");
  await post("/api/import", new Blob(["x"]));
  assert.equal(calls[1].init.headers["Content-Type"], "application/octet-stream");
});

test("an upload's errors are every call's errors: a 401 says the session has ended", async () => {
  answer(401, { error: { code: "unauthorized", message: "no" } });
  await assert.rejects(post("/api/import", new Blob(["x"])),
    (e) => e instanceof ApiError && e.status === 401 && e.message.startsWith("Your session has ended"));
  answer(400, { error: { code: "bad_file", message: "Line 3 is not CSV." } });
  await assert.rejects(post("/api/import", new Blob(["x"])), (e) => e.code === "bad_file" && e.message === "Line 3 is not CSV.");
});
