// What the popup shows for each state, and how it reads tags.
import assert from "node:assert/strict";
import { test } from "node:test";

import { loadLibs, SERVER } from "./extension-harness.mjs";

const { view: V } = loadLibs();

test("the connection line for every state", () => {
  assert.deepEqual(V.connection(null), { tone: "busy", label: "Checking\u2026", detail: "" });
  assert.deepEqual(V.connection({ serverUrl: SERVER, paired: true, reachable: true, version: "0.1.0" }),
    { tone: "ok", label: "Connected", detail: `QuietPage 0.1.0 at ${SERVER}, paired` });
  assert.deepEqual(V.connection({ serverUrl: SERVER, reachable: true, version: "0.1.0" }),
    { tone: "warn", label: "Not paired", detail: `QuietPage 0.1.0 at ${SERVER}` });
  assert.equal(V.connection({ serverUrl: SERVER, reachable: false }).label, "Not connected");
  assert.equal(V.connection({ serverUrl: SERVER, hostAccess: false }).label, "No access");
});

test("each problem offers the way out that fits it", () => {
  assert.deepEqual(V.remedies({ code: "server_down" }), { options: true, allowAccess: false, retry: true });
  assert.deepEqual(V.remedies({ code: "bad_token" }), { options: true, allowAccess: false, retry: true });
  assert.deepEqual(V.remedies({ code: "no_host_access" }), { options: false, allowAccess: true, retry: true });
  assert.deepEqual(V.remedies({ code: "forbidden_page" }), { options: false, allowAccess: false, retry: false });
  assert.deepEqual(V.remedies({ code: "too_large" }), { options: false, allowAccess: false, retry: false });
});

test("the popup saves by itself only when it can", () => {
  assert.equal(V.shouldAutoSave({ paired: true, error: null, page: { savable: true } }), true);
  assert.equal(V.shouldAutoSave({ paired: true, error: null, page: null }), true);
  assert.equal(V.shouldAutoSave({ paired: true, error: null, page: { savable: false } }), false);
  assert.equal(V.shouldAutoSave({ paired: false, error: { code: "not_paired" } }), false);
  assert.equal(V.shouldAutoSave({ paired: true, error: null, page: { savable: true, saved: true } }), false); // shown, not saved again
});

test("tags: the article's first (kept), then the other suggestions; typed tags split on commas", () => {
  const saved = { tags: ["Economics", "my own"], suggested_tags: [{ name: "economics", score: 0.9 }, { name: "harbours", score: 0.4 }] };
  assert.deepEqual(V.tagChoices(saved), [
    { name: "Economics", checked: true, suggested: true },
    { name: "my own", checked: true, suggested: false },
    { name: "harbours", checked: false, suggested: true },
  ]);
  assert.deepEqual(V.parseTags(" long   read, Science,, science ,x "), ["long read", "Science", "x"]);
  assert.deepEqual(V.savedLine({ status: 201, title: "T" }), { verb: "Saved", title: "T" });
  assert.deepEqual(V.savedLine({ status: 200, title: "" }), { verb: "Updated", title: "(untitled page)" });
  assert.deepEqual(V.savedLine({ status: 200, title: "T", already: true }), { verb: "Already saved", title: "T" });
});
