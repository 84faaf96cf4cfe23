/* QuietPage extension - the only file that knows the server's URLs and sends the token: its
 * API calls, and the pages the extension opens (readerPath, LIST_PATH).
 *
 * createApi({fetch, serverUrl, token}) -> one method per server call. `fetch` is injected
 * (tests pass a fake); only the background worker creates an Api, so only the worker talks
 * to the network. Every failure is thrown as a QuietPageError with words for the popup.
 *
 * Nothing secret leaves before the server has proved who it is: the first call that would send
 * the token (and so a page's HTML, or ask for a login link) first asks GET /api/hello with a
 * fresh random nonce, and goes on only if the answer is HMAC-SHA256(token, "quietpage-hello|" +
 * nonce) - which only a server holding the token can compute. A login link is opened only when
 * it leads to this same server.
 */

import * as E from "./errors.js";

// Seconds to wait: the health check must be snappy (the popup waits on it); a save runs the
// server's extraction on a possibly large page.
export const TIMEOUTS = { quick: 4, save: 60, normal: 15 };

const HELLO_CONTEXT = "quietpage-hello|";

/** A fresh random nonce: 32 characters of [A-Za-z0-9_-] (the server takes 16 to 128). */
export function newNonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

/** hex(HMAC-SHA256(key = token, message = "quietpage-hello|" + nonce)), with WebCrypto. */
export async function helloProof(token, nonce) {
  const encode = (text) => new TextEncoder().encode(text);
  const key = await crypto.subtle.importKey("raw", encode(token), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encode(HELLO_CONTEXT + nonce)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function createApi({ fetch, serverUrl, token }) {
  if (typeof fetch !== "function") throw new TypeError("createApi needs a fetch function");
  let proven = null; // the hello check, once per Api (a promise, so parallel calls share it)

  /** Resolves when the server has proved it holds the token; throws unproven_server otherwise. */
  function proveServer() {
    proven = proven || (async () => {
      const nonce = newNonce();
      let data;
      try {
        ({ data } = await request("GET", `/api/hello?nonce=${nonce}`, { auth: false, timeout: TIMEOUTS.quick }));
      } catch (error) {
        if (["server_down", "timeout"].includes(error.code)) throw error;
        throw E.unprovenServer(serverUrl);
      }
      const expected = await helloProof(token, nonce);
      if (typeof data.proof !== "string" || data.proof.toLowerCase() !== expected) throw E.unprovenServer(serverUrl);
      return true;
    })();
    proven.catch(() => { proven = null; }); // a failed check is tried again next time
    return proven;
  }

  async function request(method, path, { body, auth = true, timeout = TIMEOUTS.normal, failure = E.fromHttp } = {}) {
    if (auth && !token) throw E.notPaired();
    if (auth) await proveServer();
    const headers = { Accept: "application/json" };
    if (auth) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(serverUrl + path, {
        method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
        credentials: "omit", cache: "no-store", redirect: "error",
        signal: AbortSignal.timeout(timeout * 1000),
      });
    } catch (error) {
      if (error && (error.name === "TimeoutError" || error.name === "AbortError")) throw E.timedOut(serverUrl, timeout);
      throw E.serverDown(serverUrl);
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) throw failure(response.status, data, serverUrl);
    if (!data || typeof data !== "object") throw E.notQuietPage(serverUrl, response.status);
    return { status: response.status, data };
  }

  /** The URL, if it is a page of this very server (same origin); otherwise foreign_link. */
  function ownLink(url) {
    let parsed;
    try {
      parsed = new URL(String(url), serverUrl + "/");
    } catch {
      throw E.foreignLink(serverUrl);
    }
    if (parsed.origin !== new URL(serverUrl).origin || parsed.username || parsed.password) throw E.foreignLink(serverUrl);
    return parsed.href;
  }

  return {
    serverUrl,
    /** {status: "ok", version}; no token needed. */
    async health() {
      const { data } = await request("GET", "/api/health", { auth: false, timeout: TIMEOUTS.quick });
      if (data.status !== "ok") throw E.notQuietPage(serverUrl, 200);
      return data;
    },
    /** Trade a pairing code (what `quietpage pair` shows) for the token: -> {token, origin}.
     * The server remembers this extension's origin as the paired one. */
    async pair(code) {
      const { data } = await request("POST", "/api/pair", { body: { code: String(code || "").trim() }, auth: false,
        timeout: TIMEOUTS.quick, failure: pairingError });
      if (typeof data.token !== "string" || !data.token) throw E.notQuietPage(serverUrl, 200);
      return { token: data.token, origin: data.origin || null };
    },
    /** Resolves when the server proved it holds our token (GET /api/hello); nothing secret is sent. */
    proveServer,
    /** Resolves when the token is accepted (a cheap authenticated read). */
    async checkToken() {
      await request("GET", "/api/articles?limit=1", { timeout: TIMEOUTS.quick });
      return true;
    },
    /** payload: {url, html, title} or its JSON text. -> {status: 201|200, article} */
    async saveArticle(payload) {
      const { status, data } = await request("POST", "/api/articles", { body: payload, timeout: TIMEOUTS.save });
      return { status, article: data };
    },
    /** The saved article (reader fields, tags, suggested_tags). */
    async getArticle(articleId) {
      const { data } = await request("GET", `/api/articles/${encodeURIComponent(articleId)}`);
      return data;
    },
    async setTags(articleId, names) {
      const { data } = await request("PATCH", `/api/articles/${encodeURIComponent(articleId)}`, { body: { tags: names } });
      return data;
    },
    /** A one-time login link that opens `next` (a path on the server) logged in. */
    async loginLink(next = "/") {
      const { data } = await request("POST", "/api/login-links", { body: { next } });
      return ownLink(data.url);
    },
    /** {article_id, items}: the saved page at this URL and its highlights (article_id null: never saved). */
    async highlightsFor(url) {
      const { data } = await request("GET", `/api/highlights?url=${encodeURIComponent(url)}`, { timeout: TIMEOUTS.quick });
      return { article_id: data.article_id || null, items: Array.isArray(data.items) ? data.items : [] };
    },
    async addHighlight(articleId, { selectors, color, note }) {
      const body = { selectors };
      if (color) body.color = color;
      if (note) body.note = note;
      const { data } = await request("POST", `/api/articles/${encodeURIComponent(articleId)}/highlights`, { body });
      return data;
    },
  };
}

// What the server says about a pairing code is meant for the user as it is (a wrong, used or
// expired code); anything else reads like any other failure.
const PAIRING_CODES = new Set(["no_pairing_code", "expired_pairing_code", "wrong_pairing_code", "too_many_attempts",
  "missing_field", "empty_field", "too_long"]);
export const PAIR_HINT = "Run `quietpage pair` in a terminal and type the code it shows (it works once, for a few minutes).";

function pairingError(status, data, serverUrl) {
  const err = data && typeof data === "object" && data.error && typeof data.error === "object" ? data.error : null;
  if (err && PAIRING_CODES.has(err.code)) return new E.QuietPageError(String(err.code), String(err.message || ""), PAIR_HINT);
  return E.fromHttp(status, data, serverUrl);
}

// The server's own pages the extension opens (logged in, through a login link).
export const LIST_PATH = "/";
export const readerPath = (articleId) => `/read/${encodeURIComponent(articleId)}`;

