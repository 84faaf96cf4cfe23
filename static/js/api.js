// The pages' only door to the server: same-origin calls with the session cookie and the page key.
// The cookie alone never opens the API (any program on 127.0.0.1 can receive our cookie: cookies
// ignore ports); the login page left the page key in this origin's storage, which is ours alone.
// A body is sent as JSON, or as it is when it is a Blob/File (an import: the file itself).
// Errors come back as {error: {code, message}}; callers get an ApiError with both.
// Download links (<a download href="/api/...">) are followed with a one-time ticket (below).
import { announce, h } from "./dom.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const PAGE_KEY = "quietpage.pageKey";

function pageKey() {
  try { return localStorage.getItem(PAGE_KEY) || ""; } catch { return ""; }
}

export async function api(method, path, body, { keepalive = false } = {}) {
  const headers = { Accept: "application/json", "X-QuietPage-Page": pageKey() };
  const init = { method, credentials: "same-origin", keepalive, headers };
  if (body instanceof Blob) {
    headers["Content-Type"] = body.type || "application/octet-stream";
    init.body = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "offline", "QuietPage's server is not answering. Is `quietpage serve` still running?");
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const err = (data && data.error) || {};
    if (response.status === 401) {
      throw new ApiError(401, err.code || "unauthorized", "Your session has ended. Open a new login link: run `quietpage login-url`.");
    }
    throw new ApiError(response.status, err.code || "error", err.message || `The server answered ${response.status}.`);
  }
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body ?? {});
export const patch = (path, body, options) => api("PATCH", path, body, options);
export const del = (path) => api("DELETE", path);

/** Builds "/path?x=1" from an object, leaving out empty values. */
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "" && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Follows a download link of ours (an export): a navigation cannot send the page key, so it goes
 *  with a one-time ticket the server gives for exactly that address. */
export async function download(path) {
  const { url } = await post("/api/download-links", { path });
  const a = h("a", { href: url, download: "", hidden: true, dataset: { ticketed: "1" } });
  document.body.append(a);
  a.click();
  a.remove();
}

// Every <a download href="/api/..."> on our pages goes through download() (not when imported
// outside a page, as the unit tests do).
globalThis.document?.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("a[download][href^='/api/']");
  if (!link || link.dataset.ticketed || event.defaultPrevented || event.button !== 0) return;
  event.preventDefault();
  download(link.getAttribute("href")).catch((err) => announce(err.message));
});

/**
 * A page loader for a list that reloads as the user types and clicks: `load(path)` resolves to
 * the page, or to null when a newer call started meanwhile (its answer wins). `busy` carries
 * aria-busy while the newest call waits.
 */
export function newestOnly(busy) {
  let ticket = 0;
  return async (path) => {
    const mine = ++ticket;
    busy.setAttribute("aria-busy", "true");
    try {
      const page = await get(path);
      return mine === ticket ? page : null;
    } finally {
      if (mine === ticket) busy.removeAttribute("aria-busy");
    }
  };
}
