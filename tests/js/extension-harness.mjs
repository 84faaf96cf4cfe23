// Test helpers for the extension's logic: load its classic scripts, and fakes of `fetch` and of
// the browser's extension API (`chrome`) to inject. Not a test file itself.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

export const EXTENSION = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "extension");
export const MANIFEST = JSON.parse(readFileSync(join(EXTENSION, "manifest.json"), "utf8"));
const require = createRequire(import.meta.url);

/** The libraries, loaded as the worker loads them (in manifest order); globalThis.QuietPage. */
export function loadLibs() {
  for (const file of MANIFEST.background.scripts.filter((f) => f.startsWith("lib/"))) require(join(EXTENSION, file));
  require(join(EXTENSION, "lib/view.js"));
  return globalThis.QuietPage;
}

/** background.js in a fresh realm, as Chromium runs it: importScripts, then top-level code. */
export function loadWorker(globals) {
  const context = vm.createContext({ console, URL, AbortSignal, TextEncoder, setTimeout, clearTimeout, ...globals });
  context.importScripts = (...files) => {
    for (const file of files) vm.runInContext(readFileSync(join(EXTENSION, file), "utf8"), context, { filename: file });
  };
  vm.runInContext(readFileSync(join(EXTENSION, "background.js"), "utf8"), context, { filename: "background.js" });
  return context;
}

/** Plain data out of another realm (vm), for deepStrictEqual. */
export const plain = (value) => JSON.parse(JSON.stringify(value));

/** A fake fetch: `routes` maps "METHOD /path" (query ignored) to a reply {status, body} or a
 * function (url, init) -> reply; an Error reply is thrown (the network failed). */
export function fakeFetch(routes = {}) {
  const calls = [];
  async function fetch(url, init = {}) {
    const u = new URL(url);
    const call = { url, method: init.method || "GET", path: u.pathname, query: Object.fromEntries(u.searchParams),
      headers: init.headers || {}, body: init.body ? JSON.parse(init.body) : undefined, init };
    calls.push(call);
    let reply = routes[`${call.method} ${call.path}`];
    if (typeof reply === "function") reply = await reply(call);
    if (reply === undefined) reply = { status: 404, body: { error: { code: "not_found", message: `Nothing here: ${call.path}` } } };
    if (reply instanceof Error) throw reply;
    const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    return new Response(text, { status: reply.status || 200, headers: { "Content-Type": "application/json" } });
  }
  fetch.calls = calls;
  return fetch;
}

function event() {
  const listeners = [];
  return { listeners, addListener: (fn) => listeners.push(fn), fire: (...args) => listeners.map((fn) => fn(...args)) };
}

/** A fake `chrome`: storage, tabs, scripting (pages answer through `tabs[id].page`), action,
 * permissions, menus, commands and runtime, recording what the worker did. */
export function fakeChrome({ storage = {}, tabs = {}, hostAccess = true } = {}) {
  const data = new Map(Object.entries(storage));
  const created = [], updated = [], badges = [], injected = [];
  let nextTab = 100;
  const tabList = new Map(Object.entries(tabs).map(([id, t]) => [Number(id), { id: Number(id), index: 0, ...t }]));
  const tabOf = (id) => {
    const tab = tabList.get(id);
    if (!tab) throw new Error(`No tab with id: ${id}.`);
    return tab;
  };
  const chrome = {
    storage: { local: {
      async get(keys) {
        const list = keys == null ? [...data.keys()] : [].concat(keys);
        return Object.fromEntries(list.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
      },
      async set(items) { for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v)); },
      async remove(keys) { for (const k of [].concat(keys)) data.delete(k); },
    } },
    tabs: {
      async get(id) { const { page, ...tab } = tabOf(id); return tab; },
      async create(props) { const tab = { id: nextTab++, ...props }; created.push(tab); return tab; },
      async update(id, props) { updated.push({ id, ...props }); return { id, ...props }; },
      async query(q) {
        const all = [...tabList.values()].map(({ page, ...t }) => t);
        if (q.url) {
          const pattern = new RegExp("^" + q.url.replace(/[.?]/g, "\\$&").replace("/*", "(:\\d+)?/.*") + "$");
          return all.filter((t) => t.url && pattern.test(t.url));
        }
        return all.filter((t) => t.active);
      },
      onUpdated: event(),
    },
    scripting: {
      async executeScript({ target, func, files, args = [] }) {
        const tab = tabOf(target.tabId);
        if (tab.refuse) throw new Error(tab.refuse);
        if (files) {
          injected.push({ tabId: target.tabId, files });
          tab.highlighterInstalled = true;
          return [{ frameId: 0, result: undefined }];
        }
        const result = await tab.page(func, args, tab);
        return [{ frameId: 0, result }];
      },
      async insertCSS({ target, files }) { injected.push({ tabId: target.tabId, css: files }); },
    },
    action: {
      async setBadgeText(d) { badges.push({ kind: "text", ...d }); },
      async setBadgeBackgroundColor(d) { badges.push({ kind: "color", ...d }); },
      async setTitle(d) { badges.push({ kind: "title", ...d }); },
    },
    permissions: { async contains() { return hostAccess; } },
    runtime: {
      id: "abc", getURL: (p) => `chrome-extension://abc/${p}`, getManifest: () => MANIFEST,
      onInstalled: event(), onMessage: event(),
    },
    contextMenus: { items: [], async removeAll() { this.items.length = 0; }, create(item) { this.items.push(item); }, onClicked: event() },
    commands: { onCommand: event() },
  };
  return { chrome, data, created, updated, badges, injected, tabs: tabList };
}

/** A page in a fake tab: answers pageSnapshot with `snapshot`, and the highlighter's calls
 * with `highlighter` (an object of functions). */
export function fakePage({ snapshot = null, highlighter = {} } = {}) {
  return async (func, args, tab) => {
    if (func.name === "pageSnapshot") return { contentType: "text/html", ...snapshot };
    if (func.name === "hasHighlighter") return Boolean(tab.highlighterInstalled);
    if (func.name === "callHighlighter") {
      const [name, callArgs] = args;
      return highlighter[name] ? highlighter[name](...callArgs) : undefined;
    }
    throw new Error(`unexpected script ${func.name}`);
  };
}

export const SERVER = "http://127.0.0.1:27182";
export const TOKEN = "t0ken";
export const PAIRED = { serverUrl: SERVER, token: TOKEN };

export function article(overrides = {}) {
  return { id: "7", url: "https://example.org/a", title: "A title", text: "Some text",
    tags: [{ name: "economics", source: "keyword", score: 0.8 }],
    suggested_tags: [{ name: "economics", source: "keyword", score: 0.8 }, { name: "harbours", source: "keyword", score: 0.5 }],
    reader_url: `${SERVER}/read/7`, highlights: { anchored: 0, orphaned: 0 }, ...overrides };
}
