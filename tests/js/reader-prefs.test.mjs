// static/js/reader-prefs.js: applies the stored reading settings to <html> before the page
// paints, and leaves its key, defaults and apply() to prefs.js as window.QuietPagePrefs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const plain = (value) => JSON.parse(JSON.stringify(value)); // out of the script's realm
const SOURCE = readFileSync(new URL("../../static/js/reader-prefs.js", import.meta.url), "utf8");

function run(stored) {
  const props = new Map();
  const documentElement = { dataset: {}, style: { setProperty: (k, v) => props.set(k, v) } };
  const items = new Map(stored === undefined ? [] : [["qp-reader-prefs", stored]]);
  const window = { document: { documentElement }, localStorage: { getItem: (k) => (items.has(k) ? items.get(k) : null) } };
  window.window = window;
  vm.runInNewContext(SOURCE, window);
  return { html: { ...documentElement.dataset, step: props.get("--reader-step") }, P: window.QuietPagePrefs };
}

test("nothing stored: the defaults, applied and shared", () => {
  const { html, P } = run(undefined);
  assert.deepEqual(html, { theme: "auto", font: "serif", width: "medium", step: "0" });
  assert.equal(P.KEY, "qp-reader-prefs");
  assert.deepEqual(plain(P.DEFAULTS), { size: 0, width: "medium", font: "serif", theme: "auto" });
  assert.deepEqual(plain(P.load()), plain(P.DEFAULTS));
});

test("stored settings win over the defaults; a broken value falls back to them", () => {
  const { html, P } = run('{"theme": "dark", "size": 2}');
  assert.deepEqual(html, { theme: "dark", font: "serif", width: "medium", step: "2" });
  assert.deepEqual(plain(P.load()), { size: 2, width: "medium", font: "serif", theme: "dark" });
  assert.deepEqual(run("{not json").html, { theme: "auto", font: "serif", width: "medium", step: "0" });
});
