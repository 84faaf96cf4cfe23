// The manifest: least privilege, one manifest for Chromium and Firefox, every file it names
// present, the worker and the pages as ES modules.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { EXTENSION, MANIFEST } from "./extension-harness.mjs";

const ANCHORING = ["codepoints.js", "marks.js", "match.js", "rules.json", "text.js"];

test("least privilege: activeTab, scripting, storage, contextMenus; host access to loopback only", () => {
  assert.equal(MANIFEST.manifest_version, 3);
  assert.deepEqual([...MANIFEST.permissions].sort(), ["activeTab", "contextMenus", "scripting", "storage"]);
  assert.deepEqual(MANIFEST.host_permissions, ["http://127.0.0.1/*", "http://localhost/*"]);
  assert.equal(MANIFEST.optional_permissions, undefined);
  // every page only when the user turns on "pages I revisit" (Options asks for it then)
  assert.deepEqual(MANIFEST.optional_host_permissions, ["http://*/*", "https://*/*"]);
  assert.equal(MANIFEST.content_scripts, undefined); // nothing runs in pages unless the user asks
  const war = MANIFEST.web_accessible_resources;
  assert.deepEqual(war.map((w) => w.resources), [[...ANCHORING.map((f) => `lib/anchoring/${f}`), "lib/page-text.js"]]);
  // Not use_dynamic_url: Chromium resolves a module's relative imports against the fixed URL,
  // which use_dynamic_url forbids, so the highlighter's modules could not load (a page may thus
  // probe Chromium's fixed extension id; Firefox's per-install UUID hides it).
  assert.equal(war[0].use_dynamic_url, undefined);
  assert.deepEqual(war[0].matches, ["<all_urls>"]);
});

test("one manifest for both browsers: one module as service worker and background script, a Gecko id", () => {
  assert.deepEqual(MANIFEST.background, { service_worker: "background.js", scripts: ["background.js"], type: "module" });
  assert.match(MANIFEST.browser_specific_settings.gecko.id, /@/);
  const source = readFileSync(join(EXTENSION, "background.js"), "utf8");
  assert.match(source, /^import \{ createWorker \} from "\.\/lib\/router\.js";$/m);
  assert.doesNotMatch(source, /importScripts/);
});

test("every file the manifest and the pages name is there; the pages load modules only", () => {
  const files = [MANIFEST.background.service_worker, ...MANIFEST.background.scripts, MANIFEST.action.default_popup,
    MANIFEST.options_ui.page, ...Object.values(MANIFEST.icons), ...Object.values(MANIFEST.action.default_icon),
    ...MANIFEST.web_accessible_resources.flatMap((w) => w.resources), "content/highlighter.js", "content/highlighter.css"];
  for (const page of [MANIFEST.action.default_popup, MANIFEST.options_ui.page]) {
    const html = readFileSync(join(EXTENSION, page), "utf8");
    const dir = page.split("/").slice(0, -1).join("/");
    for (const [, ref] of html.matchAll(/(?:src|href)="([^"]+)"/g)) files.push(join(dir, ref));
    assert.doesNotMatch(html, /<script>|\son[a-z]+=/i, `${page}: no inline script (extension CSP)`);
    for (const [tag] of html.matchAll(/<script[^>]*>/g)) assert.match(tag, /type="module"/, `${page}: ${tag}`);
  }
  for (const file of files) assert.ok(existsSync(join(EXTENSION, file)), file);
});

test("the anchoring modules and their rules are the reader's own files, not copies", () => {
  assert.deepEqual(readdirSync(join(EXTENSION, "lib", "anchoring")).sort(), ANCHORING);
  for (const name of ANCHORING) {
    const shared = join(EXTENSION, "..", "static", "js", "anchoring", name);
    assert.equal(realpathSync(join(EXTENSION, "lib", "anchoring", name)), realpathSync(shared), name);
  }
});

test("no file of the extension is a classic script registering globals, but the highlighter", () => {
  for (const dir of ["lib", "popup", "options"]) {
    for (const file of readdirSync(join(EXTENSION, dir)).filter((f) => f.endsWith(".js"))) {
      const source = readFileSync(join(EXTENSION, dir, file), "utf8");
      assert.doesNotMatch(source, /globalThis\.QuietPage|module\.exports|^\(function/m, `${dir}/${file}`);
    }
  }
});

test("the commands: a shortcut to save, one to highlight", () => {
  assert.equal(MANIFEST.commands["save-page"].suggested_key.default, "Alt+Shift+S");
  assert.equal(MANIFEST.commands["highlight-selection"].suggested_key.default, "Alt+Shift+H");
});
