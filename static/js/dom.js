// Small DOM helpers: elements are built with textContent, never innerHTML, so no saved data can
// become markup in our pages. The one exception, HTML the server made safe (a note's note_html),
// goes through safeFragment, which copies an allow-list of elements into a fragment.

/** h("a.title", {href}, "text", child...) -> element */
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split(".");
  const el = document.createElement(tag || "div");
  if (classes.length) el.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

const SVG = "http://www.w3.org/2000/svg";

/** <svg class="icon"><use href="#i-NAME"/></svg>, from the sprite the page embeds (static/icons.svg). */
export function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  const use = document.createElementNS(SVG, "use");
  use.setAttribute("href", `#i-${name}`);
  svg.append(use);
  return svg;
}

/** A message for people as nodes: its `commands` become <code>, never raw backticks. */
export function messageNodes(text) {
  return String(text).split(/`([^`\n]+)`/).map((part, i) => (i % 2 ? h("code", {}, part) : part)).filter((p) => p !== "");
}

/** A polite status message for screen readers and eyes (the toast area). `message`: text or a node. */
export function announce(message, { action, onAction, timeout = 6000 } = {}) {
  const area = $("#toast");
  if (!area) return;
  area.replaceChildren(h("span", {}, message instanceof Node ? message : messageNodes(message)));
  if (action) area.append(h("button.link", { type: "button", onclick: () => { area.replaceChildren(); area.hidden = true; onAction(); } }, action));
  area.hidden = false;
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => { area.hidden = true; area.replaceChildren(); }, timeout);
}

// ------------------------------------------------------------------ safe HTML from the server
const ALLOWED = new Set("P BR STRONG B EM I CODE PRE A UL OL LI BLOCKQUOTE H1 H2 H3 H4 H5 H6 HR DEL S SUP SUB TABLE THEAD TBODY TR TH TD".split(" "));
const DROPPED = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "IFRAME", "OBJECT", "SVG", "MATH"]);
const SAFE_HREF = /^(https?:|mailto:)/i;

/** Server-sanitised HTML (a note's note_html) as a fragment of allow-listed elements only. */
export function safeFragment(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html || ""}</body>`, "text/html").body;
  const fragment = document.createDocumentFragment();
  const copy = (from, to) => {
    for (const node of from.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) to.append(node.data);
      else if (node.nodeType === Node.ELEMENT_NODE) {
        const tag = node.tagName.toUpperCase();
        if (DROPPED.has(tag)) continue;
        if (!ALLOWED.has(tag)) { copy(node, to); continue; } // unknown: its text only
        const el = document.createElement(tag.toLowerCase());
        const href = node.getAttribute("href");
        if (tag === "A" && href && SAFE_HREF.test(href.trim())) {
          Object.assign(el, { href: href.trim(), target: "_blank", rel: "noopener noreferrer" });
        }
        copy(node, el);
        to.append(el);
      }
    }
  };
  copy(parsed, fragment);
  return fragment;
}

/** A note as the pages show it: its Markdown rendered by the server (note_html), else its text. */
export function noteView(x, tag = "div.note") {
  return x.note_html ? h(tag, {}, safeFragment(x.note_html)) : h(tag, {}, x.note || "");
}

// ------------------------------------------------------------------ dates, in the browser's locale
const DAY = 86400000;

/** A Date of an ISO time; a date alone ("2016-02-20") is that day here, not midnight in London. */
function parse(iso) {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(iso);
}

export function formatDate(iso) {
  if (!iso) return "";
  const d = parse(iso);
  if (Number.isNaN(d.getTime())) return String(iso).slice(0, 10);
  return d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export function formatDateTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? formatDate(iso) : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "just now", "5 minutes ago", "yesterday", "3 days ago", "in 29 days"; further than two weeks, the date. */
export function relativeDate(iso, now = Date.now()) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return formatDate(iso);
  const ms = d.getTime() - now;
  const far = Math.abs(ms);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  if (far < 60000) return rtf.format(0, "second");
  if (far < 3600000) return rtf.format(Math.round(ms / 60000), "minute");
  if (far < DAY) return rtf.format(Math.round(ms / 3600000), "hour");
  if (far < 14 * DAY || ms > 0) return rtf.format(Math.round(ms / DAY), "day");
  return formatDate(iso);
}

/** <time datetime> in relative words (the full date in its tooltip). */
export function timeEl(iso) {
  return h("time", { datetime: iso, title: formatDateTime(iso) }, relativeDate(iso));
}

/** Server-rendered <time datetime> elements, shown in the browser's locale. */
export function localizeTimes(root = document) {
  for (const t of $$("time[datetime]", root)) t.textContent = formatDate(t.getAttribute("datetime"));
}

export function hostOf(url) {
  try { return new URL(url).hostname.replace(/^www\./, ""); } catch { return ""; }
}

export function plural(n, word, words = `${word}s`) {
  return `${n} ${n === 1 ? word : words}`;
}
