// How the popup and options pages ask the worker (lib/messages.js): its result, its error as
// it is, or a clear error when no worker answers.
import assert from "node:assert/strict";
import { test } from "node:test";

import * as M from "../../extension/lib/messages.js";
const extAnswering = (answer) => {
  const sent = [];
  return { sent, runtime: { sendMessage: async (message) => { sent.push(message); return answer; } } };
};

test("the worker's result, for the message sent", async () => {
  const ext = extAnswering({ ok: true, result: { paired: true } });
  assert.deepEqual(await M.send(ext, { type: "status", tabId: 3 }), { paired: true });
  assert.deepEqual(ext.sent, [{ type: "status", tabId: 3 }]);
});

test("the worker's error, as it sent it", async () => {
  const error = { code: "bad_token", message: "Your QuietPage server did not accept the extension's token.", hint: "Pair again." };
  await assert.rejects(M.send(extAnswering({ ok: false, error }), { type: "save" }), (e) => e === error);
});

test("no answer: the worker is not there, in words", async () => {
  await assert.rejects(M.send(extAnswering(undefined), { type: "pair" }), (e) =>
    e.code === "no_worker" && e.message === "The extension's background worker did not answer." && /Reload the extension/.test(e.hint));
});
