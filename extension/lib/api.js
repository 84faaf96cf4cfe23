/* QuietPage extension - the only file that knows the server's URLs and sends the token: its
 * API calls, and the pages the extension opens (readerPath, LIST_PATH).
 *
 * createApi({fetch, serverUrl, token}) -> one method per server call. `fetch` is injected
 * (tests pass a fake); only the background worker creates an Api, so only the worker talks
 * to the network. Every failure is thrown as a QuietPageError with words for the popup.
 * Classic script; registers globalThis.QuietPage.api.
 */
(function (root) {
  "use strict";

  // Seconds to wait: the health check must be snappy (the popup waits on it); a save runs the
  // server's extraction on a possibly large page.
  const TIMEOUTS = { quick: 4, save: 60, normal: 15 };

  function errors() {
    return root.QuietPage.errors;
  }

  function createApi({ fetch, serverUrl, token }) {
    if (typeof fetch !== "function") throw new TypeError("createApi needs a fetch function");
    const E = errors();

    async function request(method, path, { body, auth = true, timeout = TIMEOUTS.normal, failure = E.fromHttp } = {}) {
      if (auth && !token) throw E.notPaired();
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
        return data.url;
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
  const PAIR_HINT = "Run `quietpage pair` in a terminal and type the code it shows (it works once, for a few minutes).";

  function pairingError(status, data, serverUrl) {
    const E = errors();
    const err = data && typeof data === "object" && data.error && typeof data.error === "object" ? data.error : null;
    if (err && PAIRING_CODES.has(err.code)) return new E.QuietPageError(String(err.code), String(err.message || ""), PAIR_HINT);
    return E.fromHttp(status, data, serverUrl);
  }

  // The server's own pages the extension opens (logged in, through a login link).
  const LIST_PATH = "/";
  const readerPath = (articleId) => `/read/${encodeURIComponent(articleId)}`;

  const api = { createApi, readerPath, LIST_PATH, TIMEOUTS, PAIR_HINT };
  root.QuietPage = Object.assign(root.QuietPage || {}, { api });
  if (typeof module === "object" && module.exports) module.exports = api;
})(globalThis);
