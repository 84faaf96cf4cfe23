// The manifest: least privilege, one manifest for Chromium and Firefox, every file it names
// present, and the worker's libraries listed alike for both browsers.
import assert from "node:assert/strict";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { EXTENSION, MANIFEST } from "./extension-harness.mjs";

test("least privilege: activeTab, scripting, storage, contextMenus; host access to loopback only", () => {
  assert.equal(MANIFEST.manifest_version, 3);
  assert.deepEqual([...MANIFEST.permissions].sort(), ["activeTab", "contextMenus", "scripting", "storage"]);
  assert.deepEqual(MANIFEST.host_permissions, ["http://127.0.0.1/*", "http://localhost/*"]);
  assert.equal(MANIFEST.optional_permissions, undefined);
  assert.equal(MANIFEST.content_scripts, undefined); // nothing runs in pages unless the user asks
  const war = MANIFEST.web_accessible_resources;
  assert.deepEqual(war.map((w) => w.resources), [["lib/anchoring.js"]]);
  assert.equal(war[0].use_dynamic_url, true); // pages cannot probe a fixed URL to detect us
});

test("one manifest for both browsers: a service worker, background scripts, a Gecko id", () => {
  assert.equal(MANIFEST.background.service_worker, "background.js");
  assert.equal(MANIFEST.background.scripts.at(-1), "background.js");
  assert.match(MANIFEST.browser_specific_settings.gecko.id, /@/);
  const source = readFileSync(join(EXTENSION, "background.js"), "utf8");
  const listed = JSON.parse(source.match(/const QUIETPAGE_LIBS = (\[[^\]]*\])/)[1].replace(/\s+/g, " "));
  assert.deepEqual(listed, MANIFEST.background.scripts.slice(0, -1), "importScripts list == Firefox's background.scripts");
  assert.doesNotMatch(source, /^\s*(import|export)\s/m, "a classic worker: no import/export");
});

test("every file the manifest and the pages name is there", () => {
  const files = [MANIFEST.background.service_worker, ...MANIFEST.background.scripts, MANIFEST.action.default_popup,
    MANIFEST.options_ui.page, ...Object.values(MANIFEST.icons), ...Object.values(MANIFEST.action.default_icon),
    ...MANIFEST.web_accessible_resources.flatMap((w) => w.resources), "content/highlighter.js", "content/highlighter.css"];
  for (const page of [MANIFEST.action.default_popup, MANIFEST.options_ui.page]) {
    const html = readFileSync(join(EXTENSION, page), "utf8");
    const dir = page.split("/").slice(0, -1).join("/");
    for (const [, ref] of html.matchAll(/(?:src|href)="([^"]+)"/g)) files.push(join(dir, ref));
    assert.doesNotMatch(html, /<script>|\son[a-z]+=/i, `${page}: no inline script (extension CSP)`);
  }
  for (const file of files) assert.ok(existsSync(join(EXTENSION, file)), file);
});

test("the anchoring module is the shared one, not a copy", () => {
  const shared = join(EXTENSION, "..", "static", "js", "anchoring.js");
  assert.equal(realpathSync(join(EXTENSION, "lib", "anchoring.js")), realpathSync(shared));
});

test("the commands: a shortcut to save, one to highlight", () => {
  assert.equal(MANIFEST.commands["save-page"].suggested_key.default, "Alt+Shift+S");
  assert.equal(MANIFEST.commands["highlight-selection"].suggested_key.default, "Alt+Shift+H");
});
