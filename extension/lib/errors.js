/* QuietPage extension - every failure the user can meet, in words, with what to do.
 *
 * A QuietPageError carries a stable `code`, a `message` (what went wrong) and a `hint` (what to
 * do about it). Errors cross the worker/popup boundary as plain objects (`toPlain`), because
 * browser messaging cannot carry Error instances. An ES module, like every file of the extension.
 */
export const START_HINT = "Start QuietPage on this computer (`quietpage serve`, or `scripts/start` in its folder), then try again.";
export const TOKEN_HINT = "Open the extension's Options and pair it: run `quietpage pair` and type the code it shows " +
  "(or paste the token that `quietpage token` prints).";

export class QuietPageError extends Error {
  constructor(code, message, hint = "") {
    super(message);
    this.name = "QuietPageError";
    this.code = code;
    this.hint = hint;
  }
}

export function notPaired() {
  return new QuietPageError("not_paired", "The extension is not paired with your QuietPage server yet.", TOKEN_HINT);
}

export function serverDown(serverUrl) {
  return new QuietPageError("server_down", `QuietPage is not running at ${serverUrl} (nothing answered).`,
    START_HINT + " If it runs on another port, set its address in the extension's Options.");
}

export function timedOut(serverUrl, seconds) {
  return new QuietPageError("timeout", `QuietPage at ${serverUrl} did not answer within ${seconds} seconds.`,
    "The server may be busy or stuck: check the terminal where it runs, restart it if needed, then try again.");
}

export function notQuietPage(serverUrl, status) {
  return new QuietPageError("not_quietpage",
    `Something answered at ${serverUrl}, but it is not QuietPage (HTTP ${status}).`,
    "Check the server address in the extension's Options: `quietpage serve` prints the address it listens on.");
}

/** The server on the configured port could not prove it holds the token (GET /api/hello): another
 * program answers there, or the token is not this server's (rotated, or another QuietPage). */
export function unprovenServer(serverUrl) {
  return new QuietPageError("unproven_server",
    `The server at ${serverUrl} could not prove it is your QuietPage, so the extension sent it nothing.`,
    "Another program may be using QuietPage's port, or the server's token changed (`quietpage token --rotate`). " +
    "Start QuietPage (`quietpage serve`) and check the address in the extension's Options, then pair again.");
}

/** A link the server handed out that leads somewhere else: never opened. */
export function foreignLink(serverUrl) {
  return new QuietPageError("foreign_link", `The server at ${serverUrl} answered with a link to another site; ` +
    "the extension only opens pages of your own QuietPage server.",
    "Check the server address in the extension's Options: `quietpage serve` prints the address it listens on.");
}

/** The server's JSON error ({"error": {code, message}}) turned into words for the popup. */
export function fromHttp(status, body, serverUrl) {
  const err = body && typeof body === "object" && body.error && typeof body.error === "object" ? body.error : null;
  if (!err) return notQuietPage(serverUrl, status);
  const code = String(err.code || "http_" + status);
  const message = String(err.message || `HTTP ${status}`);
  if (status === 401) {
    return new QuietPageError("bad_token", "Your QuietPage server did not accept the extension's token.", TOKEN_HINT);
  }
  if (status === 413) {
    return new QuietPageError("too_large", message,
      "This page is too large to save; try its print view or a single page of it.");
  }
  if (code === "quote_not_found") {
    return new QuietPageError(code, "That passage is not part of the article QuietPage kept from this page " +
      "(menus, comments and sidebars are left out).", "Select text inside the article itself and try again.");
  }
  if (code === "no_content") {
    return new QuietPageError(code, message, "QuietPage found no article text on this page. Wait until " +
      "the article has finished loading, or open the article's own page, then save again.");
  }
  if (status >= 500) {
    // The server's message says what it knows of the change (refused, kept unconfirmed, unknown): no guess here.
    return new QuietPageError(code, message, "Try again in a moment; if it keeps failing, the server's terminal shows why.");
  }
  return new QuietPageError(code, message, "");
}

// What browsers say when they refuse to let an extension read a tab, and what we say instead.
const BROWSER_REFUSALS = [
  [/cannot access (a|an) (chrome|edge|about|devtools|brave|opera|view-source)|chrome:\/\/|about:|extensions gallery|cannot be scripted|chrome-extension:\/\/|moz-extension:\/\/|webstore|addons\.mozilla|restricted domain/i, "forbidden_page"],
  [/permission|Missing host|not allowed/i, "no_access"],
  [/error page/i, "error_page"],
  [/No tab with id|Invalid tab ID|tab was closed|No frame with id/i, "tab_gone"],
];

export function forbiddenPage(url) {
  const what = url ? ` (${String(url).split(/[?#]/)[0].slice(0, 80)})` : "";
  return new QuietPageError("forbidden_page", `Your browser does not let extensions read this page${what}.`,
    "Browser pages, extension stores and settings cannot be saved. Open the article in an ordinary tab and save it from there.");
}

/** An exception from the browser's scripting/tabs APIs, in words. */
export function fromBrowser(error, url) {
  if (error instanceof QuietPageError) return error;
  const text = String((error && error.message) || error || "");
  const kind = (BROWSER_REFUSALS.find(([re]) => re.test(text)) || [])[1];
  switch (kind) {
    case "forbidden_page": return forbiddenPage(url);
    case "no_access": return new QuietPageError("no_access", "QuietPage may not read this page right now.",
      "Browsers let an extension read a page only when you ask it on that page: click the QuietPage button, " +
      "press its shortcut or use its menu while the page is open.");
    case "error_page": return new QuietPageError("error_page", "This tab shows the browser's error page, not an article.",
      "Load the page again, then save it.");
    case "tab_gone": return new QuietPageError("tab_gone", "That tab is no longer open.", "Open the page again and save it from there.");
    default: return new QuietPageError("browser_error", `The browser refused: ${text || "unknown error"}.`,
      "Reload the page and try again.");
  }
}

/** Any thrown value as {code, message, hint}: what crosses to the popup and into storage. */
export function toPlain(error) {
  if (error instanceof QuietPageError) return { code: error.code, message: error.message, hint: error.hint };
  const message = String((error && error.message) || error || "Something went wrong.");
  return { code: "unexpected", message, hint: "Try again; reloading the extension (or the page) usually helps." };
}

