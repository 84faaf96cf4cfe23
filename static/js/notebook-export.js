// The notebook's selection as one Markdown file: every highlight that matches the filters (all
// pages of them, not only those shown), grouped by article, each quote a blockquote with its
// note (already Markdown) under it.
import { get } from "./api.js";
import { hostOf } from "./dom.js";

const EXPORT_PAGE = 200;

function linkText(text) {
  return String(text).replace(/([\\[\]*_`<>])/g, "\\$1").replace(/\s+/g, " ").trim();
}

function linkTarget(url) {
  return /[\s()<>]/.test(url) ? `<${encodeURI(url).replace(/[<>]/g, encodeURIComponent)}>` : url;
}

const quoteOf = (x) => (x.selectors.find((s) => s.type === "TextQuoteSelector") || {}).exact || "";

/** Markdown for highlights (as /api/highlights gives them), grouped by article in their order. */
export function toMarkdown(items, { title = "Highlights", filters = "" } = {}) {
  const groups = new Map();
  for (const x of items) {
    if (!groups.has(x.article.id)) groups.set(x.article.id, { article: x.article, items: [] });
    groups.get(x.article.id).items.push(x);
  }
  const out = [`# ${title}`, ""];
  if (filters) out.push(`_${filters}_`, "");
  for (const { article, items: list } of groups.values()) {
    out.push(`## [${linkText(article.title || article.url)}](${linkTarget(article.url)})`, "");
    out.push(`${article.site_name || hostOf(article.url)}`, "");
    for (const x of list) {
      out.push(...quoteOf(x).split("\n").map((line) => `> ${line}`), "");
      if (x.note && x.note.trim()) out.push(x.note.trim(), "");
    }
  }
  return `${out.join("\n").trim()}\n`;
}

function describe(s) {
  return [s.q && `matching “${s.q}”`, s.color && `${s.color} only`, s.tag && `tagged ${s.tag}`].filter(Boolean).join(", ");
}

/** Download the selection: fetches every page of `state`'s query, then saves one .md file. */
export async function exportMarkdown(state, query) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(query(state, cursor, EXPORT_PAGE));
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  const text = toMarkdown(items, { title: "Highlights from QuietPage", filters: describe(state) });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "text/markdown;charset=utf-8" }));
  link.download = `quietpage-highlights-${new Date().toISOString().slice(0, 10)}.md`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
