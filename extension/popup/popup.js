/* QuietPage extension - the toolbar popup. Opening it saves the page (one click); it shows
 * whether the server is there and paired, the suggested tags to keep or edit, and every
 * problem in words with what to do. It makes no network call itself: it asks the worker.
 * Opened as a page with ?tabId=N, it works on that tab (tests do this).
 */
/* global QuietPage */
"use strict";

const ext = globalThis.browser || globalThis.chrome;
const V = QuietPage.view;
const $ = (id) => document.getElementById(id);
const state = { tabId: null, saved: null };

const send = (message) => QuietPage.messages.send(ext, message);

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

function busy(text) {
  $("article").hidden = false;
  $("save-state").textContent = text;
  $("save-state").className = "state busy";
  $("article-title").textContent = "";
  $("tags-form").hidden = true;
  $("save").disabled = true;
}

function showSaved(result) {
  state.saved = result;
  const line = V.savedLine(result);
  $("save-state").textContent = `${line.verb} \u2713`;
  $("save-state").className = "state ok";
  $("article-title").textContent = line.title;
  $("save").textContent = "Save again";
  $("save").disabled = false;
  $("read-now").hidden = false;
  renderTags(V.tagChoices(result));
  $("tags-form").hidden = false;
}

function renderTags(choices) {
  const list = $("tag-list");
  list.replaceChildren();
  for (const choice of choices) {
    const label = document.createElement("label");
    label.className = choice.suggested ? "chip suggested" : "chip";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = choice.name;
    box.checked = choice.checked;
    label.append(box, document.createTextNode(choice.name));
    list.append(label);
  }
  if (!choices.length) list.textContent = "No suggestions for this page.";
}

async function refresh() {
  showProblem(null);
  const status = await send({ type: "status", tabId: state.tabId });
  showConnection(status);
  if (status.problem) {
    $("earlier-message").textContent = `${status.problem.message} ${status.problem.hint || ""}`.trim();
    $("earlier").hidden = false;
    send({ type: "clearProblem", tabId: state.tabId }).catch(() => null);
  }
  const error = status.error || (status.page && status.page.error) || null;
  showProblem(error);
  $("save").disabled = Boolean(error);
  $("open-list").disabled = !status.paired;
  return status;
}

async function save() {
  busy("Saving this page\u2026");
  try {
    showSaved(await send({ type: "save", tabId: state.tabId }));
  } catch (error) {
    $("article").hidden = true;
    $("save").disabled = !V.remedies(error).retry; // saving again cannot help a forbidden page
    showProblem(error);
  }
}

async function saveTags(event) {
  event.preventDefault();
  const names = [...document.querySelectorAll("#tag-list input:checked")].map((b) => b.value)
    .concat(V.parseTags($("new-tags").value));
  $("tags-state").textContent = "Saving\u2026";
  try {
    const result = await send({ type: "setTags", id: state.saved.id, tags: names });
    state.saved = { ...state.saved, tags: result.tags };
    renderTags(V.tagChoices(state.saved));
    $("new-tags").value = "";
    $("tags-state").textContent = "Tags saved \u2713";
  } catch (error) {
    $("tags-state").textContent = "";
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
  if (V.shouldAutoSave(status)) await save();
  else if (status.page && status.page.article) {
    $("article").hidden = false;
    showSaved(status.page.article);
  }
}

$("save").addEventListener("click", () => run(save));
$("retry").addEventListener("click", () => run(start));
$("tags-form").addEventListener("submit", (event) => run(() => saveTags(event)));
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
