// Test helpers for the extension's logic: import its ES modules, and fakes of `fetch` and of
// the browser's extension API (`chrome`) to inject. Not a test file itself.
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const EXTENSION = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "extension");
export const MANIFEST = JSON.parse(readFileSync(join(EXTENSION, "manifest.json"), "utf8"));

/** Every module of lib/, by name: {errors, settings, api, ..., view}. */
export async function loadLibs() {
  const names = readdirSync(join(EXTENSION, "lib")).filter((f) => f.endsWith(".js")).map((f) => f.slice(0, -3));
  const modules = await Promise.all(names.map((n) => import(pathToFileURL(join(EXTENSION, "lib", `${n}.js`)).href)));
  return Object.fromEntries(names.map((n, i) => [n, modules[i]]));
}

let workers = 0;
/** background.js run as the browser runs it, with `chrome` and `fetch` as its globals; returns
 * the globals it leaves (captureTab...). Each call runs a fresh copy of it. */
export async function loadWorker({ chrome, fetch }) {
  const saved = { chrome: globalThis.chrome, fetch: globalThis.fetch };
  const before = new Set(Object.keys(globalThis));
  Object.assign(globalThis, { chrome, fetch });
  try {
    await import(`${pathToFileURL(join(EXTENSION, "background.js")).href}?worker=${++workers}`);
  } finally {
    globalThis.chrome = saved.chrome;
  }
  const fetchNow = fetch; // its fetch is looked up at each call: keep the fake in place
  globalThis.fetch = fetchNow;
  return Object.fromEntries(Object.keys(globalThis).filter((k) => !before.has(k) && k !== "chrome").map((k) => [k, globalThis[k]]));
}

/** What a real server answers to GET /api/hello?nonce=N: hex HMAC-SHA256(token, "quietpage-hello|" + N). */
export const proofFor = (token, nonce) => createHmac("sha256", token).update(`quietpage-hello|${nonce}`).digest("hex");

/** Plain data out of another realm (vm), for deepStrictEqual. */
export const plain = (value) => JSON.parse(JSON.stringify(value));

/** A fake fetch: `routes` maps "METHOD /path" (query ignored) to a reply {status, body} or a
 * function (url, init) -> reply; an Error reply is thrown (the network failed). */
export function fakeFetch(routes = {}, { token = TOKEN } = {}) {
  const calls = [];
  routes = { "GET /api/hello": (c) => ({ body: { proof: proofFor(token, c.query.nonce), version: "0.1.0" } }), ...routes };
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
export function fakeChrome({ storage = {}, tabs = {}, hostAccess = true, granted = [], currentWindow = 1 } = {}) {
  const data = new Map(Object.entries(storage));
  const session = new Map();
  const changed = event();
  const area = (map, name) => ({
    async get(keys) {
      const list = keys == null ? [...map.keys()] : [].concat(keys);
      return Object.fromEntries(list.filter((k) => map.has(k)).map((k) => [k, structuredClone(map.get(k))]));
    },
    async set(items) {
      const changes = {};
      for (const [k, v] of Object.entries(items)) {
        changes[k] = { oldValue: map.get(k), newValue: structuredClone(v) };
        map.set(k, structuredClone(v));
      }
      changed.fire(changes, name);
    },
    async remove(keys) { for (const k of [].concat(keys)) map.delete(k); },
  });
  const origins = new Set(granted);
  const created = [], updated = [], badges = [], injected = [];
  let nextTab = 100;
  const tabList = new Map(Object.entries(tabs).map(([id, t]) => [Number(id), { id: Number(id), index: 0, ...t }]));
  const tabOf = (id) => {
    const tab = tabList.get(id);
    if (!tab) throw new Error(`No tab with id: ${id}.`);
    return tab;
  };
  const chrome = {
    storage: { local: area(data, "local"), session: area(session, "session"), onChanged: changed },
    tabs: {
      async get(id) { const { page, ...tab } = tabOf(id); return tab; },
      async create(props) {
        // as Chromium: an opener in another window than the one the tab opens in is refused
        const opener = props.openerTabId != null ? tabList.get(props.openerTabId) : null;
        if (opener && (props.windowId ?? currentWindow) !== (opener.windowId ?? currentWindow)) {
          throw new Error("Tab opener must be in the same window as the updated tab.");
        }
        const tab = { id: nextTab++, ...props };
        created.push(tab);
        return tab;
      },
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
    permissions: {
      // the server's host: `hostAccess`; anything else: what was granted
      async contains({ origins: asked = [] }) {
        return asked.every((o) => (/^http:\/\/(127\.0\.0\.1|localhost)\//.test(o) ? hostAccess : origins.has(o)));
      },
    },
    runtime: {
      id: "abc", getURL: (p) => `chrome-extension://abc/${p}`, getManifest: () => MANIFEST,
      onInstalled: event(), onMessage: event(), async getPlatformInfo() { return { os: "linux" }; },
    },
    contextMenus: { items: [], async removeAll() { this.items.length = 0; }, create(item) { this.items.push(item); }, onClicked: event() },
    commands: { onCommand: event() },
  };
  /** The badge a tab shows now: {text, title, color}. */
  const badgeOf = (tabId) => Object.fromEntries(["text", "title", "color"].map((kind) => {
    const last = badges.filter((b) => b.tabId === tabId && b.kind === kind).at(-1);
    return [kind, last ? last[kind === "color" ? "color" : kind] : undefined];
  }));
  return { chrome, data, session, created, updated, badges, badgeOf, injected, tabs: tabList };
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
