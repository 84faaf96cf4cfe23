/* QuietPage extension - the background worker: an ES module, as Chromium's service worker and
 * as Firefox's background script alike (manifest: "type": "module"); lib/router.js and what it
 * imports are the one list of its modules.
 *
 * The only place that talks to the server. It keeps nothing in memory that matters: settings
 * live in storage.local, a save's progress in storage.session, and every event reads them
 * afresh (MV3 workers are stopped when idle).
 */
import { createWorker } from "./lib/router.js";

const quietpage = createWorker({ ext: globalThis.browser || globalThis.chrome, fetch: (...args) => fetch(...args) });
quietpage.listen();

// What the toolbar popup, the shortcut and the menu run, reachable by the extension's own
// contexts (a module has no globals of its own): end-to-end tests drive the worker through these.
Object.assign(globalThis, {
  captureTab: (tabId, options) => quietpage.captureTab(tabId, options),
  highlightSelection: (tabId, options) => quietpage.highlightSelection(tabId, options),
  paintHighlights: (tabId, url) => quietpage.paintHighlights(tabId, url),
  runCommand: (command, tab) => quietpage.runCommand(command, tab),
  runMenuItem: (info, tab) => quietpage.runMenuItem(info, tab),
});
