/* QuietPage extension - the settings, kept in storage.local: where the server is and its token
 * (`serverUrl`, `token`), and two choices of the user (`openReader`: open the reader after each
 * save; `revisit`: show the saved state and highlights on pages as they load - which needs the
 * optional permission REVISIT_ORIGINS, asked for by Options when the user turns it on).
 *
 * The worker reads them on every use (an MV3 worker forgets everything when it sleeps).
 * The server must be on loopback: those are the only hosts the extension may reach.
 */

import { QuietPageError } from "./errors.js";

export const DEFAULT_SERVER_URL = "http://127.0.0.1:27182";
// Match the manifest's host_permissions: nothing but this computer.
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);
// The manifest's optional_host_permissions: every web page, to know the URL of each tab (and
// paint its highlights) as it loads. Only ever requested by the "pages I revisit" choice.
export const REVISIT_ORIGINS = ["http://*/*", "https://*/*"];
export const PREFERENCES = { openReader: false, revisit: false };

/** "127.0.0.1:27182/", "http://localhost:8000/x" -> "http://127.0.0.1:27182", "http://localhost:8000". */
export function normalizeServerUrl(input) {
  let text = String(input == null ? "" : input).trim();
  if (!text) return DEFAULT_SERVER_URL;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = "http://" + text;
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new QuietPageError("invalid_server_url", `"${String(input).trim()}" is not a server address.`,
      `Use the address \`quietpage serve\` prints, e.g. ${DEFAULT_SERVER_URL}.`);
  }
  if (url.protocol !== "http:" || !LOOPBACK_HOSTS.has(url.hostname) || url.username || url.password) {
    throw new QuietPageError("invalid_server_url",
      `QuietPage's server must run on this computer, at http://127.0.0.1 or http://localhost (not ${url.origin}).`,
      `Use the address \`quietpage serve\` prints, e.g. ${DEFAULT_SERVER_URL}.`);
  }
  return url.origin;
}

export function normalizeToken(input) {
  return String(input == null ? "" : input).trim();
}

/** {serverUrl, token, openReader, revisit} from storage.local, with the defaults. */
export async function load(storage) {
  const stored = await storage.local.get(["serverUrl", "token", ...Object.keys(PREFERENCES)]);
  let serverUrl = DEFAULT_SERVER_URL;
  try {
    serverUrl = normalizeServerUrl(stored.serverUrl);
  } catch {
    // a bad stored value: fall back to the default rather than reaching elsewhere
  }
  const choices = Object.fromEntries(Object.entries(PREFERENCES).map(([k, d]) => [k, typeof stored[k] === "boolean" ? stored[k] : d]));
  return { serverUrl, token: normalizeToken(stored.token), ...choices };
}

/** Store the user's choices (only the known ones, as booleans); returns them all. */
export async function savePreferences(storage, choices) {
  const clean = Object.fromEntries(Object.keys(PREFERENCES).filter((k) => k in choices).map((k) => [k, Boolean(choices[k])]));
  await storage.local.set(clean);
  const { openReader, revisit } = await load(storage);
  return { openReader, revisit };
}

/** Check and store; returns what was stored. Throws a QuietPageError for a bad address. */
export async function save(storage, { serverUrl, token }) {
  const clean = { serverUrl: normalizeServerUrl(serverUrl), token: normalizeToken(token) };
  await storage.local.set(clean);
  return clean;
}

