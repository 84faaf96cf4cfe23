/* QuietPage extension - the background worker (a classic service worker in Chromium; in
 * Firefox the same file runs as a background script after the libraries the manifest lists).
 *
 * The only place that talks to the server. It keeps nothing in memory: settings live in
 * storage.local and every event reads them afresh (MV3 workers are stopped when idle).
 * Its top-level functions are what the toolbar popup, the shortcut and the menu call - and
 * what end-to-end tests call directly.
 */
/* global importScripts, QuietPage */
"use strict";

// Keep in the order of manifest.json's background.scripts (Firefox); a test checks they agree.
const QUIETPAGE_LIBS = ["lib/errors.js", "lib/settings.js", "lib/api.js", "lib/capture.js", "lib/tabs.js",
  "lib/actions.js", "lib/highlights.js", "lib/router.js"];
if (typeof importScripts === "function") importScripts(...QUIETPAGE_LIBS);

const quietpage = QuietPage.router.createWorker({
  ext: globalThis.browser || globalThis.chrome,
  fetch: (...args) => fetch(...args),
});
quietpage.listen();

/** Save the tab's rendered page and open its reader view. -> {status, id, reader_url, ...} */
function captureTab(tabId, options) {
  return quietpage.captureTab(tabId, options);
}

/** Highlight the tab's selection (saving the page first if needed) and paint it. */
function highlightSelection(tabId, options) {
  return quietpage.highlightSelection(tabId, options);
}

/** Paint the saved highlights of the tab's page. -> {article_id, items, painted, orphaned} */
function paintHighlights(tabId, url) {
  return quietpage.paintHighlights(tabId, url);
}
