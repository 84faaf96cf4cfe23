/* QuietPage extension - the two settings, kept in storage.local under `serverUrl` and `token`.
 *
 * The worker reads them on every use (an MV3 worker forgets everything when it sleeps).
 * The server must be on loopback: those are the only hosts the extension may reach.
 * Classic script; registers globalThis.QuietPage.settings.
 */
(function (root) {
  "use strict";

  const DEFAULT_SERVER_URL = "http://127.0.0.1:27182";
  // Match the manifest's host_permissions: nothing but this computer.
  const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);

  function errors() {
    return root.QuietPage.errors;
  }

  /** "127.0.0.1:27182/", "http://localhost:8000/x" -> "http://127.0.0.1:27182", "http://localhost:8000". */
  function normalizeServerUrl(input) {
    let text = String(input == null ? "" : input).trim();
    if (!text) return DEFAULT_SERVER_URL;
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = "http://" + text;
    let url;
    try {
      url = new URL(text);
    } catch {
      throw new (errors().QuietPageError)("invalid_server_url", `"${String(input).trim()}" is not a server address.`,
        `Use the address \`quietpage serve\` prints, e.g. ${DEFAULT_SERVER_URL}.`);
    }
    if (url.protocol !== "http:" || !LOOPBACK_HOSTS.has(url.hostname) || url.username || url.password) {
      throw new (errors().QuietPageError)("invalid_server_url",
        `QuietPage's server must run on this computer, at http://127.0.0.1 or http://localhost (not ${url.origin}).`,
        `Use the address \`quietpage serve\` prints, e.g. ${DEFAULT_SERVER_URL}.`);
    }
    return url.origin;
  }

  function normalizeToken(input) {
    return String(input == null ? "" : input).trim();
  }

  /** {serverUrl, token} from storage.local, with the default server. */
  async function load(storage) {
    const stored = await storage.local.get(["serverUrl", "token"]);
    let serverUrl = DEFAULT_SERVER_URL;
    try {
      serverUrl = normalizeServerUrl(stored.serverUrl);
    } catch {
      // a bad stored value: fall back to the default rather than reaching elsewhere
    }
    return { serverUrl, token: normalizeToken(stored.token) };
  }

  /** Check and store; returns what was stored. Throws a QuietPageError for a bad address. */
  async function save(storage, { serverUrl, token }) {
    const clean = { serverUrl: normalizeServerUrl(serverUrl), token: normalizeToken(token) };
    await storage.local.set(clean);
    return clean;
  }

  const api = { DEFAULT_SERVER_URL, normalizeServerUrl, normalizeToken, load, save };
  root.QuietPage = Object.assign(root.QuietPage || {}, { settings: api });
  if (typeof module === "object" && module.exports) module.exports = api;
})(globalThis);
