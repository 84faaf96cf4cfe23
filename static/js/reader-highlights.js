// The reader's highlights: made from a selection (the toolbar, or the keys h and n), painted
// with the shared anchoring module, listed beside the text with the orphans; notes are Markdown,
// shown as the server rendered them (note_html).
import { del, patch, post } from "./api.js";
import { clearHighlights, MARK_CLASS, paint } from "./anchoring/marks.js";
import { describe } from "./anchoring/match.js";
import { rangeOffsets, textPositions } from "./anchoring/text.js";
import { $, $$, announce, h, noteView } from "./dom.js";

const content = $("#content");
const state = { base: "", highlights: [], orphans: new Set(), pending: null, lastColor: null };
// The highlight colours, as the server lists them (its swatches in the selection bar).
const COLORS = $$("#selection-bar [data-color]").map((b) => b.dataset.color);

function repaint() {
  clearHighlights(content);
  const { orphans } = paint(content, state.highlights.filter((x) => x.status !== "orphan"));
  state.orphans = new Set([...orphans, ...state.highlights.filter((x) => x.status === "orphan").map((x) => x.id)]);
  renderPanel();
}

function renderPanel() {
  const placed = state.highlights.filter((x) => !state.orphans.has(x.id));
  const lost = state.highlights.filter((x) => state.orphans.has(x.id));
  $("#highlight-list").replaceChildren(...placed.map((x) => panelItem(x, true)));
  $("#orphan-list").replaceChildren(...lost.map((x) => panelItem(x, false)));
  $("#orphans").hidden = lost.length === 0;
  const n = state.highlights.length;
  $("#highlight-count").textContent = n ? ` ${n}` : "";
  $("#show-highlights").hidden = false;
  if (!n) $("#highlight-list").replaceChildren(h("li.muted", {}, "Select text in the article to highlight it (or press h)."));
}

function quoteOf(x) {
  return (x.selectors.find((s) => s.type === "TextQuoteSelector") || {}).exact || "";
}

function panelItem(x, placed) {
  return h(`li.highlight-item.${x.color}`, { dataset: { id: x.id } },
    h("blockquote", {}, placed ? h("a", { href: `#hl-${x.id}`, onclick: (e) => { e.preventDefault(); jumpTo(x.id); } }, quoteOf(x)) : quoteOf(x)),
    x.note ? noteView(x) : null,
    h("div.item-actions", {},
      h("button.link", { type: "button", onclick: () => editNote(x) }, x.note ? "Edit note" : "Add note"),
      h("label.visually-hidden", { for: `color-${x.id}` }, "Colour"),
      h("select.color-select", { id: `color-${x.id}`, onchange: (e) => recolor(x, e.target.value) },
        COLORS.map((c) => h("option", { value: c, selected: c === x.color }, c))),
      h("button.link.danger", { type: "button", onclick: () => removeHighlight(x) }, "Delete")));
}

/** Scroll to a highlight and flash it; false when it is not painted in the text. */
export function jumpTo(id) {
  const mark = content.querySelector(`mark[data-highlight-id="${CSS.escape(id)}"]`);
  if (!mark) return false;
  mark.scrollIntoView({ block: "center", behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
  $$(`mark[data-highlight-id="${CSS.escape(id)}"]`, content).forEach((m) => { m.classList.add("flash"); setTimeout(() => m.classList.remove("flash"), 1600); });
  return true;
}

async function createHighlight(range, color, note = "") {
  hideSelectionBar();
  if (!range) return announce("Select some text in the article first.");
  const positions = textPositions(content);
  const offsets = rangeOffsets(positions, range);
  if (!offsets) return announce("Select some text inside the article to highlight it.");
  try {
    const created = await post(`${state.base}/highlights`, { selectors: describe(positions.text, offsets.start, offsets.end), color, note });
    state.highlights.push(created);
    window.getSelection().removeAllRanges();
    repaint();
    announce(note ? "Highlight and note saved." : "Highlight saved.");
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

// ------------------------------------------------------------------ the selection
/** The selection when it is text inside the article, else null. */
function selectedRange() {
  const sel = window.getSelection();
  if (!sel.rangeCount || sel.isCollapsed || !sel.toString().trim()) return null;
  const range = sel.getRangeAt(0);
  return content.contains(range.commonAncestorContainer) ? range.cloneRange() : null;
}

function showSelectionBar() {
  state.pending = selectedRange();
  const bar = $("#selection-bar");
  if (!state.pending) return hideSelectionBar();
  const rect = state.pending.getBoundingClientRect();
  bar.hidden = false;
  const top = window.scrollY + rect.top - bar.offsetHeight - 8;
  const left = Math.max(8, Math.min(window.scrollX + rect.left + rect.width / 2 - bar.offsetWidth / 2, document.documentElement.clientWidth - bar.offsetWidth - 8));
  bar.style.top = `${Math.max(window.scrollY + 8, top)}px`;
  bar.style.left = `${left}px`;
}

export function hideSelectionBar() {
  $("#selection-bar").hidden = true;
}

/** h: highlight the selection (in the last colour used). */
export function highlightSelection() {
  return createHighlight(selectedRange() || state.pending, state.lastColor || "yellow");
}

/** n: the selection, highlighted with a note. */
export async function noteSelection() {
  const range = selectedRange() || state.pending;
  if (!range) return announce("Select some text in the article first, then press n to add a note.");
  const note = await askNote(range.toString());
  if (note !== null) createHighlight(range, state.lastColor || "yellow", note);
}

export function openPanel(open) {
  $("#highlights").hidden = !open;
  $("#show-highlights").setAttribute("aria-expanded", String(open));
  document.body.classList.toggle("with-panel", open);
}

export function initHighlights(base, highlights) {
  state.base = base;
  state.highlights = highlights;
  document.addEventListener("mouseup", () => setTimeout(showSelectionBar, 0));
  document.addEventListener("keyup", (e) => { if (e.shiftKey || e.key.startsWith("Arrow")) showSelectionBar(); });
  document.addEventListener("selectionchange", () => { if (window.getSelection().isCollapsed) setTimeout(hideSelectionBar, 150); });
  $("#selection-bar").addEventListener("mousedown", (e) => e.preventDefault()); // keep the selection
  for (const b of $$("#selection-bar [data-color]")) {
    b.addEventListener("click", () => { state.lastColor = b.dataset.color; createHighlight(state.pending, b.dataset.color); });
  }
  $("#selection-bar [data-note]").addEventListener("click", () => noteSelection());
  $("#show-highlights").addEventListener("click", () => openPanel($("#highlights").hidden));
  content.addEventListener("click", (e) => {
    const mark = e.target.closest(`mark.${MARK_CLASS}`);
    if (!mark || !window.getSelection().isCollapsed) return;
    const x = state.highlights.find((y) => y.id === mark.dataset.highlightId);
    if (!x) return;
    openPanel(true);
    const li = $(`.highlight-item[data-id="${CSS.escape(x.id)}"]`);
    if (li) { li.scrollIntoView({ block: "nearest" }); li.classList.add("flash"); setTimeout(() => li.classList.remove("flash"), 1200); }
    if (x.note) announce(noteView(x, "span.note"), { timeout: 8000 });
  });
  repaint();
  if (state.highlights.length && matchMedia("(min-width: 72rem)").matches) openPanel(true);
}
