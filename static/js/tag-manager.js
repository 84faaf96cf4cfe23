// The tag manager (/tags): every tag with its count; rename, merge into another, delete from
// every article - each with Undo - the one-time clean-up of the suggestions old saves applied by
// themselves, and "apply my own tags automatically". Every control is a native button, input or
// select, so the page works from the keyboard; Escape closes an open rename or merge.
import { del, get, patch, post, withQuery } from "./api.js";
import { $, announce, h } from "./dom.js";

const UNDO_MS = 12000;
const view = { tags: [], open: null }; // open: {name, mode: "rename" | "merge"}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const key = (name) => name.toLowerCase().replace(/[\s_\-]+/g, " ").trim();

async function load(focusName) {
  const list = $("#tag-list");
  list.setAttribute("aria-busy", "true");
  try {
    const data = await get("/api/tags");
    view.tags = data.items;
    renderCleanup(data.cleanup ? data.cleanup.articles : 0);
    render(focusName);
  } catch (err) {
    announce(err.message, { timeout: 20000 });
  } finally {
    list.removeAttribute("aria-busy");
  }
}

function render(focusName) {
  const filter = key($("#tag-filter").value);
  const shown = view.tags.filter((t) => !filter || key(t.name).includes(filter));
  $("#tag-count").textContent = filter ? `${shown.length} of ${plural(view.tags.length, "tag")}` : plural(view.tags.length, "tag");
  $("#tag-list").replaceChildren(...shown.map(row));
  $("#no-tags").hidden = view.tags.length > 0;
  $("#no-tag-match").hidden = !view.tags.length || shown.length > 0;
  if (focusName !== undefined) focusRow(focusName);
}

function focusRow(name) {
  const rows = [...document.querySelectorAll(".tag-row")];
  const row = rows.find((r) => key(r.dataset.tag) === key(name || "")) || rows[0];
  const target = row && (row.querySelector("input, select") || row.querySelector("button"));
  if (target) target.focus(); else $("#tag-list").focus();
}

// ------------------------------------------------------------------ one tag
function row(t) {
  const open = view.open && key(view.open.name) === key(t.name) ? view.open.mode : null;
  const li = h("li.tag-row", { dataset: { tag: t.name } });
  if (open === "rename") li.append(renameForm(t));
  else if (open === "merge") li.append(mergeForm(t));
  else {
    li.append(
      h("a.tag-name", { href: withQuery("/", { tag: t.name, state: "all" }), title: `Show the articles tagged ${t.name}` }, t.name),
      h("span.tag-count", {}, plural(t.count, "article")),
      h("div.row-actions", {},
        h("button.action", { type: "button", "aria-label": `Rename ${t.name}`, onclick: () => openForm(t.name, "rename") }, "Rename"),
        view.tags.length > 1 ? h("button.action", { type: "button", "aria-label": `Merge ${t.name} into another tag`,
          onclick: () => openForm(t.name, "merge") }, "Merge…") : null,
        h("button.action.danger", { type: "button", "aria-label": `Delete ${t.name}`, onclick: () => remove(t) }, "Delete")));
  }
  return li;
}

function openForm(name, mode) {
  view.open = mode ? { name, mode } : null;
  render(name);
}

function closeOnEscape(name) {
  return (e) => { if (e.key === "Escape") { e.preventDefault(); openForm(name, null); } };
}

function renameForm(t) {
  const id = `rename-${key(t.name).replace(/\W+/g, "-")}`;
  const input = h("input.tag-input", { id, type: "text", value: t.name, maxlength: 100, required: true, autocomplete: "off" });
  return h("form.row-form", { onsubmit: (e) => { e.preventDefault(); rename(t, input.value.trim().replace(/\s+/g, " ")); },
    onkeydown: closeOnEscape(t.name) },
    h("label", { for: id }, `New name for “${t.name}”`), input,
    h("button.primary", { type: "submit" }, "Rename"),
    h("button.action", { type: "button", onclick: () => openForm(t.name, null) }, "Cancel"));
}

function mergeForm(t) {
  const id = `merge-${key(t.name).replace(/\W+/g, "-")}`;
  const others = view.tags.filter((o) => key(o.name) !== key(t.name));
  const select = h("select.merge-into", { id }, others.map((o) => h("option", { value: o.name }, `${o.name} (${o.count})`)));
  return h("form.row-form", { onsubmit: (e) => { e.preventDefault(); merge(t, select.value); }, onkeydown: closeOnEscape(t.name) },
    h("label", { for: id }, `Merge “${t.name}” into`), select,
    h("button.primary", { type: "submit" }, "Merge"),
    h("button.action", { type: "button", onclick: () => openForm(t.name, null) }, "Cancel"));
}

// ------------------------------------------------------------------ changes, each with Undo
function offerUndo(message, token, focusName) {
  if (!token) { announce(message); return; }
  announce(message, { timeout: UNDO_MS, action: "Undo", onAction: () => undo(token, focusName) });
}

async function undo(token, focusName) {
  try {
    const r = await post("/api/tags/undo", { undo: token });
    announce(r.skipped ? `Undone, except on ${plural(r.skipped, "article")} you changed since.` : "Undone.");
    view.open = null;
    await load(focusName);
  } catch (err) { announce(err.message); }
}

async function rename(t, to) {
  if (!to || to === t.name) { openForm(t.name, null); return; }
  try {
    const r = await post(`/api/tags/${encodeURIComponent(t.name)}/rename`, { to });
    view.open = null;
    await load(r.name);
    offerUndo(`Renamed “${t.name}” to “${r.name}” on ${plural(r.renamed, "article")}.`, r.undo, t.name);
  } catch (err) { announce(err.message); }
}

async function merge(t, into) {
  if (!into) return;
  try {
    const r = await post(`/api/tags/${encodeURIComponent(t.name)}/rename`, { to: into });
    view.open = null;
    await load(r.name);
    offerUndo(`Merged “${t.name}” into “${r.name}” (now on ${plural(r.count, "article")}).`, r.undo, t.name);
  } catch (err) { announce(err.message); }
}

async function remove(t) {
  const i = view.tags.findIndex((o) => key(o.name) === key(t.name));
  const next = view.tags[i + 1] || view.tags[i - 1];
  try {
    const r = await del(`/api/tags/${encodeURIComponent(t.name)}`);
    await load(next ? next.name : null);
    offerUndo(`Deleted “${t.name}” from ${plural(r.removed, "article")}.`, r.undo, t.name);
  } catch (err) { announce(err.message); }
}

// ------------------------------------------------------------------ clean-up and the preference
function renderCleanup(articles) {
  $("#cleanup").hidden = !articles;
  $("#cleanup-text").textContent = `${plural(articles, "article")} still ${articles === 1 ? "carries" : "carry"} tags that ` +
    "QuietPage applied by itself when it was saved, before it started asking. Removing them leaves every tag you " +
    "typed, clicked or renamed; the removed ones stay offered as suggestions.";
}

async function cleanUp() {
  const button = $("#cleanup-start");
  button.disabled = true;
  try {
    const r = await post("/api/tags/cleanup");
    await load();
    offerUndo(`Removed ${plural(r.removed, "suggested tag")} from ${plural(r.articles, "article")}.`, r.undo);
  } catch (err) { announce(err.message); } finally { button.disabled = false; }
}

async function initPreference() {
  const box = $("#auto-apply");
  try {
    box.checked = (await get("/api/preferences")).auto_apply_tags;
    box.disabled = false;
  } catch (err) { announce(err.message); }
  box.addEventListener("change", async () => {
    const wanted = box.checked;
    try {
      box.checked = (await patch("/api/preferences", { auto_apply_tags: wanted })).auto_apply_tags;
      announce(wanted ? "Your own tags will be applied when a page plainly talks about them." : "Tags will only be suggested.");
    } catch (err) { box.checked = !wanted; announce(err.message); }
  });
}

function init() {
  $("#tag-filter").addEventListener("input", () => render());
  $("#tag-filter-form").addEventListener("submit", (e) => { e.preventDefault(); focusRow(null); });
  $("#cleanup-start").addEventListener("click", cleanUp);
  document.addEventListener("keydown", (e) => {
    if (e.key === "/" && !e.target.closest("input, select, textarea")) { e.preventDefault(); $("#tag-filter").focus(); }
    else if (e.key === "Escape" && e.target === $("#tag-filter")) e.target.blur();
  });
  initPreference();
  load();
}

init();
