// The notebook (/highlights): every highlight across the library, newest first, oldest first or
// by article; filtered by colour and tag; searched like the list; each one jumps to its passage
// in the reader, and its note can be edited here. The selection exports as Markdown.
// State lives in the URL (?q=&color=&tag=&sort=) so reload and Back keep it.
import { get, newestOnly, patch, withQuery } from "./api.js";
import { $, $$, announce, h, hostOf, noteView, plural, timeEl } from "./dom.js";
import { exportMarkdown } from "./notebook-export.js";
import { saveTrail } from "./trail.js";

const PAGE = 50;
const view = { items: [], cursor: null };

function readState() {
  const p = new URLSearchParams(location.search);
  return { q: p.get("q") || "", color: p.get("color") || "", tag: p.get("tag") || "",
    sort: ["newest", "oldest", "article"].includes(p.get("sort")) ? p.get("sort") : "newest" };
}

function writeState(s, { replace = false } = {}) {
  history[replace ? "replaceState" : "pushState"](null, "", withQuery(location.pathname,
    { q: s.q, color: s.color, tag: s.tag, sort: s.sort === "newest" ? "" : s.sort }));
}

export const query = (s, cursor, limit = PAGE) => withQuery("/api/highlights", { q: s.q, color: s.color, tag: s.tag, sort: s.sort, limit, cursor });

let fetchPage; // newestOnly(#items), made at init

async function load({ append = false } = {}) {
  const s = readState();
  try {
    const page = await fetchPage(query(s, append ? view.cursor : null));
    if (!page) return; // a newer search has started
    view.items = append ? view.items.concat(page.items) : page.items;
    view.cursor = page.next_cursor;
    render(s, page);
    saveTrail({ from: location.pathname + location.search, ids: [...new Set(view.items.map((x) => x.article.id))],
      next: view.cursor ? query(s, view.cursor) : null });
  } catch (err) {
    announce(err.message, { timeout: 15000 });
  }
}

function render(s, page) {
  if (document.activeElement !== $("#q")) $("#q").value = s.q;
  $("#sort").value = s.sort;
  if ($(`#tag option[value="${CSS.escape(s.tag)}"]`) || !s.tag) $("#tag").value = s.tag;
  for (const b of $$("[data-color]")) b.setAttribute("aria-checked", String(b.dataset.color === s.color));
  for (const el of $$("[data-count]")) el.textContent = page.colors[el.dataset.count] ? String(page.colors[el.dataset.count]) : "";
  $("#result-count").textContent = plural(page.total, "highlight");
  const filtered = s.q || s.color || s.tag;
  $("#empty").hidden = page.total > 0 || filtered;
  $("#no-match").hidden = page.total > 0 || !filtered;
  $("#more").hidden = !view.cursor;
  $("#export").disabled = page.total === 0;
  $("#items").replaceChildren(...(s.sort === "article" ? byArticle(view.items) : [h("ol.highlight-cards", {}, view.items.map((x) => card(x, true)))]));
}

function byArticle(items) {
  const groups = [];
  for (const x of items) {
    const last = groups[groups.length - 1];
    if (last && last.article.id === x.article.id) last.items.push(x);
    else groups.push({ article: x.article, items: [x] });
  }
  return groups.map((g) => h("section.article-group", {},
    h("h2", {}, h("a", { href: readerUrl(g.article) }, g.article.title || g.article.url),
      h("span.muted.site", {}, ` · ${g.article.site_name || hostOf(g.article.url)}`)),
    h("ol.highlight-cards", {}, g.items.map((x) => card(x, false)))));
}

const readerUrl = (article, highlight) => `/read/${encodeURIComponent(article.id)}${highlight ? `#hl-${encodeURIComponent(highlight.id)}` : ""}`;
const quoteOf = (x) => (x.selectors.find((s) => s.type === "TextQuoteSelector") || {}).exact || "";

const sep = () => h("span", { "aria-hidden": "true" }, "·");

function card(x, withArticle) {
  const li = h(`li.highlight-card.${x.color}`, { dataset: { id: x.id } },
    h("blockquote", {}, quoteOf(x)),
    x.note ? noteView(x) : null,
    h("div.card-foot", {},
      withArticle ? [h("a.card-article", { href: readerUrl(x.article) }, x.article.title || x.article.url), sep(),
        h("bdi", {}, x.article.site_name || hostOf(x.article.url)), sep()] : null,
      timeEl(x.created_at),
      x.status === "orphan" ? h("span.badge", { title: "Not found in the article's latest version" }, "not in the text") : null,
      h("span.card-actions", {},
        x.status === "orphan" ? null : h("a.jump", { href: readerUrl(x.article, x), "aria-label": `Show in article: ${quoteOf(x).slice(0, 60)}` }, "Show in article"),
        h("button.link", { type: "button", onclick: () => editNote(x, li) }, x.note ? "Edit note" : "Add note"))));
  return li;
}

function editNote(x, li) {
  if ($("form.note-editor", li)) return;
  const text = h("textarea", { rows: 4, maxlength: 20000, "aria-label": "Your note (Markdown)" });
  text.value = x.note || "";
  const form = h("form.note-editor", {}, text, h("div.dialog-actions", {},
    h("button.primary", { type: "submit" }, "Save"),
    h("button", { type: "button", onclick: () => form.remove() }, "Cancel")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      Object.assign(x, await patch(`/api/highlights/${encodeURIComponent(x.id)}`, { note: text.value }));
      const fresh = card(x, !li.closest(".article-group"));
      li.replaceWith(fresh);
      $("button.link", fresh).focus();
      announce("Note saved.");
    } catch (err) { announce(err.message); }
  });
  text.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.stopPropagation(); form.remove(); } });
  $(".card-foot", li).before(form);
  text.focus();
}

// ------------------------------------------------------------------ wiring
function change(patchState) {
  writeState({ ...readState(), ...patchState });
  load();
}

function init() {
  fetchPage = newestOnly($("#items"));
  let timer;
  $("#q").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { writeState({ ...readState(), q: $("#q").value.trim() }, { replace: true }); load(); }, 200);
  });
  $("#search-form").addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); change({ q: $("#q").value.trim() }); });
  for (const b of $$("[data-color]")) b.addEventListener("click", () => change({ color: b.dataset.color }));
  $("#tag").addEventListener("change", () => change({ tag: $("#tag").value }));
  $("#sort").addEventListener("change", () => change({ sort: $("#sort").value }));
  $("#more").addEventListener("click", () => load({ append: true }));
  $("#clear-filters").addEventListener("click", () => { history.pushState(null, "", withQuery(location.pathname, { sort: readState().sort === "newest" ? "" : readState().sort })); load(); });
  $("#export").addEventListener("click", () => exportMarkdown(readState(), query).catch((err) => announce(err.message)));
  document.addEventListener("keydown", (e) => {
    if (e.key === "/" && !e.target.closest("input, textarea, select") && !e.ctrlKey && !e.metaKey) { e.preventDefault(); $("#q").focus(); }
  });
  window.addEventListener("popstate", () => load());
  get("/api/tags").then((r) => {
    $("#tag").append(...r.items.map((t) => h("option", { value: t.name }, t.name)));
    $("#tag").value = readState().tag;
  }).catch(() => {});
  load();
}

init();
