// The reading list: search, filters, sort (both ways), paging, density, actions with undo, keyboard.
// State lives in the URL (?q=&state=&tag=&fav=1&hl=1&sort=) so reload and Back keep it.
import { del, get, newestOnly, patch, post, withQuery } from "./api.js";
import { $, $$, announce, h, plural } from "./dom.js";
import { row } from "./list-row.js";
import { suggestionChips, tagsEditor } from "./tags-editor.js";
import { saveTrail, takeFlash } from "./trail.js";

const PAGE = 50;
const DENSITY_KEY = "qp-list-density";
// "field-order"; a bare field (an old address) reads in its natural order
const SORTS = ["saved-desc", "saved-asc", "added-desc", "added-asc", "published-desc", "published-asc",
  "reading_time-asc", "reading_time-desc", "relevance-desc"];
const NATURAL = { saved: "desc", added: "desc", published: "desc", reading_time: "asc", relevance: "desc" };
// tagging: articles whose suggestions were clicked here (their chips stay while the list is open)
const view = { items: [], cursor: null, selected: -1, vocabulary: [], tagging: new Set() };

function readSort(raw) {
  if (SORTS.includes(raw)) return raw;
  return NATURAL[raw] ? `${raw}-${NATURAL[raw]}` : "";
}

function readState() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "",
    state: ["unread", "archived", "all"].includes(p.get("state")) ? p.get("state") : "unread",
    tag: p.get("tag") || "",
    fav: p.get("fav") === "1",
    hl: p.get("hl") === "1",
    sort: readSort(p.get("sort")), // "": the default (best match for a search, else newest saved)
  };
}

const shownSort = (s) => s.sort || (s.q ? "relevance-desc" : "saved-desc");

function writeState(s, { replace = false } = {}) {
  const url = withQuery(location.pathname, { q: s.q, state: s.state === "unread" ? "" : s.state, tag: s.tag,
    fav: s.fav ? 1 : "", hl: s.hl ? 1 : "", sort: s.sort });
  history[replace ? "replaceState" : "pushState"](null, "", url);
}

/** The API query of a list state: the sort's direction is always said (no server default to trust). */
function query(s, cursor) {
  const sort = shownSort(s);
  const cut = sort.lastIndexOf("-");
  return withQuery("/api/articles", { q: s.q, state: s.state, tag: s.tag, favorite: s.fav ? "true" : "",
    highlighted: s.hl ? "true" : "", sort: sort.slice(0, cut), order: sort.slice(cut + 1), limit: PAGE, cursor });
}

// ------------------------------------------------------------------ loading
let fetchPage; // newestOnly(#items), made at init

async function load({ append = false } = {}) {
  const s = readState();
  try {
    const page = await fetchPage(query(s, append ? view.cursor : null));
    if (!page) return; // a newer search has started
    view.items = append ? view.items.concat(page.items) : page.items;
    view.cursor = page.next_cursor;
    if (!append) view.selected = view.items.length ? Math.min(Math.max(view.selected, 0), view.items.length - 1) : -1;
    render(s, page);
    saveTrail({ from: location.pathname + location.search, ids: view.items.map((a) => a.id),
      next: view.cursor ? query(s, view.cursor) : null });
  } catch (err) {
    announce(err.message, { timeout: 15000 });
  }
}

function render(s, page) {
  syncControls(s);
  for (const [name, n] of Object.entries(page.counts || {})) {
    for (const el of $$(`[data-count="${name}"]`)) el.textContent = n ? String(n) : "";
  }
  const total = page.total ?? view.items.length;
  $("#result-count").textContent = plural(total, "article");
  $("#items").replaceChildren(...view.items.map((a, i) => item(a, i)));
  const libraryEmpty = page.counts && page.counts.all === 0;
  $("#empty").hidden = !libraryEmpty;
  $("#no-match").hidden = libraryEmpty || view.items.length > 0;
  $("#more").hidden = !view.cursor;
  markSelected(false);
}

function syncControls(s) {
  if (document.activeElement !== $("#q")) $("#q").value = s.q;
  for (const b of $$("[data-state]")) b.setAttribute("aria-checked", String(b.dataset.state === s.state));
  $("#only-favorites").setAttribute("aria-pressed", String(s.fav));
  $("#only-highlighted").setAttribute("aria-pressed", String(s.hl));
  $("#sort").value = shownSort(s);
  $("#active-tag").replaceChildren(s.tag ? h("span.tag.active", {}, `tag: ${s.tag} `,
    h("button.tag-remove", { type: "button", "aria-label": `Stop filtering by ${s.tag}`, onclick: () => change({ tag: "" }) }, "×")) : "");
}

// ------------------------------------------------------------------ one article
const ON = {
  tag: (name) => change({ tag: name }),
  archive: (a) => toggleArchive(a),
  favorite: (a) => toggleFavorite(a),
  tags: (a, li, button) => editTags(a, li, button),
  remove: (a) => remove(a),
};

function item(a, index) {
  return row(a, { selected: index === view.selected, on: { ...ON, select: () => select(index), suggest: () => chips(a) } });
}

/** One-click chips for the suggestions of an article whose tags the user has not set yet. */
function chips(a) {
  if (a.tags_edited && !view.tagging.has(a.id)) return null;
  return suggestionChips(a, (updated, name) => {
    view.tagging.add(a.id);
    replaceItem(updated);
    announce(`Tagged “${a.title || a.url}” ${name}.`);
    const li = $(`.item[data-id="${CSS.escape(a.id)}"]`);
    const next = li && (li.querySelector(".suggestions button") || li.querySelector("[data-tags-button]"));
    if (next) next.focus();
  }, { limit: 3 }); // a row shows three, like its tags; the reader shows them all
}

function replaceItem(updated) {
  const i = view.items.findIndex((x) => x.id === updated.id);
  if (i < 0) return;
  view.items[i] = { ...view.items[i], ...updated };
  const old = $(`.item[data-id="${CSS.escape(updated.id)}"]`);
  if (old) old.replaceWith(item(view.items[i], i));
  markSelected(false);
}

const articleUrl = (a) => `/api/articles/${encodeURIComponent(a.id)}`;

async function toggleArchive(a) {
  const to = a.state === "archived" ? "unread" : "archived";
  try {
    const updated = await patch(articleUrl(a), { state: to });
    const undo = () => patch(articleUrl(a), { state: a.state }).then(() => load());
    announce(to === "archived" ? `Archived “${a.title}”.` : `Moved “${a.title}” back to unread.`, { action: "Undo", onAction: undo });
    if (readState().state === "all") replaceItem(updated);
    else load();
  } catch (err) { announce(err.message); }
}

async function toggleFavorite(a) {
  try {
    replaceItem(await patch(articleUrl(a), { favorite: !a.favorite }));
    if (readState().fav) load();
  } catch (err) { announce(err.message); }
}

async function remove(a) {
  try {
    await del(articleUrl(a));
    announce(`Deleted “${a.title}”.`, { action: "Undo", onAction: () => post(`${articleUrl(a)}/restore`).then(() => load()) });
    load();
  } catch (err) { announce(err.message); }
}

function editTags(a, li, button) {
  const open = li.querySelector(".tags-editor");
  if (open) { open.remove(); button.setAttribute("aria-expanded", "false"); return; }
  button.setAttribute("aria-expanded", "true");
  const chipsRow = li.querySelector(".item-main > .suggestions");
  if (chipsRow) chipsRow.remove(); // the editor offers them
  const editor = tagsEditor(a, (updated) => {
    const i = view.items.findIndex((x) => x.id === updated.id);
    if (i >= 0) view.items[i] = { ...view.items[i], ...updated };
    const fresh = item(view.items[i], i).querySelector("ul.tags");
    const tags = li.querySelector(".item-main > ul.tags");
    if (tags && fresh) tags.replaceWith(fresh); else if (fresh) editor.before(fresh); else if (tags) tags.remove();
  }, view.vocabulary);
  li.querySelector(".item-main").append(editor);
  editor.querySelector("input").focus();
}

/** What the reader left for this page: "Deleted …" or "Archived …", with its Undo. */
function showFlash() {
  const message = takeFlash();
  if (!message || !message.text) return;
  const undo = message.undo;
  const onAction = undo && (() => (undo.action === "restore"
    ? post(`/api/articles/${encodeURIComponent(undo.id)}/restore`)
    : patch(`/api/articles/${encodeURIComponent(undo.id)}`, { state: "unread" })).then(() => load()).catch((e) => announce(e.message)));
  announce(message.text, undo ? { action: "Undo", onAction, timeout: 10000 } : {});
}

// ------------------------------------------------------------------ selection and keys
function select(index) {
  if (!view.items.length) return;
  view.selected = Math.max(0, Math.min(index, view.items.length - 1));
  markSelected(true);
}

function markSelected(focus) {
  $$(".item").forEach((li, i) => {
    if (i === view.selected) li.setAttribute("aria-current", "true"); else li.removeAttribute("aria-current");
    $(".row-more", li)?.setAttribute("aria-expanded", String(i === view.selected));
  });
  const li = $$(".item")[view.selected];
  if (li && focus) { li.querySelector("a.title").focus(); li.scrollIntoView({ block: "nearest" }); }
}

const current = () => view.items[view.selected];
const KEYS = {
  j: () => select(view.selected + 1),
  k: () => select(view.selected - 1),
  Enter: () => { const a = current(); if (a) location.href = `/read/${encodeURIComponent(a.id)}`; },
  o: () => KEYS.Enter(),
  e: () => current() && toggleArchive(current()),
  f: () => current() && toggleFavorite(current()),
  "#": () => current() && remove(current()),
  t: () => { const li = $$(".item")[view.selected]; if (li) editTags(current(), li, li.querySelector("[data-tags-button]")); },
  "/": () => { $("#q").focus(); $("#q").select(); },
  "?": () => $("#help").showModal(),
};

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || $("dialog[open]")) return;
  const typing = e.target.closest("input, textarea, select, [contenteditable]");
  if (typing) { if (e.key === "Escape") e.target.blur(); return; }
  if (e.key === "Enter" && e.target.closest("a, button")) return; // the focused control's own action
  const action = KEYS[e.key];
  if (action) { e.preventDefault(); action(); }
}

// ------------------------------------------------------------------ density: compact or comfortable, remembered
function density(value) {
  const chosen = value === "comfortable" ? "comfortable" : "compact";
  document.body.dataset.density = chosen;
  for (const b of $$("button[data-density]")) b.setAttribute("aria-checked", String(b.dataset.density === chosen));
  return chosen;
}

function initDensity() {
  let saved = null;
  try { saved = localStorage.getItem(DENSITY_KEY); } catch { /* private mode */ }
  density(saved);
  for (const b of $$("button[data-density]")) {
    b.addEventListener("click", () => {
      const chosen = density(b.dataset.density);
      try { localStorage.setItem(DENSITY_KEY, chosen); } catch { /* still applied */ }
    });
  }
}

// ------------------------------------------------------------------ wiring
function change(patchState) {
  writeState({ ...readState(), ...patchState });
  view.selected = 0;
  load();
}

/** fn, called once calls stop for ms; .cancel() drops a call still waiting. */
function debounce(fn, ms) {
  let t;
  const debounced = (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
  debounced.cancel = () => clearTimeout(t);
  return debounced;
}

function init() {
  fetchPage = newestOnly($("#items"));
  initDensity();
  const searchAsYouType = debounce(() => { writeState({ ...readState(), q: $("#q").value.trim() }, { replace: true }); load(); }, 200);
  $("#q").addEventListener("input", searchAsYouType);
  $("#search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    searchAsYouType.cancel(); // this search replaces the one typing had scheduled
    change({ q: $("#q").value.trim() });
    $("#items").focus();
    select(0);
  });
  for (const b of $$("[data-state]")) b.addEventListener("click", () => change({ state: b.dataset.state }));
  $("#only-favorites").addEventListener("click", () => change({ fav: !readState().fav }));
  $("#only-highlighted").addEventListener("click", () => change({ hl: !readState().hl }));
  $("#sort").addEventListener("change", () => change({ sort: $("#sort").value }));
  $("#more").addEventListener("click", () => load({ append: true }));
  $("#clear-filters").addEventListener("click", () => { history.pushState(null, "", location.pathname); load(); });
  $("#help-button").addEventListener("click", () => $("#help").showModal());
  $("#help").addEventListener("close", () => (view.selected >= 0 ? markSelected(true) : $("#q").focus()));
  document.addEventListener("keydown", onKey);
  window.addEventListener("popstate", () => load());
  window.addEventListener("library-changed", () => load()); // e.g. after an import
  get("/api/tags").then((r) => { view.vocabulary = r.items.map((t) => t.name); }).catch(() => {});
  showFlash();
  load();
}

init();
