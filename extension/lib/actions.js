/* QuietPage extension - what the user asks for, but the save itself (save.js): check the
 * connection, pair, set tags, open the server's pages, say what went wrong. Runs in the
 * background worker only (the one place with network calls).
 *
 * createActions({ext, fetch}): `ext` is the browser's extension API (chrome / browser) and
 * `fetch` the network; tests pass fakes of both. Nothing is kept in memory between calls: an
 * MV3 worker may be stopped at any moment, so settings and the last problem live in storage.
 */
import * as A from "./api.js";
import { showBadge } from "./badge.js";
import * as C from "./capture.js";
import * as E from "./errors.js";
import { createJobs } from "./jobs.js";
import * as S from "./settings.js";
import { createTabs, hostPattern } from "./tabs.js";

// A problem met without a popup on screen (shortcut, context menu) is shown by the popup
// the next time it opens, if it is this recent.
export const PROBLEM_TTL_MS = 10 * 60 * 1000;
// Problems that a toast on the page cannot show (the page is not ours to touch).
const NO_TOAST = new Set(["forbidden_page", "no_access", "tab_gone", "error_page"]);

/** What the popup needs of an article (and of a save's answer). */
export function summary(article) {
  return {
    id: article.id, reader_url: article.reader_url, title: article.title || "",
    tags: (article.tags || []).map((t) => t.name),
    suggested_tags: (article.suggested_tags || []).map((t) => ({ name: t.name, score: t.score })),
  };
}

export function createActions({ ext, fetch }) {
  const tabs = createTabs(ext);
  const jobs = createJobs(ext);

  /** An Api for the stored settings (and the settings); throws "not paired" without a token. */
  async function connect({ requireToken = true } = {}) {
    const settings = await S.load(ext.storage);
    if (requireToken && !settings.token) throw E.notPaired();
    const api = A.createApi({ fetch, serverUrl: settings.serverUrl, token: settings.token });
    api.settings = settings;
    return api;
  }

  /** What the popup shows first: is the server there, is the extension paired, is this page
   * one we can save (and already saved)? Never throws: problems come back as `error`. */
  async function status(tabId = null) {
    const settings = await S.load(ext.storage);
    const out = { serverUrl: settings.serverUrl, reachable: false, paired: false, version: null,
      hostAccess: true, error: null, page: null, job: await jobs.get(tabId), problem: await recentProblem(),
      preferences: { openReader: settings.openReader, revisit: settings.revisit } };
    try {
      out.hostAccess = await hasHostAccess(settings.serverUrl);
      if (!out.hostAccess) throw noHostAccess(settings.serverUrl);
      const api = A.createApi({ fetch, ...settings });
      out.version = (await api.health()).version || null;
      out.reachable = true;
      if (!settings.token) throw E.notPaired();
      await api.checkToken();
      out.paired = true;
      if (tabId != null) out.page = await pageState(api, tabId);
    } catch (error) {
      out.error = E.toPlain(error);
    }
    return out;
  }

  /** Is the tab's page saved (and with how many highlights)? Said on its button too: the popup
   * is open, so the extension may read the tab's URL. */
  async function pageState(api, tabId) {
    const url = await tabs.urlOf(tabId);
    if (url && !C.isWebPage(url)) return { url, savable: false, error: E.toPlain(E.forbiddenPage(url)) };
    if (!url) return { url, savable: true, saved: null };
    const { article_id, items } = await api.highlightsFor(url);
    if (!article_id) {
      await showBadge(ext, tabId, { state: "none" });
      return { url, savable: true, saved: false, articleId: null, highlights: 0 };
    }
    const article = await api.getArticle(article_id);
    await showBadge(ext, tabId, { state: "saved", highlights: items.length, title: article.title });
    return { url, savable: true, saved: true, articleId: article_id, highlights: items.length,
      article: { status: 200, ...summary(article), already: true, highlights: { total: items.length } } };
  }

  /** Options' "Test connection": the given (not yet stored) settings. */
  async function testConnection({ serverUrl, token }) {
    const api = A.createApi({ fetch, serverUrl: S.normalizeServerUrl(serverUrl), token: S.normalizeToken(token) });
    if (!(await hasHostAccess(api.serverUrl))) throw noHostAccess(api.serverUrl);
    const { version } = await api.health();
    if (!S.normalizeToken(token)) throw E.notPaired();
    await api.checkToken();
    return { serverUrl: api.serverUrl, version, paired: true };
  }

  /** Options' "Pair": trade a `quietpage pair` code for the token, keep both, check it works. */
  async function pairWithCode({ serverUrl, code }) {
    const url = S.normalizeServerUrl(serverUrl);
    if (!String(code || "").trim()) {
      throw new E.QuietPageError("missing_code", "Type the pairing code first.", A.PAIR_HINT);
    }
    const api = A.createApi({ fetch, serverUrl: url, token: "" });
    if (!(await hasHostAccess(url))) throw noHostAccess(url);
    await api.health();
    const { token } = await api.pair(code);
    await S.save(ext.storage, { serverUrl: url, token });
    return testConnection({ serverUrl: url, token });
  }

  async function setTags(articleId, names) {
    const api = await connect();
    const article = await api.setTags(articleId, names);
    return { id: article.id, tags: (article.tags || []).map((t) => t.name) };
  }

  async function openReadingList(tabId = null) {
    const api = await connect();
    const nextTo = tabId == null ? null : await tabs.get(tabId).catch(() => null);
    await tabs.openServerPage(api, A.LIST_PATH, { nextTo });
    return { opened: true };
  }

  async function openReader(articleId, tabId = null) {
    const api = await connect();
    const nextTo = tabId == null ? null : await tabs.get(tabId).catch(() => null);
    await tabs.openServerPage(api, A.readerPath(articleId), { nextTo });
    return { opened: true };
  }

  async function hasHostAccess(serverUrl) {
    if (!ext.permissions || typeof ext.permissions.contains !== "function") return true;
    try {
      return await ext.permissions.contains({ origins: [hostPattern(serverUrl)] });
    } catch {
      return true;
    }
  }

  function noHostAccess(serverUrl) {
    return new E.QuietPageError("no_host_access", `The browser has not allowed the extension to reach ${serverUrl}.`,
      "Click \u201cAllow access\u201d below (Firefox asks for this once), or allow it in the add-on's permissions.");
  }

  // ---------------------------------------------------------------- problems without a popup
  /** Shortcut and context menu have no popup: say what went wrong on the page itself if we
   * can, on the toolbar button, and in the popup the next time it opens. */
  async function reportProblem(tabId, error) {
    const plain = E.toPlain(error);
    await ext.storage.local.set({ lastProblem: { ...plain, at: Date.now() } });
    if (tabId != null) {
      await showBadge(ext, tabId, { state: "problem", message: plain.message });
      if (!NO_TOAST.has(plain.code)) await tabs.highlighter(tabId, "toast", plain, "error").catch(() => null);
    }
    return plain;
  }

  async function recentProblem() {
    const { lastProblem } = await ext.storage.local.get("lastProblem");
    return lastProblem && Date.now() - lastProblem.at < PROBLEM_TTL_MS ? lastProblem : null;
  }

  /** The popup has shown the last problem: forget it (the button shows the page's state again
   * when the popup asks for it). */
  async function clearProblem() {
    await ext.storage.local.remove("lastProblem");
  }

  return { connect, status, testConnection, pairWithCode, setTags, openReadingList, openReader,
    reportProblem, recentProblem, clearProblem, hasHostAccess, tabs, jobs };
}

