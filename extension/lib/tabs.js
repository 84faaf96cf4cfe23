/* QuietPage extension - what the worker does to tabs: run code in a page, talk to the
 * highlighter injected there, open the server's pages next to the current tab.
 *
 * createTabs(ext) with `ext` the browser's extension API (chrome / browser, or a fake in tests).
 */

import { LIST_PATH } from "./api.js";
import * as E from "./errors.js";

export const HIGHLIGHTER_JS = "content/highlighter.js";
export const HIGHLIGHTER_CSS = "content/highlighter.css";

// Runs in the page: the highlighter installs itself once per page in the extension's isolated
// world, under a symbol (content/highlighter.js: keep the key equal). Never under a name: an
// element with that id (<div id="__quietpage">) would be found there too (DOM clobbering) and
// turn the highlighter off; no markup can make a symbol-keyed property.
export function hasHighlighter() {
  const found = Object.getOwnPropertyDescriptor(globalThis, Symbol.for("quietpage.highlighter"));
  return Boolean(found && found.value && typeof found.value.paint === "function");
}

export function callHighlighter(name, args) {
  return globalThis[Symbol.for("quietpage.highlighter")][name](...args);
}

/** "http://127.0.0.1:27182" -> "http://127.0.0.1/*": match patterns have no port in Firefox
 * (and match every port in Chromium). */
export function hostPattern(origin) {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}

export function createTabs(ext) {

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

  /** Open a page of the server logged in, through a one-time login link (only ever one to the
   * server itself, see api.loginLink): in the tab that already shows it (so saving twice does
   * not pile up tabs), else in a new tab next to `nextTo`, in its window. */
  async function openServerPage(api, path, { nextTo = null, background = false } = {}) {
    const link = await api.loginLink(path);
    let existing = [];
    if (path !== LIST_PATH) {
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
      // the opener must be in the window the tab opens in: name it (the "current" window is
      // the popup's or a devtools' window as often as the page's)
      Object.assign(props, { index: nextTo.index + 1, openerTabId: nextTo.id });
      if (nextTo.windowId != null) props.windowId = nextTo.windowId;
    }
    try {
      return await ext.tabs.create(props);
    } catch (error) {
      if (!("openerTabId" in props)) throw E.fromBrowser(error);
    }
    try { // the tab or its window went away meanwhile: a plain new tab will do
      return await ext.tabs.create({ url: link, active: !background });
    } catch (error) {
      throw E.fromBrowser(error);
    }
  }

  return { get, urlOf, run, ensureHighlighter, highlighter, openServerPage };
}

