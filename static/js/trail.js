// The list you came from, remembered for the reader (per tab, in sessionStorage): where to go
// back to, and the articles before and after this one for j / k - the next page fetched from
// the API when the reader walks past the ones loaded. And a message carried to the next page
// ("Deleted …  Undo"), so archiving or deleting in the reader can go back to the list at once.
import { get } from "./api.js";

const TRAIL = "qp-trail";
const FLASH = "qp-flash";

function read(key) {
  try { return JSON.parse(sessionStorage.getItem(key) || "null"); } catch { return null; }
}

function write(key, value) {
  try { sessionStorage.setItem(key, JSON.stringify(value)); } catch { /* private mode: no trail */ }
}

/**
 * @param {object} trail  {from: the page's URL, ids: article ids in order, next: the API URL of
 *                         the next page or null (its items' ids come after `ids`)}
 */
export function saveTrail(trail) {
  write(TRAIL, trail);
}

export function loadTrail() {
  const t = read(TRAIL);
  return t && Array.isArray(t.ids) && typeof t.from === "string" ? t : null;
}

/** Where "back" goes from the reader of `id`: the list it was opened from, else the reading list. */
export function backTo(id) {
  const t = loadTrail();
  return t && t.ids.includes(id) && t.from.startsWith("/") && !t.from.startsWith("//") ? t.from : "/";
}

/** The id `step` places from `id` in the trail (+1 next, -1 previous), loading the next page
 * when needed; null at either end or when `id` is not on the trail. */
export async function neighbour(id, step) {
  const t = loadTrail();
  if (!t) return null;
  const i = t.ids.indexOf(id);
  if (i < 0) return null;
  if (i + step >= t.ids.length && t.next) {
    const page = await get(t.next);
    const url = new URL(t.next, location.origin);
    if (page.next_cursor) url.searchParams.set("cursor", page.next_cursor);
    t.ids.push(...page.items.map((a) => a.article?.id || a.id).filter((x) => !t.ids.includes(x)));
    t.next = page.next_cursor ? url.pathname + url.search : null;
    saveTrail(t);
  }
  return t.ids[i + step] ?? null;
}

/** A message for the next page: {text, undo?: {action: "restore" | "unarchive", id}}. */
export function flash(message) {
  write(FLASH, message);
}

export function takeFlash() {
  const message = read(FLASH);
  try { sessionStorage.removeItem(FLASH); } catch { /* nothing to take */ }
  return message;
}
