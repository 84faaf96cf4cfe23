// One article of the reading list, as a row: title; site, length, highlights, when; one line of
// excerpt; at most three tag chips and "+n"; its actions (shown on hover, focus or selection);
// a thin bar of how far it was read. Three places are meant for more (other pages' features drop
// in there): thumbnail(a) before the text, summary(a) under the meta line (the excerpt, or what
// a search found: matchedPassage(a), on a line of its own), chips(a) (the tags).
import { $, h, hostOf, icon, plural, timeEl } from "./dom.js";

const MAX_CHIPS = 3;

/**
 * @param {object} a   the article, as /api/articles lists it
 * @param {object} on  {tag(name), archive(a), favorite(a), tags(a, li, button), remove(a), select(),
 *                     suggest() (optional: the one-click chips of its suggested tags, or null)}
 */
export function row(a, { selected, on }) {
  const li = h("li.item", { dataset: { id: a.id }, "aria-current": selected ? "true" : null },
    thumbnail(a),
    h("div.item-main", {},
      h("a.title", { href: `/read/${encodeURIComponent(a.id)}` }, a.title || a.url),
      h("div.item-sub", {}, meta(a), summary(a)),
      matchedPassage(a), // under the meta line (on a phone too, before the tags)
      chips(a, on),
      on.suggest ? on.suggest() : null),
    actions(a, on),
    h("button.row-more", { type: "button", title: "Actions", "aria-label": `Actions for ${a.title || a.url}`,
      "aria-expanded": String(!!selected), onclick: () => on.select() }, "⋯"),
    progress(a));
  li.addEventListener("click", (e) => { if (!e.target.closest("button, a, input")) on.select(); });
  return li;
}

/** The article's picture, when there is one we may show without asking its site (an archived
 * lead image); none yet: the row has no picture column then. */
export function thumbnail(a) {
  return a.thumbnail_url ? h("img.item-thumb", { src: a.thumbnail_url, alt: "", loading: "lazy" }) : null;
}

function same(x, y) {
  return String(x).toLowerCase().replace(/\s+/g, " ").trim() === String(y).toLowerCase().replace(/\s+/g, " ").trim();
}

function meta(a) {
  const site = a.site_name || hostOf(a.url);
  const byline = a.byline && !same(a.byline, site) ? a.byline : null;
  const hl = a.highlight_count || 0;
  const parts = [[site], [byline, "byline"], [a.needs_fetch || (a.read_error && !a.word_count) ? null : `${a.reading_minutes || 1} min`], [hl ? plural(hl, "highlight") : null]]
    .filter(([text]) => text).map(([text, kind]) => h(kind ? `bdi.${kind}` : "bdi", {}, text));
  const sep = () => h("span.sep", { "aria-hidden": "true" }, " · ");
  const out = h("div.meta", {});
  if (a.favorite) out.append(h("span.fav", { title: "Favourite" }, icon("star"), h("span.visually-hidden", {}, "Favourite, ")));
  parts.forEach((p, i) => out.append(...(i ? [sep(), p] : [p])));
  out.append(parts.length ? sep() : "", timeEl(a.created_at));
  if (a.state === "archived") out.append(h("span.badge", {}, "archived"));
  if (a.needs_fetch) {
    out.append(h("span.badge.warn", { title: a.fetch_error || "Imported without its text: Import / export → Fetch missing articles." },
      a.fetch_error ? "fetch failed" : "text not fetched yet"));
  }
  if (a.read_error) {  // its page was not read in time: kept as captured, read again from its reader
    out.append(h("span.badge.warn", { title: a.read_error.message }, a.word_count ? "newer capture not read yet" : "not read yet"));
  }
  return out;
}

/** The line beside the meta: its excerpt (a search hit shows the passage that matched instead,
 * on its own line). */
export function summary(a) {
  return a.excerpt && !a.snippet ? h("p.excerpt", {}, a.excerpt) : null;
}

const found = (a) => !!(a.snippet || a.matched_in);

// Why a search hit matched: its passage with the words marked, and where it was found. The
// passage is the page's own text, untrusted: it is only ever text nodes (marks are <mark>s
// holding text), never markup. Offsets count code points.
const WHERE = { note: "In your note", highlight: "In a highlight" };

export function matchedPassage(a) {
  if (!found(a)) return null;
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

/** Its tags: three chips, then "+n" (which shows the rest). */
export function chips(a, on) {
  if (!a.tags || !a.tags.length) return null;
  const chip = (t) => h("li", {}, h("button.tag", { type: "button", title: `Show articles tagged ${t.name}`, onclick: () => on.tag(t.name) }, t.name));
  const list = h("ul.tags", { "aria-label": "Tags" }, a.tags.slice(0, MAX_CHIPS).map(chip));
  const rest = a.tags.length - MAX_CHIPS;
  if (rest > 0) {
    list.append(h("li", {}, h("button.tag.more-tags", {
      type: "button", "aria-label": `Show ${plural(rest, "more tag")}`,
      onclick: (e) => { e.currentTarget.parentElement.replaceWith(...a.tags.slice(MAX_CHIPS).map(chip)); },
    }, `+${rest}`)));
  }
  return list;
}

function actions(a, on) {
  const archived = a.state === "archived";
  const button = (name, label, onclick, extra = {}) =>
    h("button.icon-action", { type: "button", title: label, "aria-label": label, onclick, ...extra }, icon(name));
  let tagsButton;
  const box = h("div.actions", {},
    button(archived ? "unarchive" : "archive", archived ? "Unarchive" : "Archive", () => on.archive(a)),
    button("star", "Favourite", () => on.favorite(a), { "aria-pressed": String(!!a.favorite), class: `icon-action${a.favorite ? " on" : ""}` }),
    tagsButton = button("tag", "Edit tags", () => on.tags(a, box.closest(".item"), tagsButton), { "aria-expanded": "false", dataset: { tagsButton: "" } }),
    button("trash", "Delete", () => on.remove(a), { class: "icon-action danger" }));
  return box;
}

function progress(a) {
  const p = Number(a.progress) || 0;
  if (p <= 0.01) return null;
  const done = p >= 0.98;
  const bar = h("div.item-progress", { title: done ? "Read to the end" : `${Math.round(p * 100)}% read` },
    h("span.visually-hidden", {}, done ? "Read to the end" : `${Math.round(p * 100)}% read`));
  const fill = h("span.fill", { "aria-hidden": "true" });
  fill.style.width = `${Math.round(p * 100)}%`;
  bar.prepend(fill);
  return bar;
}

export function tagsOf(li) {
  return $("ul.tags", li);
}
