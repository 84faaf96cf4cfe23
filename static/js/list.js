// The reading list: search, filters, sort, paging, actions with undo, keyboard.
// State lives in the URL (?q=&state=&tag=&fav=1&hl=1&sort=) so reload and Back keep it.
import { del, get, patch, post, withQuery } from "./api.js";
import { $, $$, announce, formatDate, h, hostOf } from "./dom.js";
import { tagsEditor } from "./tags-editor.js";

const PAGE = 50;
const view = { items: [], cursor: null, selected: -1, vocabulary: [], loading: 0 };

function readState() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "",
    state: ["unread", "archived", "all"].includes(p.get("state")) ? p.get("state") : "unread",
    tag: p.get("tag") || "",
    fav: p.get("fav") === "1",
    hl: p.get("hl") === "1",
    sort: p.get("sort") || "", // "": the server's default (best match for a search, else newest saved)
  };
}

const shownSort = (s) => s.sort || (s.q ? "relevance" : "saved");

function writeState(s, { replace = false } = {}) {
  const url = withQuery(location.pathname, { q: s.q, state: s.state === "unread" ? "" : s.state, tag: s.tag,
    fav: s.fav ? 1 : "", hl: s.hl ? 1 : "", sort: s.sort });
  history[replace ? "replaceState" : "pushState"](null, "", url);
}

function query(s, cursor) {
  const [sort, order] = s.sort ? s.sort.split("-") : [];
  return withQuery("/api/articles", { q: s.q, state: s.state, tag: s.tag, favorite: s.fav ? "true" : "",
    highlighted: s.hl ? "true" : "", sort, order, limit: PAGE, cursor });
}

// ------------------------------------------------------------------ loading
async function load({ append = false } = {}) {
  const s = readState();
  const ticket = ++view.loading;
  $("#items").setAttribute("aria-busy", "true");
  try {
    const page = await get(query(s, append ? view.cursor : null));
    if (ticket !== view.loading) return; // a newer search has started
    view.items = append ? view.items.concat(page.items) : page.items;
    view.cursor = page.next_cursor;
    if (!append) view.selected = view.items.length ? Math.min(Math.max(view.selected, 0), view.items.length - 1) : -1;
    render(s, page);
  } catch (err) {
    announce(err.message, { timeout: 15000 });
  } finally {
    if (ticket === view.loading) $("#items").removeAttribute("aria-busy");
  }
}

function render(s, page) {
  syncControls(s);
  for (const [name, n] of Object.entries(page.counts || {})) {
    const el = $(`[data-count="${name}"]`);
    if (el) el.textContent = n ? String(n) : "";
  }
  const total = page.total ?? view.items.length;
  $("#result-count").textContent = `${total} article${total === 1 ? "" : "s"}`;
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
function item(a, index) {
  const hl = a.highlight_count || 0;
  const minutes = a.needs_fetch || (a.read_error && !a.word_count) ? null : `${a.reading_minutes || 1} min read`;
  const meta = [a.site_name || hostOf(a.url), a.byline, minutes,
    hl ? `${hl} highlight${hl === 1 ? "" : "s"}` : null].filter(Boolean).join(" · ");
  const li = h("li.item", { dataset: { id: a.id, index }, "aria-current": index === view.selected ? "true" : null },
    h("a.title", { href: `/read/${encodeURIComponent(a.id)}` }, a.title || a.url),
    h("div.meta", {}, meta, " · saved ", h("time", { datetime: a.created_at }, formatDate(a.created_at)),
      a.state === "archived" ? h("span.badge", {}, "archived") : null,
      a.needs_fetch ? h("span.badge", { title: a.fetch_error || "Imported without its text: use Import / export → Fetch missing articles." },
        a.fetch_error ? "fetch failed" : "text not fetched yet") : null,
      a.read_error ? h("span.badge", { title: a.read_error.message }, a.word_count ? "newer capture not read yet" : "not read yet") : null),
    a.snippet || a.matched_in ? matchedPassage(a) : null,
    a.tags.length ? h("ul.tags", { "aria-label": "Tags" }, a.tags.map((t) =>
      h("li", {}, h("button.tag", { type: "button", title: `Show articles tagged ${t.name}`,
        onclick: () => change({ tag: t.name }) }, t.name)))) : null,
    h("div.actions", {},
      h("button.action", { type: "button", onclick: () => toggleArchive(a) }, a.state === "archived" ? "Unarchive" : "Archive"),
      h("button.action", { type: "button", "aria-pressed": String(!!a.favorite), onclick: () => toggleFavorite(a) },
        a.favorite ? "★ Favourite" : "☆ Favourite"),
      h("button.action", { type: "button", "aria-expanded": "false", dataset: { tagsButton: "" },
        onclick: (e) => editTags(a, li, e.currentTarget) }, "Tags"),
      h("button.action.danger", { type: "button", onclick: () => remove(a) }, "Delete")));
  li.addEventListener("click", (e) => { if (!e.target.closest("button, a, input")) select(index); });
  return li;
}

// Why a search hit matched: its passage with the words marked, and where it was found. The
// passage is the page's own text, untrusted: it is only ever text nodes (marks are <mark>s
// holding text), never markup. Offsets count code points.
const WHERE = { note: "In your note", highlight: "In a highlight" };

function matchedPassage(a) {
  const { snippet } = a;
  const parts = [];
  if (snippet) {
    const chars = Array.from(snippet.text);
    let at = 0;
    for (const [start, end] of snippet.marks || []) {
      if (start < at || end <= start) continue;
      parts.push(chars.slice(at, start).join(""), h("mark.match", {}, chars.slice(start, end).join("")));
      at = end;
    }
    parts.push(chars.slice(at).join(""));
  }
  const alsoIn = (a.matched_in || []).filter((w) => WHERE[w] && w !== snippet?.in);
  const where = snippet && WHERE[snippet.in] ? `${WHERE[snippet.in]}: ` : "";
  const also = alsoIn.length ? ` (matched in ${alsoIn.map((w) => (w === "note" ? "a note" : "a highlight")).join(" and ")})` : "";
  if (!parts.length && !also) return null;
  return h("p.snippet", {}, where ? h("span.where", {}, where) : null, ...parts, also ? h("span.where", {}, also) : null);
}

function replaceItem(updated) {
  const i = view.items.findIndex((x) => x.id === updated.id);
  if (i < 0) return;
  view.items[i] = { ...view.items[i], ...updated };
  const old = $(`.item[data-id="${CSS.escape(updated.id)}"]`);
  if (old) old.replaceWith(item(view.items[i], i));
  markSelected(false);
}

async function toggleArchive(a) {
  const to = a.state === "archived" ? "unread" : "archived";
  try {
    const updated = await patch(`/api/articles/${encodeURIComponent(a.id)}`, { state: to });
    const undo = () => patch(`/api/articles/${encodeURIComponent(a.id)}`, { state: a.state }).then(() => load());
    announce(to === "archived" ? `Archived “${a.title}”.` : `Moved “${a.title}” back to unread.`, { action: "Undo", onAction: undo });
    if (readState().state === "all") replaceItem(updated);
    else load();
  } catch (err) { announce(err.message); }
}

async function toggleFavorite(a) {
  try {
    replaceItem(await patch(`/api/articles/${encodeURIComponent(a.id)}`, { favorite: !a.favorite }));
    if (readState().fav) load();
  } catch (err) { announce(err.message); }
}

async function remove(a) {
  try {
    await del(`/api/articles/${encodeURIComponent(a.id)}`);
    announce(`Deleted “${a.title}”.`, { action: "Undo", onAction: () => post(`/api/articles/${encodeURIComponent(a.id)}/restore`).then(() => load()) });
    load();
  } catch (err) { announce(err.message); }
}

function editTags(a, li, button) {
  const open = li.querySelector(".tags-editor");
  if (open) { open.remove(); button.setAttribute("aria-expanded", "false"); return; }
  button.setAttribute("aria-expanded", "true");
  const editor = tagsEditor(a, (updated) => {
    const i = view.items.findIndex((x) => x.id === updated.id);
    if (i >= 0) view.items[i] = { ...view.items[i], ...updated };
    const tags = li.querySelector("ul.tags");
    const fresh = item(view.items[i], i).querySelector("ul.tags");
    if (tags && fresh) tags.replaceWith(fresh); else if (fresh) li.querySelector(".meta").after(fresh); else if (tags) tags.remove();
  }, view.vocabulary);
  li.append(editor);
  editor.querySelector("input").focus();
}

// ------------------------------------------------------------------ selection and keys
function select(index) {
  if (!view.items.length) return;
  view.selected = Math.max(0, Math.min(index, view.items.length - 1));
  markSelected(true);
}

function markSelected(focus) {
  $$(".item").forEach((li, i) => li.toggleAttribute("aria-current", i === view.selected));
  const li = $$(".item")[view.selected];
  if (li && focus) { li.querySelector("a.title").focus(); li.scrollIntoView({ block: "nearest" }); }
}

const KEYS = {
  j: () => select(view.selected + 1),
  k: () => select(view.selected - 1),
  Enter: () => { const a = view.items[view.selected]; if (a) location.href = `/read/${encodeURIComponent(a.id)}`; },
  e: () => view.items[view.selected] && toggleArchive(view.items[view.selected]),
  f: () => view.items[view.selected] && toggleFavorite(view.items[view.selected]),
  "#": () => view.items[view.selected] && remove(view.items[view.selected]),
  t: () => { const li = $$(".item")[view.selected]; if (li) editTags(view.items[view.selected], li, li.querySelector("[data-tags-button]")); },
  "/": () => { $("#q").focus(); $("#q").select(); },
  "?": () => $("#help").showModal(),
};

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || $("#help").open) return;
  const typing = e.target.closest("input, textarea, select, [contenteditable]");
  if (typing) { if (e.key === "Escape") e.target.blur(); return; }
  if (e.key === "Enter" && e.target.closest("a, button")) return; // the focused control's own action
  const action = KEYS[e.key];
  if (action) { e.preventDefault(); action(); }
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
  load();
}

init();
