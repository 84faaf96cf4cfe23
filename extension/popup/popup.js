/* QuietPage extension - the toolbar popup. Opening it saves the page (one click) and keeps you
 * where you are: no tab opens unless Options says so. It shows the save's progress (the save runs
 * in the background worker: closing the popup never stops it), whether the server is there and
 * paired, what became of the page's highlights, the tags as chips that apply on click, and every
 * problem in words with what to do. It makes no network call itself: it asks the worker.
 * Opened as a page with ?tabId=N, it works on that tab (tests do this).
 */
import { send as sendTo } from "../lib/messages.js";
import { jobKey } from "../lib/jobs.js";
import * as V from "../lib/view.js";

const ext = globalThis.browser || globalThis.chrome;
const $ = (id) => document.getElementById(id);
const state = { tabId: null, saved: null, tags: [], ticker: null };

const send = (message) => sendTo(ext, message);

async function targetTabId() {
  const asked = new URLSearchParams(location.search).get("tabId");
  if (asked) return Number(asked);
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return tab ? tab.id : null;
}

function showConnection(status) {
  const c = V.connection(status);
  const pill = $("connection");
  pill.textContent = c.label;
  pill.className = `pill ${c.tone}`;
  $("connection-detail").textContent = c.detail;
}

function showProblem(error) {
  if (!error) {
    $("problem").hidden = true;
    return;
  }
  $("problem-message").textContent = error.message || String(error);
  $("problem-hint").textContent = error.hint || "";
  const r = V.remedies(error);
  $("open-options").hidden = !r.options;
  $("allow-access").hidden = !r.allowAccess;
  $("retry").hidden = !r.retry;
  $("problem").hidden = false;
}

// ------------------------------------------------------------------ progress
function showProgress(job) {
  $("article").hidden = true;
  $("progress").hidden = false;
  $("save").disabled = true;
  const render = () => {
    const p = V.progress(job);
    $("elapsed").textContent = p.elapsed;
    $("steps").replaceChildren(...p.steps.map((step) => {
      const li = document.createElement("li");
      li.className = step.state;
      li.textContent = step.label;
      if (step.state === "current") li.setAttribute("aria-current", "step");
      return li;
    }));
  };
  render();
  clearInterval(state.ticker);
  state.ticker = setInterval(render, 1000);
}

function stopProgress() {
  clearInterval(state.ticker);
  $("progress").hidden = true;
}

/** Follow the tab's save as the worker records it (storage.session). */
function watchJob() {
  ext.storage.onChanged.addListener((changes, area) => {
    const change = changes[jobKey(state.tabId)];
    if (area !== "session" || !change || !change.newValue) return;
    const job = change.newValue;
    if (job.phase === "reading" || job.phase === "sending") showProgress(job);
  });
}

// ------------------------------------------------------------------ saved
function showSaved(result) {
  stopProgress();
  state.saved = result;
  state.tags = [...(result.tags || [])];
  const line = V.savedLine(result);
  $("article").hidden = false;
  $("save-state").textContent = `${line.verb} \u2713`;
  $("save-state").className = "state ok";
  $("article-title").textContent = line.title;
  $("save-detail").textContent = line.detail;
  $("save-detail").hidden = !line.detail;
  const warnings = result.warnings || [];
  $("warnings").replaceChildren(...warnings.map((w) => {
    const p = document.createElement("p");
    p.textContent = `${w.message} ${w.hint || ""}`.trim();
    return p;
  }));
  $("warnings").hidden = !warnings.length;
  $("save").textContent = "Save again";
  $("save").disabled = false;
  $("read-now").hidden = false;
  renderTags();
  $("tags").hidden = false;
}

function renderTags() {
  const list = $("tag-list");
  const choices = V.tagChoices({ ...state.saved, tags: state.tags });
  list.replaceChildren(...choices.map((choice) => {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = `chip${choice.applied ? " applied" : ""}${choice.suggested ? " suggested" : ""}`;
    chip.setAttribute("aria-pressed", String(choice.applied));
    chip.dataset.tag = choice.name;
    chip.title = choice.applied ? `Remove the tag \u201c${choice.name}\u201d` : `Add the tag \u201c${choice.name}\u201d`;
    chip.textContent = (choice.applied ? "\u2713 " : "+ ") + choice.name;
    chip.addEventListener("click", () => run(() => saveTags(V.toggleTag(state.tags, choice.name))));
    return chip;
  }));
  if (!choices.length) list.textContent = "No suggestions for this page.";
}

/** Every click on a chip (or a tag typed) is saved at once. */
async function saveTags(names) {
  const before = state.tags;
  state.tags = names;
  renderTags();
  $("tags-state").textContent = "Saving tags\u2026";
  try {
    const result = await send({ type: "setTags", id: state.saved.id, tags: names });
    state.tags = result.tags;
    renderTags();
    $("tags-state").textContent = "Tags saved \u2713";
  } catch (error) {
    state.tags = before;
    renderTags();
    $("tags-state").textContent = "";
    showProblem(error);
  }
}

// ------------------------------------------------------------------ the flow
async function refresh() {
  showProblem(null);
  const status = await send({ type: "status", tabId: state.tabId });
  showConnection(status);
  if (status.problem) {
    $("earlier-message").textContent = `${status.problem.message} ${status.problem.hint || ""}`.trim();
    $("earlier").hidden = false;
    send({ type: "clearProblem" }).catch(() => null);
  }
  const error = status.error || (status.page && status.page.error) || null;
  showProblem(error);
  $("save").disabled = Boolean(error);
  $("open-list").disabled = !status.paired;
  return status;
}

async function save() {
  showProgress({ phase: "reading", startedAt: Date.now(), bytes: null });
  try {
    showSaved(await send({ type: "save", tabId: state.tabId }));
  } catch (error) {
    stopProgress();
    $("save").disabled = !V.remedies(error).retry; // saving again cannot help a forbidden page
    showProblem(error);
  }
}

async function run(work) {
  try {
    await work();
  } catch (error) {
    showProblem(error);
  }
}

async function start() {
  state.tabId = await targetTabId();
  const status = await refresh();
  const job = status.job;
  if (job && (job.phase === "reading" || job.phase === "sending")) {
    showProgress(job);
    await save(); // joins the save in progress (the worker runs one per tab)
  } else if (V.shouldAutoSave(status)) {
    await save();
  } else if (status.page && status.page.article) {
    showSaved(status.page.article);
  }
}

watchJob();
$("save").addEventListener("click", () => run(save));
$("retry").addEventListener("click", () => run(start));
$("tag-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const typed = V.parseTags($("new-tag").value);
  if (!typed.length || !state.saved) return;
  $("new-tag").value = "";
  run(() => saveTags(typed.reduce((tags, name) => (tags.some((t) => t.toLowerCase() === name.toLowerCase()) ? tags
    : [...tags, name]), state.tags)));
});
$("open-options").addEventListener("click", () => ext.runtime.openOptionsPage());
$("open-list").addEventListener("click", () => run(async () => {
  await send({ type: "openReadingList", tabId: state.tabId });
  window.close();
}));
$("read-now").addEventListener("click", () => run(async () => {
  await send({ type: "openReader", id: state.saved.id, tabId: state.tabId });
  window.close();
}));
$("allow-access").addEventListener("click", () => run(async () => {
  const origins = ext.runtime.getManifest().host_permissions;
  if (await ext.permissions.request({ origins })) await start();
}));
run(start);
