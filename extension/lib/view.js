/* QuietPage extension - what the popup and options pages show, as plain data (no DOM, so
 * node tests can check every state). Classic script; registers globalThis.QuietPage.view.
 */
(function (root) {
  "use strict";

  /** The worker's status -> the connection line: {tone: ok|warn|error, label, detail}. */
  function connection(status) {
    if (!status) return { tone: "busy", label: "Checking\u2026", detail: "" };
    const where = status.serverUrl || "";
    const server = status.version ? `QuietPage ${status.version} at ${where}` : `QuietPage at ${where}`;
    if (status.paired) return { tone: "ok", label: "Connected", detail: `${server}, paired` };
    if (status.reachable) return { tone: "warn", label: "Not paired", detail: server };
    if (status.hostAccess === false) return { tone: "error", label: "No access", detail: where };
    return { tone: "error", label: "Not connected", detail: where };
  }

  /** Which buttons the problem box offers for an error code. */
  function remedies(error) {
    const code = error && error.code;
    return {
      options: ["not_paired", "bad_token", "server_down", "not_quietpage", "invalid_server_url", "timeout"].includes(code),
      allowAccess: code === "no_host_access",
      retry: !["forbidden_page", "not_html", "too_large"].includes(code),
    };
  }

  /** Whether the popup should save the page by itself on opening (one click = saved): not a
   * page it may not read, nor one saved already (then it shows that one and paints its highlights). */
  function shouldAutoSave(status) {
    const page = status && status.page;
    return Boolean(status && status.paired && !status.error && (!page || (page.savable !== false && !page.saved)));
  }

  /** The tags to offer after a save: the article's tags (checked) then the other suggestions. */
  function tagChoices(saved) {
    const out = [];
    const seen = new Set();
    const add = (name, checked, suggested) => {
      const key = normalizeTag(name).toLowerCase();
      if (!key || seen.has(key)) return;
      seen.add(key);
      out.push({ name: normalizeTag(name), checked, suggested });
    };
    const suggested = new Set(((saved && saved.suggested_tags) || []).map((t) => normalizeTag(t.name || t).toLowerCase()));
    for (const name of (saved && saved.tags) || []) add(name, true, suggested.has(normalizeTag(name).toLowerCase()));
    for (const t of (saved && saved.suggested_tags) || []) add(t.name || t, false, true);
    return out;
  }

  function normalizeTag(name) {
    return String(name == null ? "" : name).split(/\s+/).filter(Boolean).join(" ");
  }

  /** "news, long read ,, Science" -> ["news", "long read", "Science"] */
  function parseTags(input) {
    const out = [];
    const seen = new Set();
    for (const part of String(input || "").split(",")) {
      const name = normalizeTag(part);
      if (name && !seen.has(name.toLowerCase())) {
        seen.add(name.toLowerCase());
        out.push(name);
      }
    }
    return out;
  }

  /** After a save: "Saved" (new) or "Updated" (saved before), or "Already saved", with the title. */
  function savedLine(result) {
    const verb = result.already ? "Already saved" : result.status === 201 ? "Saved" : "Updated";
    return { verb, title: result.title || "(untitled page)" };
  }

  const api = { connection, remedies, shouldAutoSave, tagChoices, parseTags, normalizeTag, savedLine };
  root.QuietPage = Object.assign(root.QuietPage || {}, { view: api });
  if (typeof module === "object" && module.exports) module.exports = api;
})(globalThis);
