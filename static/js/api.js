// The pages' only door to the server: same-origin calls with the session cookie. A body is sent
// as JSON, or as it is when it is a Blob/File (an import: the file itself, with its type).
// Errors come back as {error: {code, message}}; callers get an ApiError with both.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body, { keepalive = false } = {}) {
  const init = { method, credentials: "same-origin", keepalive, headers: { Accept: "application/json" } };
  if (body instanceof Blob) {
    init.headers["Content-Type"] = body.type || "application/octet-stream";
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
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
