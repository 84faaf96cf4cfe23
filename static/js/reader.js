// The reader: highlights (made from a selection, painted with the shared anchoring module,
// listed beside the text with the orphans), reading settings, progress, tags, archive.
import { del, get, patch, post } from "./api.js";
import { clearHighlights, MARK_CLASS, paint } from "./anchoring/marks.js";
import { describe } from "./anchoring/match.js";
import { rangeOffsets, textPositions } from "./anchoring/text.js";
import { $, $$, announce, h } from "./dom.js";
import { initPrefs } from "./prefs.js";
import { initProgress } from "./progress.js";
import { tagsEditor } from "./tags-editor.js";

const content = $("#content");
const articleId = $("#main").dataset.articleId;
const base = `/api/articles/${encodeURIComponent(articleId)}`;
const state = { article: null, highlights: [], orphans: new Set(), pending: null };
// The highlight colours, as the server lists them (its swatches in the selection bar).
const COLORS = $$("#selection-bar [data-color]").map((b) => b.dataset.color);

// ------------------------------------------------------------------ highlights
function repaint() {
  clearHighlights(content);
  const { orphans } = paint(content, state.highlights.filter((h) => h.status !== "orphan"));
  state.orphans = new Set([...orphans, ...state.highlights.filter((h) => h.status === "orphan").map((h) => h.id)]);
  renderPanel();
}

function renderPanel() {
  const placed = state.highlights.filter((x) => !state.orphans.has(x.id));
  const lost = state.highlights.filter((x) => state.orphans.has(x.id));
  $("#highlight-list").replaceChildren(...placed.map((x) => panelItem(x, true)));
  $("#orphan-list").replaceChildren(...lost.map((x) => panelItem(x, false)));
  $("#orphans").hidden = lost.length === 0;
  const n = state.highlights.length;
  $("#highlight-count").textContent = n ? `(${n})` : "";
  $("#show-highlights").hidden = false;
  if (!n) $("#highlight-list").replaceChildren(h("li.muted", {}, "Select text in the article to highlight it."));
}

function quoteOf(x) {
  return (x.selectors.find((s) => s.type === "TextQuoteSelector") || {}).exact || "";
}

function panelItem(x, placed) {
  return h(`li.highlight-item.${x.color}`, { dataset: { id: x.id } },
    h("blockquote", {}, placed ? h("a", { href: `#hl-${x.id}`, onclick: (e) => { e.preventDefault(); jumpTo(x.id); } }, quoteOf(x)) : quoteOf(x)),
    x.note ? h("p.note", {}, x.note) : null,
    h("div.item-actions", {},
      h("button.link", { type: "button", onclick: () => editNote(x) }, x.note ? "Edit note" : "Add note"),
      h("label.visually-hidden", { for: `color-${x.id}` }, "Colour"),
      h("select.color-select", { id: `color-${x.id}`, onchange: (e) => recolor(x, e.target.value) },
        COLORS.map((c) => h("option", { value: c, selected: c === x.color }, c))),
      h("button.link.danger", { type: "button", onclick: () => removeHighlight(x) }, "Delete")));
}

function jumpTo(id) {
  const mark = content.querySelector(`mark[data-highlight-id="${CSS.escape(id)}"]`);
  if (!mark) return;
  mark.scrollIntoView({ block: "center", behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
  $$(`mark[data-highlight-id="${CSS.escape(id)}"]`, content).forEach((m) => { m.classList.add("flash"); setTimeout(() => m.classList.remove("flash"), 1200); });
}

async function createHighlight(color, note = "") {
  const range = state.pending;
  hideSelectionBar();
  if (!range) return;
  const positions = textPositions(content);
  const offsets = rangeOffsets(positions, range);
  if (!offsets) return announce("Select some text inside the article to highlight it.");
  try {
    const created = await post(`${base}/highlights`, { selectors: describe(positions.text, offsets.start, offsets.end), color, note });
    state.highlights.push(created);
    window.getSelection().removeAllRanges();
    repaint();
    announce("Highlight saved.");
  } catch (err) { announce(err.message); }
}

async function editNote(x) {
  const note = await askNote(quoteOf(x), x.note);
  if (note === null) return;
  try { Object.assign(x, await patch(`/api/highlights/${encodeURIComponent(x.id)}`, { note })); renderPanel(); }
  catch (err) { announce(err.message); }
}

async function recolor(x, color) {
  try { Object.assign(x, await patch(`/api/highlights/${encodeURIComponent(x.id)}`, { color })); repaint(); }
  catch (err) { announce(err.message); }
}

async function removeHighlight(x) {
  try {
    await del(`/api/highlights/${encodeURIComponent(x.id)}`);
    state.highlights = state.highlights.filter((y) => y.id !== x.id);
    repaint();
    announce("Highlight deleted.");
  } catch (err) { announce(err.message); }
}

/** The note dialog; resolves to the text, or null when cancelled. */
function askNote(quote, current = "") {
  const dialog = $("#note-dialog");
  $("#note-quote").textContent = quote;
  $("#note-text").value = current || "";
  dialog.returnValue = "";
  dialog.showModal();
  $("#note-text").focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "save" ? $("#note-text").value : null), { once: true });
  });
}

// ------------------------------------------------------------------ the selection toolbar
function showSelectionBar() {
  const sel = window.getSelection();
  if (!sel.rangeCount || sel.isCollapsed || !content.contains(sel.getRangeAt(0).commonAncestorContainer)) return hideSelectionBar();
  if (!sel.toString().trim()) return hideSelectionBar();
  state.pending = sel.getRangeAt(0).cloneRange();
  const rect = state.pending.getBoundingClientRect();
  const bar = $("#selection-bar");
  bar.hidden = false;
  const top = window.scrollY + rect.top - bar.offsetHeight - 8;
  const left = Math.max(8, Math.min(window.scrollX + rect.left + rect.width / 2 - bar.offsetWidth / 2, document.documentElement.clientWidth - bar.offsetWidth - 8));
  bar.style.top = `${Math.max(window.scrollY + 8, top)}px`;
  bar.style.left = `${left}px`;
}

function hideSelectionBar() {
  $("#selection-bar").hidden = true;
}

function initSelection() {
  document.addEventListener("mouseup", () => setTimeout(showSelectionBar, 0));
  document.addEventListener("keyup", (e) => { if (e.shiftKey || e.key.startsWith("Arrow")) showSelectionBar(); });
  document.addEventListener("selectionchange", () => { if (window.getSelection().isCollapsed) setTimeout(hideSelectionBar, 150); });
  $("#selection-bar").addEventListener("mousedown", (e) => e.preventDefault()); // keep the selection
  for (const b of $$("#selection-bar [data-color]")) b.addEventListener("click", () => createHighlight(b.dataset.color));
  $("#selection-bar [data-note]").addEventListener("click", async () => {
    const range = state.pending;
    const note = await askNote(range ? range.toString() : "");
    state.pending = range;
    if (note !== null) createHighlight("yellow", note);
  });
  content.addEventListener("click", (e) => {
    const mark = e.target.closest(`mark.${MARK_CLASS}`);
    if (!mark || !window.getSelection().isCollapsed) return;
    const x = state.highlights.find((y) => y.id === mark.dataset.highlightId);
    if (!x) return;
    openPanel(true);
    const li = $(`.highlight-item[data-id="${CSS.escape(x.id)}"]`);
    if (li) { li.scrollIntoView({ block: "nearest" }); li.classList.add("flash"); setTimeout(() => li.classList.remove("flash"), 1200); }
    if (x.note) announce(x.note, { timeout: 8000 });
  });
}

function openPanel(open) {
  $("#highlights").hidden = !open;
  $("#show-highlights").setAttribute("aria-expanded", String(open));
  document.body.classList.toggle("with-panel", open);
}

// ------------------------------------------------------------------ images coming
// Saving answers before the article's images are archived: while they come, a quiet note says
// so, and each image is shown from our own server as soon as its copy is there.
const IMAGES_POLL_MS = 1500;

function showArchived(items) {
  const waiting = $$("img[data-qp-image]", content);
  for (const item of items) {
    if (!item.src) continue;
    for (const img of waiting) {
      if (img.dataset.qpImage !== item.url) continue;
      img.src = item.src;
      delete img.dataset.qpImage;
      delete img.dataset.qpOffline;
    }
  }
}

async function followImages(counts) {
  const note = $("#images-note");
  if (!counts || counts.total <= counts.archived + counts.failed) return;
  for (;;) {
    let got;
    try { got = await get(`${base}/images`); } catch { note.hidden = true; return; }
    showArchived(got.items);
    const c = got.images;
    if (c.total <= c.archived + c.failed || !got.archiving) { note.hidden = true; return; }
    note.textContent = `Keeping this article's images on your computer… ${c.archived} of ${c.total}`;
    note.hidden = false;
    await new Promise((resolve) => setTimeout(resolve, IMAGES_POLL_MS));
  }
}

// ------------------------------------------------------------------ article actions
function renderActions() {
  const a = state.article;
  const archive = $("#archive"), fav = $("#favorite");
  archive.hidden = fav.hidden = false;
  archive.textContent = a.state === "archived" ? "Unarchive" : "Archive";
  fav.textContent = a.favorite ? "★ Favourite" : "☆ Favourite";
  fav.setAttribute("aria-pressed", String(!!a.favorite));
}

async function update(fields, message) {
  try {
    Object.assign(state.article, await patch(base, fields));
    renderActions();
    if (message) announce(message);
  } catch (err) { announce(err.message); }
}

async function init() {
  initPrefs();
  initSelection();
  $("#show-highlights").addEventListener("click", () => openPanel($("#highlights").hidden));
  $("#archive").addEventListener("click", () => update({ state: state.article.state === "archived" ? "unread" : "archived" },
    state.article.state === "archived" ? "Moved back to unread." : "Archived."));
  $("#favorite").addEventListener("click", () => update({ favorite: !state.article.favorite }));
  try {
    const [article, highlights, vocabulary] = await Promise.all([get(base), get(`${base}/highlights`), get("/api/tags").catch(() => ({ items: [] }))]);
    state.article = article;
    state.highlights = highlights.items;
    renderActions();
    $("#tags-slot").replaceChildren(tagsEditor(article, (a) => Object.assign(state.article, a), vocabulary.items.map((t) => t.name)));
    repaint();
    if (state.highlights.length && matchMedia("(min-width: 72rem)").matches) openPanel(true);
    initProgress(article, (progress, leaving) => patch(base, { progress }, { keepalive: leaving }));
    followImages(article.images);
  } catch (err) {
    announce(err.message, { timeout: 20000 });
  }
}

init();
