// The reader: the article's actions (archive and go back, favourite, delete with undo), its keys,
// reading settings, progress, tags; highlights live in reader-highlights.js, the bar in reader-bar.js.
import { del, get, patch } from "./api.js";
import { $, announce, localizeTimes } from "./dom.js";
import { initPrefs } from "./prefs.js";
import { initProgress } from "./progress.js";
import { hideSelectionBar, highlightSelection, initHighlights, jumpTo, noteSelection, openPanel } from "./reader-highlights.js";
import { initBar } from "./reader-bar.js";
import { followImages } from "./reader-images.js";
import { tagsEditor } from "./tags-editor.js";
import { backTo, flash, neighbour } from "./trail.js";

const articleId = $("#main").dataset.articleId;
const base = `/api/articles/${encodeURIComponent(articleId)}`;
const state = { article: null };

// ------------------------------------------------------------------ article actions
function renderActions() {
  const a = state.article;
  const archive = $("#archive"), fav = $("#favorite");
  archive.hidden = fav.hidden = $("#delete").hidden = false;
  const archived = a.state === "archived";
  archive.querySelector(".label").textContent = archived ? "Unarchive" : "Archive";
  archive.querySelector("use").setAttribute("href", archived ? "#i-unarchive" : "#i-archive");
  archive.title = archived ? "Move back to unread" : "Archive and go back (e)";
  fav.setAttribute("aria-pressed", String(!!a.favorite));
}

const back = () => { location.href = backTo(articleId); };

/** e: archive and go back to the list (with Undo there); an archived article goes back to unread. */
async function archive() {
  const a = state.article;
  if (!a) return;
  try {
    if (a.state === "archived") {
      Object.assign(a, await patch(base, { state: "unread" }));
      renderActions();
      announce("Moved back to unread.");
      return;
    }
    await patch(base, { state: "archived" });
    flash({ text: `Archived “${a.title}”.`, undo: { action: "unarchive", id: a.id } });
    back();
  } catch (err) { announce(err.message); }
}

async function favorite() {
  try { Object.assign(state.article, await patch(base, { favorite: !state.article.favorite })); renderActions(); }
  catch (err) { announce(err.message); }
}

/** Delete: to the trash, and back to the list, where Undo brings it back. */
async function remove() {
  const a = state.article;
  if (!a) return;
  try {
    await del(base);
    flash({ text: `Deleted “${a.title}”.`, undo: { action: "restore", id: a.id } });
    back();
  } catch (err) { announce(err.message); }
}

async function go(step) {
  try {
    const id = await neighbour(articleId, step);
    if (id) location.href = `/read/${encodeURIComponent(id)}`;
    else announce(step > 0 ? "This is the last article of the list you came from." : "This is the first article of the list you came from.");
  } catch (err) { announce(err.message); }
}

// ------------------------------------------------------------------ keys
function closePanels() {
  hideSelectionBar();
  if (!$("#settings").hidden) $("#settings-button").click();
  if (!$("#highlights").hidden) openPanel(false);
}

const KEYS = {
  e: archive, f: favorite, "#": remove, u: back,
  j: () => go(1), k: () => go(-1),
  h: () => highlightSelection(), n: () => noteSelection(),
  Escape: closePanels,
  "?": () => $("#help").showModal(),
};

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || document.querySelector("dialog[open]")) return;
  if (e.target.closest("input, textarea, select, [contenteditable]")) return;
  const action = KEYS[e.key];
  if (action) { e.preventDefault(); action(); }
}

// ------------------------------------------------------------------ start
async function init() {
  localizeTimes($(".reader-head"));
  initPrefs();
  $("#back-link").href = backTo(articleId);
  $("#archive").addEventListener("click", archive);
  $("#favorite").addEventListener("click", favorite);
  $("#delete").addEventListener("click", remove);
  $("#help-button").addEventListener("click", () => $("#help").showModal());
  document.addEventListener("keydown", onKey);
  try {
    const [article, highlights, vocabulary] = await Promise.all([get(base), get(`${base}/highlights`), get("/api/tags").catch(() => ({ items: [] }))]);
    state.article = article;
    renderActions();
    $("#tags-slot").replaceChildren(tagsEditor(article, (a) => Object.assign(state.article, a), vocabulary.items.map((t) => t.name)));
    initHighlights(base, highlights.items);
    const target = /^#hl-(.+)$/.exec(location.hash); // from the notebook: this passage, not where reading stopped
    const jumped = target && jumpTo(decodeURIComponent(target[1]));
    initProgress(jumped ? { ...article, progress: 0 } : article, (progress, leaving) => patch(base, { progress }, { keepalive: leaving }));
    initBar(); // after the jump back to where reading stopped, which is no scrolling down
    followImages(base, article.images);
  } catch (err) {
    announce(err.message, { timeout: 20000 });
  }
}

init();
