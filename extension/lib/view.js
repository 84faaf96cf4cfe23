/* QuietPage extension - what the popup and options pages show, as plain data (no DOM, so
 * node tests can check every state).
 */
/** The worker's status -> the connection line: {tone: ok|warn|error, label, detail}. */
export function connection(status) {
  if (!status) return { tone: "busy", label: "Checking\u2026", detail: "" };
  const where = status.serverUrl || "";
  const server = status.version ? `QuietPage ${status.version} at ${where}` : `QuietPage at ${where}`;
  if (status.paired) return { tone: "ok", label: "Connected", detail: `${server}, paired` };
  if (status.error && status.error.code === "unproven_server") return { tone: "error", label: "Not verified", detail: where };
  if (status.reachable) return { tone: "warn", label: "Not paired", detail: server };
  if (status.hostAccess === false) return { tone: "error", label: "No access", detail: where };
  return { tone: "error", label: "Not connected", detail: where };
}

/** Which buttons the problem box offers for an error code. */
export function remedies(error) {
  const code = error && error.code;
  return {
    options: ["not_paired", "bad_token", "server_down", "not_quietpage", "invalid_server_url", "timeout",
      "unproven_server", "foreign_link"].includes(code),
    allowAccess: code === "no_host_access",
    retry: !["forbidden_page", "not_html", "too_large"].includes(code),
  };
}

/** Whether the popup should save the page by itself on opening (one click = saved): not a
 * page it may not read, nor one saved already (then it shows that one and paints its highlights). */
export function shouldAutoSave(status) {
  const page = status && status.page;
  return Boolean(status && status.paired && !status.error && (!page || (page.savable !== false && !page.saved)));
}

/** The tag chips after a save: the article's own tags (applied: the user chose them) then the
 * suggestions not applied. Nothing suggested is applied until the user clicks it. */
export function tagChoices(saved) {
  const out = [];
  const seen = new Set();
  const add = (name, applied, suggested) => {
    const key = normalizeTag(name).toLowerCase();
    if (!key || seen.has(key)) return;
    seen.add(key);
    out.push({ name: normalizeTag(name), applied, suggested });
  };
  const suggested = new Set(((saved && saved.suggested_tags) || []).map((t) => normalizeTag(t.name || t).toLowerCase()));
  for (const name of (saved && saved.tags) || []) add(name, true, suggested.has(normalizeTag(name).toLowerCase()));
  for (const t of (saved && saved.suggested_tags) || []) add(t.name || t, false, true);
  return out;
}

/** The article's tags after a click on a chip: applied -> removed, else added (at the end). */
export function toggleTag(tags, name) {
  const key = normalizeTag(name).toLowerCase();
  const has = tags.some((t) => t.toLowerCase() === key);
  return has ? tags.filter((t) => t.toLowerCase() !== key) : [...tags, normalizeTag(name)];
}

export function normalizeTag(name) {
  return String(name == null ? "" : name).split(/\s+/).filter(Boolean).join(" ");
}

/** "news, long read ,, Science" -> ["news", "long read", "Science"] */
export function parseTags(input) {
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

const count = (n, one, many = one + "s") => `${n} ${n === 1 ? one : many}`;

/** After a save: "Saved" (new), "Updated" (saved before: what became of its highlights) or
 * "Already saved" (the popup opened on a saved page), with the title. */
export function savedLine(result) {
  const verb = result.already ? "Already saved" : result.status === 201 ? "Saved" : "Updated";
  const h = result.highlights || {};
  let detail = "";
  if (result.already && h.total) detail = `${count(h.total, "highlight")} on this page.`;
  else if (!result.already && result.status !== 201 && (h.anchored || h.orphaned)) {
    detail = `${count(h.anchored || 0, "highlight")} kept` +
      (h.orphaned ? `, ${h.orphaned} could not be placed in the new text (see them in the reader).` : ".");
  }
  return { verb, title: result.title || "(untitled page)", detail };
}

const STEPS = [["reading", "Reading the page in this tab"], ["sending", "Sending it to QuietPage, which makes the reader view"]];

/** A save in progress (jobs.js) -> {steps: [{label, state: done|current|todo}], elapsed: "12 s"}. */
export function progress(job, now = Date.now()) {
  const at = STEPS.findIndex(([phase]) => phase === job.phase);
  const steps = STEPS.map(([phase, label], i) => {
    const size = phase === "sending" && job.bytes ? ` (${(job.bytes / 1048576).toFixed(1)} MB)` : "";
    return { label: label + size, state: at < 0 || i < at ? "done" : i === at ? "current" : "todo" };
  });
  return { steps, elapsed: `${Math.max(0, Math.round((now - job.startedAt) / 1000))} s` };
}

