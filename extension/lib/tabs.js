/* QuietPage extension - what the worker does to tabs: run code in a page, talk to the
 * highlighter injected there, open the server's pages next to the current tab.
 *
 * createTabs(ext) with `ext` the browser's extension API (chrome / browser, or a fake in tests).
 * Classic script; registers globalThis.QuietPage.tabs.
 */
(function (root) {
  "use strict";

  const HIGHLIGHTER_JS = "content/highlighter.js";
  const HIGHLIGHTER_CSS = "content/highlighter.css";

  // Runs in the page: the highlighter installs itself once per page as globalThis.__quietpage
  // (in the extension's isolated world, invisible to the page's own scripts).
  function hasHighlighter() {
    return typeof globalThis.__quietpage === "object" && globalThis.__quietpage !== null;
  }

  function callHighlighter(name, args) {
    return globalThis.__quietpage[name](...args);
  }

  /** "http://127.0.0.1:27182" -> "http://127.0.0.1/*": match patterns have no port in Firefox
   * (and match every port in Chromium). */
  function hostPattern(origin) {
    const url = new URL(origin);
    return `${url.protocol}//${url.hostname}/*`;
  }

  function createTabs(ext) {
    const E = root.QuietPage.errors;

    async function get(tabId) {
      try {
        return await ext.tabs.get(tabId);
      } catch (error) {
        throw E.fromBrowser(error);
      }
    }

    async function urlOf(tabId) {
      try {
        return (await ext.tabs.get(tabId)).url || "";
      } catch {
        return "";
      }
    }

    /** Run `func(...args)` in the tab's main frame; its (awaited) result. */
    async function run(tabId, func, args = []) {
      let results;
      try {
        results = await ext.scripting.executeScript({ target: { tabId }, func, args });
      } catch (error) {
        throw E.fromBrowser(error, await urlOf(tabId));
      }
      const first = results && results[0];
      if (!first) throw E.fromBrowser(new Error("the page gave no answer"), await urlOf(tabId));
      if (first.error) throw E.fromBrowser(first.error, await urlOf(tabId));
      return first.result;
    }

    async function ensureHighlighter(tabId) {
      if (await run(tabId, hasHighlighter)) return;
      try {
        await ext.scripting.insertCSS({ target: { tabId }, files: [HIGHLIGHTER_CSS] });
        await ext.scripting.executeScript({ target: { tabId }, files: [HIGHLIGHTER_JS] });
      } catch (error) {
        throw E.fromBrowser(error, await urlOf(tabId));
      }
    }

    /** Call a function of the page's highlighter (injected first if needed). */
    async function highlighter(tabId, name, ...args) {
      await ensureHighlighter(tabId);
      return run(tabId, callHighlighter, [name, args]);
    }

    /** Open a page of the server logged in, through a one-time login link: in the tab that
     * already shows it (so saving twice does not pile up tabs), else in a new tab next to `nextTo`. */
    async function openServerPage(api, path, { nextTo = null, background = false } = {}) {
      const link = await api.loginLink(path);
      let existing = [];
      if (path !== root.QuietPage.api.LIST_PATH) {
        try {
          const target = api.serverUrl + path;
          existing = (await ext.tabs.query({ url: hostPattern(api.serverUrl) }))
            .filter((t) => t.url === target || (t.url || "").startsWith(target + "?") || (t.url || "").startsWith(target + "#"));
        } catch {
          existing = []; // a browser that refuses the query: a new tab will do
        }
      }
      if (existing.length) {
        return ext.tabs.update(existing[0].id, { url: link, active: !background });
      }
      const props = { url: link, active: !background };
      if (nextTo && Number.isInteger(nextTo.index)) {
        props.index = nextTo.index + 1;
        props.openerTabId = nextTo.id;
      }
      return ext.tabs.create(props);
    }

    return { get, urlOf, run, ensureHighlighter, highlighter, openServerPage };
  }

  const api = { createTabs, hostPattern, hasHighlighter, callHighlighter, HIGHLIGHTER_JS, HIGHLIGHTER_CSS };
  root.QuietPage = Object.assign(root.QuietPage || {}, { tabs: api });
  if (typeof module === "object" && module.exports) module.exports = api;
})(globalThis);
