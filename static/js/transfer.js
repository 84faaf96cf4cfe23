// The reading list's Import / export dialog: download a backup or Markdown, upload a file to
// import (a job with a progress bar and a Cancel), and fetch the articles that came without
// their text, with a live count.
// After anything that changes the library, the list reloads on "library-changed".
import { ApiError, get, post, withQuery } from "./api.js";
import { $, announce, h, messageNodes, plural } from "./dom.js";

const POLL_MS = 1000;
let following = false; // one poll loop at a time

function libraryChanged() {
  window.dispatchEvent(new CustomEvent("library-changed"));
}

const SOURCES = { quietpage: "a QuietPage backup", pocket: "Pocket", omnivore: "Omnivore", bookmarks: "bookmarks" };

// Where the articles an import just added are: the newest added first, whatever their own dates.
export const ADDED = "/?state=all&sort=added-desc";

function importSummary(r) {
  const parts = [`${plural(r.created, "new article")}`, `${r.updated} updated`, `${r.skipped} already here`];
  let text = `Imported ${r.total} from ${SOURCES[r.format] || r.format}: ${parts.join(", ")}.`;
  if (r.highlights) text += ` ${plural(r.highlights, "highlight")}.`;
  if (r.needs_fetch) text += ` ${plural(r.needs_fetch, "article")} came without text: fetch them below.`;
  return [text, r.created ? [" ", h("a", { href: ADDED, id: "show-imported" }, r.created === 1 ? "Show it" : "Show them")] : []];
}

async function startImport() {
  const input = $("#import-file");
  const file = input.files && input.files[0];
  const status = $("#import-status");
  if (!file) { status.textContent = "Choose a file first."; input.focus(); return; }
  status.textContent = `Sending ${file.name}…`;
  // the file itself, sent as it is; its name only so that a message can speak of it
  if (await reportImport(importJob(withQuery("/api/import", { name: file.name }), file))) input.value = "";
}

/** Shows how an import ended (its summary, or why not); whether it was imported. */
async function reportImport(running) {
  const button = $("#import-start");
  const status = $("#import-status");
  button.disabled = true;
  try {
    status.replaceChildren(...importSummary(await running).flat());
    libraryChanged();
    refreshWaiting();
    return true;
  } catch (err) {
    status.replaceChildren(...messageNodes(err.message));
    if (err.code === "import_cancelled") { libraryChanged(); refreshWaiting(); }
    return false;
  } finally {
    button.disabled = false;
  }
}

// An import runs on the server as a job: followed here with a progress bar and a Cancel, its
// summary returned once it is over (an ApiError if it was refused or cancelled). The dialog
// opened again (or the page reloaded) follows an import still running.
let importing = null;

async function importJob(path, file) {
  return followImport(await post(`${path}${path.includes("?") ? "&" : "?"}background=true`, file));
}

async function followImport(job) {
  importing = job;
  try {
    while (job.state === "running") {
      showImport(job);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      job = await get(`/api/import-jobs/${encodeURIComponent(job.id)}`);
    }
  } finally {
    importing = null;
    showImport(null);
  }
  if (job.state === "done") return job.result;
  if (job.state === "cancelled") {
    throw new ApiError(409, "import_cancelled", job.done
      ? `Import cancelled after ${job.done} of ${plural(job.total, "article")}: those are kept, each whole. Importing the file again adds the rest.`
      : "Import cancelled before any article was added.");
  }
  throw new ApiError(422, (job.error && job.error.code) || "import_failed", (job.error && job.error.message) || "The import failed; the server log has details.");
}

async function resumeImport() {
  if (importing) return;
  try {
    const { running } = await get("/api/import-jobs");
    if (running && !importing) await reportImport(followImport(running));
  } catch (err) {
    $("#import-status").replaceChildren(...messageNodes(err.message));
  }
}

function showImport(job) {
  const bar = $("#import-progress");
  bar.hidden = !job;
  $("#import-cancel").hidden = !job;
  if (!job) return;
  bar.max = Math.max(job.total, 1);
  bar.value = job.done;
  $("#import-status").textContent = job.total ? `Importing: ${job.done} of ${plural(job.total, "article")}…` : "Reading the file…";
}

async function cancelImport() {
  if (!importing) return;
  $("#import-cancel").disabled = true;
  try {
    await post(`/api/import-jobs/${encodeURIComponent(importing.id)}/cancel`);
  } catch (err) {
    $("#import-status").textContent = err.message;
  } finally {
    $("#import-cancel").disabled = false;
  }
}

// ------------------------------------------------------------------ fetching
function showJob(job) {
  const bar = $("#fetch-progress");
  bar.hidden = false;
  bar.max = Math.max(job.total, 1);
  bar.value = job.done;
  let text = `Fetched ${job.fetched} of ${job.total}`;
  if (job.failed) text += ` · ${job.failed} could not be fetched`;
  if (job.state === "running") text += "…";
  else if (job.state === "done") text += ". Done.";
  else text += ` (${job.state}).`;
  $("#fetch-status").textContent = text;
  showFailures(job);
}

/** Why each article could not be fetched (the job keeps the first 50 reasons). */
function showFailures(job) {
  const box = $("#fetch-errors");
  const errors = job.errors || [];
  box.hidden = errors.length === 0;
  if (!errors.length) return;
  const more = job.failed - errors.length;
  $("summary", box).textContent = `Why ${plural(job.failed, "article")} could not be fetched`;
  $("ul", box).replaceChildren(...errors.map((e) => h("li", {},
    h("a", { href: `/read/${encodeURIComponent(e.article_id)}` }, e.url), h("span.muted", {}, ` - ${e.error}`))),
  ...(more > 0 ? [h("li.muted", {}, `and ${more} more`)] : []));
}

async function follow(job) {
  if (following) return;
  following = true;
  $("#fetch-start").hidden = true;
  showJob(job);
  try {
    while (job.state === "running") {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      job = await get(`/api/fetch-jobs/${encodeURIComponent(job.id)}`);
      showJob(job);
    }
  } catch (err) {
    $("#fetch-status").replaceChildren(...messageNodes(err.message));
    return;
  } finally {
    following = false;
  }
  libraryChanged();
  announce(`Fetched ${job.fetched} of ${plural(job.total, "article")}.`);
  refreshWaiting();
}

async function startFetch() {
  try {
    follow(await post("/api/fetch-jobs"));
  } catch (err) {
    $("#fetch-status").replaceChildren(...messageNodes(err.message));
  }
}

async function refreshWaiting() {
  try {
    const status = await get("/api/fetch-jobs");
    const n = status.waiting;
    $("#fetch-waiting").textContent = n
      ? `${plural(n, "article")} ${n === 1 ? "has" : "have"} only an address (imported without text). QuietPage can fetch ${n === 1 ? "it" : "them"} from the web now.`
      : "Every article has its text.";
    if (status.running) follow(status.running);
    else if (!following) $("#fetch-start").hidden = n === 0;
  } catch (err) {
    $("#fetch-waiting").replaceChildren(...messageNodes(err.message));
  }
}

// ------------------------------------------------------------------ images of older articles
// Articles saved before images were archived (or whose images could not be fetched then) get
// theirs here, with a progress bar; the server does one article after another.
let followingImages = false;

function showImageJob(job) {
  const bar = $("#images-progress");
  bar.hidden = false;
  bar.max = Math.max(job.total, 1);
  bar.value = job.done;
  let text = `Images of ${job.done} of ${plural(job.total, "article")} archived`;
  if (job.failed) text += ` · ${plural(job.failed, "article")} with images that could not be kept`;
  text += job.state === "running" ? "…" : job.state === "done" ? ". Done." : ` (${job.state}).`;
  $("#images-status").textContent = text;
}

async function followImages(job) {
  if (followingImages) return;
  followingImages = true;
  $("#images-start").hidden = true;
  showImageJob(job);
  try {
    while (job.state === "running") {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      job = await get(`/api/image-jobs/${encodeURIComponent(job.id)}`);
      showImageJob(job);
    }
  } catch (err) {
    $("#images-status").replaceChildren(...messageNodes(err.message));
    return;
  } finally {
    followingImages = false;
  }
  refreshImages();
}

async function refreshImages() {
  try {
    const status = await get("/api/image-jobs");
    const n = status.waiting;
    $("#images-waiting").textContent = n
      ? `${plural(n, "article")} ${n === 1 ? "has" : "have"} images not kept on this computer yet: they would vanish with their sites.`
      : "Every article's images are kept on this computer" + (status.failed ? ` (some of ${plural(status.failed, "article")} could not be).` : ".");
    if (status.running) followImages(status.running);
    else if (!followingImages) $("#images-start").hidden = n === 0;
  } catch (err) {
    $("#images-waiting").replaceChildren(...messageNodes(err.message));
  }
}

async function startImages() {
  try {
    followImages(await post("/api/image-jobs"));
  } catch (err) {
    $("#images-status").replaceChildren(...messageNodes(err.message));
  }
}

function init() {
  const dialog = $("#transfer");
  const opener = $("#transfer-button");
  if (!dialog || !opener) return;
  opener.addEventListener("click", () => { dialog.showModal(); refreshWaiting(); refreshImages(); resumeImport(); });
  $("#images-start").addEventListener("click", startImages);
  dialog.addEventListener("close", () => opener.focus());
  $("#import-start").addEventListener("click", startImport);
  $("#import-cancel").addEventListener("click", cancelImport);
  $("#fetch-start").addEventListener("click", startFetch);
}

init();
