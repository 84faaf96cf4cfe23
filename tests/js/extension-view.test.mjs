// What the popup shows for each state, and how it reads tags.
import assert from "node:assert/strict";
import { test } from "node:test";

import { loadLibs, SERVER } from "./extension-harness.mjs";

const { view: V } = await loadLibs();

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

test("tag chips: the article's own tags applied, suggestions offered but never applied until clicked", () => {
  const saved = { tags: ["Economics", "my own"], suggested_tags: [{ name: "economics", score: 0.9 }, { name: "harbours", score: 0.4 }] };
  assert.deepEqual(V.tagChoices(saved), [
    { name: "Economics", applied: true, suggested: true },
    { name: "my own", applied: true, suggested: false },
    { name: "harbours", applied: false, suggested: true },
  ]);
  // a save that applied nothing: every suggestion is a chip to click, none pre-ticked
  assert.deepEqual(V.tagChoices({ tags: [], suggested_tags: [{ name: "harbours" }, { name: "fish" }] }).map((c) => c.applied), [false, false]);
  assert.deepEqual(V.toggleTag(["a", "Harbours"], "harbours"), ["a"]);
  assert.deepEqual(V.toggleTag(["a"], " long   read "), ["a", "long read"]);
  assert.deepEqual(V.parseTags(" long   read, Science,, science ,x "), ["long read", "Science", "x"]);
});

test("the saved line: new, updated (what became of the highlights) or already saved", () => {
  assert.deepEqual(V.savedLine({ status: 201, title: "T" }), { verb: "Saved", title: "T", detail: "" });
  assert.deepEqual(V.savedLine({ status: 200, title: "" }), { verb: "Updated", title: "(untitled page)", detail: "" });
  assert.equal(V.savedLine({ status: 200, title: "T", highlights: { anchored: 3, orphaned: 0 } }).detail, "3 highlights kept.");
  assert.equal(V.savedLine({ status: 200, title: "T", highlights: { anchored: 1, orphaned: 2 } }).detail,
    "1 highlight kept, 2 could not be placed in the new text (see them in the reader).");
  assert.deepEqual(V.savedLine({ status: 200, title: "T", already: true, highlights: { total: 2 } }),
    { verb: "Already saved", title: "T", detail: "2 highlights on this page." });
});

test("a save in progress: its steps, the size sent and the time so far", () => {
  const reading = V.progress({ phase: "reading", startedAt: 1000, bytes: null }, 3400);
  assert.deepEqual(reading.steps.map((s) => s.state), ["current", "todo"]);
  assert.equal(reading.elapsed, "2 s");
  const sending = V.progress({ phase: "sending", startedAt: 0, bytes: 7.3 * 1048576 }, 12000);
  assert.deepEqual(sending.steps.map((s) => s.state), ["done", "current"]);
  assert.match(sending.steps[1].label, /\(7\.3 MB\)$/);
});

test("an impostor on the port reads as not verified", () => {
  const c = V.connection({ serverUrl: SERVER, reachable: true, error: { code: "unproven_server" } });
  assert.deepEqual([c.tone, c.label], ["error", "Not verified"]);
  assert.equal(V.remedies({ code: "unproven_server" }).options, true);
});
