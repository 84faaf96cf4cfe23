/* QuietPage extension - the page as the browser rendered it, made ready to send.
 *
 *   pageSnapshot()   runs *in the page* (scripting.executeScript func): the rendered DOM
 *                    (document.documentElement.outerHTML after the page's own scripts ran),
 *                    what of it is hidden from sight (data-qp-hidden="1"), its URL and title.
 *                    Must stay self-contained.
 *   cleanHtml(html)  runs in the worker: strips scripts, styles, comments, stylesheet links and
 *                    big inline data: blobs - none of them is article text.
 *   buildPayload()   the JSON body for POST /api/articles, or a clear error above the size cap.
 *   isWebPage(url)   whether a tab's URL is an http(s) page (the only kind we save or paint).
 */

import * as E from "./errors.js";

const MiB = 1024 * 1024;
// The server refuses bodies over 16 MiB; stay under it with room for the other fields.
export const MAX_BODY_BYTES = 15 * MiB;
// Inline data: URLs longer than this (base64 images, fonts) are dropped: they are not text and
// one photo can weigh megabytes. Small ones (icons, 1px spacers) are left alone.
export const MAX_INLINE_DATA_CHARS = 2048;
// <link rel=...> kinds that only load styles or warm caches; canonical, alternate, author... stay.
const DROPPED_LINK_RELS = new Set(["stylesheet", "preload", "modulepreload", "prefetch", "preconnect",
  "dns-prefetch", "prerender", "manifest", "icon", "apple-touch-icon", "mask-icon"]);

// What marks an element a sighted reader could not see (the server leaves such elements out).
export const HIDDEN_ATTRIBUTE = "data-qp-hidden";

/** Runs in the page. Keep it self-contained: executeScript sends its source, not its closure.
 * Our own additions to the page (painted highlights, toasts) are left out of the copy.
 *
 * Before copying, it marks every element a sighted reader could not see with
 * data-qp-hidden="1": display:none, visibility:hidden (with nothing visible inside), text
 * clipped to a pixel ("visually hidden", sr-only) and text placed off the page. Content the
 * reader can open is real text and is never marked: a closed <details>, hidden="until-found",
 * and what a collapsed control (aria-expanded="false") shows. Marks the page carried itself
 * are set aside. The live page gets its attributes back before this returns. Marking has a time
 * budget (`budgetMs`, see below). */
export function pageSnapshot(budgetMs = 1500) {
  const HIDDEN = "data-qp-hidden";
  const XHTML = "http://www.w3.org/1999/xhtml";
  // never rendered as boxes, or judged as a whole (svg, math): not looked into
  const NOT_BOXES = new Set(["head", "script", "style", "noscript", "template", "source", "track", "param", "area",
    "map", "link", "meta", "base", "title", "br", "wbr", "datalist", "option", "optgroup", "slot"]);

  function hiddenElements() {
    const found = [];
    const collapsed = new Set(); // what collapsed controls show when opened
    for (const control of document.querySelectorAll('[aria-expanded="false"][aria-controls]')) {
      for (const id of control.getAttribute("aria-controls").split(/\s+/)) {
        const target = id && document.getElementById(id);
        if (target) collapsed.add(target);
      }
    }
    const openable = (el) => {
      if (el.getAttribute("hidden") === "until-found" || collapsed.has(el)) return true;
      const before = el.previousElementSibling; // <button aria-expanded="false"> then its panel
      return Boolean(before && (before.matches('[aria-expanded="false"]') || before.querySelector('[aria-expanded="false"]')));
    };
    const nothingVisibleInside = (el) => {
      for (const inner of el.getElementsByTagName("*")) if (getComputedStyle(inner).visibility === "visible") return false;
      return true;
    };
    const viewWidth = document.documentElement.clientWidth || innerWidth;
    const invisible = (el, style) => {
      if (style.display === "none") return true;
      if ((style.visibility === "hidden" || style.visibility === "collapse") && nothingVisibleInside(el)) return true;
      if (style.position !== "absolute" && style.position !== "fixed") return false;
      const box = el.getBoundingClientRect();
      const clipped = (style.clip && style.clip !== "auto") || /inset\(\s*(50|100)%/.test(style.clipPath || "") ||
        style.overflow === "hidden" || style.overflowX === "hidden";
      if (box.width <= 1 && box.height <= 1 && clipped) return true; // "visually hidden"
      if (/inset\(\s*(50|100)%/.test(style.clipPath || "")) return true;
      // off the page: above or left of its start, or right of the window (left: -9999px, slide-ins)
      return box.right + scrollX <= 0 || box.bottom + scrollY <= 0 || box.left >= viewWidth;
    };
    // Each element costs a style lookup (~10 us here): a page of 200,000 elements stops at the
    // budget, in document order (the article usually comes first); the rest goes unmarked, as
    // pages that arrive without marks do.
    const deadline = performance.now() + budgetMs;
    let seen = 0;
    const visit = (parent) => {
      for (let el = parent.firstElementChild; el; el = el.nextElementSibling) {
        if ((++seen & 255) === 0 && performance.now() > deadline) throw stop;
        const name = el.localName;
        if (NOT_BOXES.has(name) || el.hasAttribute("data-quietpage-ui")) continue;
        if (el.namespaceURI !== XHTML) { // svg, math: the whole of it, as one picture or formula
          if ((name === "svg" || name === "math") && getComputedStyle(el).display === "none") found.push(el);
          continue;
        }
        if (name === "details" && !el.open) continue; // closed: its text is one click away
        if (invisible(el, getComputedStyle(el))) {
          if (!openable(el)) found.push(el);
          continue;
        }
        visit(el);
      }
    };
    const stop = new Error("over budget");
    try {
      if (document.body) visit(document.body);
    } catch (error) {
      if (error !== stop) throw error;
      found.complete = false;
    }
    return found;
  }

  const dt = document.doctype;
  const doctype = dt ? "<!DOCTYPE " + dt.name + (dt.publicId ? ' PUBLIC "' + dt.publicId + '"' : "") +
    (dt.systemId ? ' "' + dt.systemId + '"' : "") + ">\n" : "";
  const theirs = [...document.querySelectorAll("[" + HIDDEN + "]")].map((el) => [el, el.getAttribute(HIDDEN)]);
  theirs.forEach(([el]) => el.removeAttribute(HIDDEN));
  let marked = [];
  let html;
  try {
    marked = hiddenElements();
    marked.forEach((el) => el.setAttribute(HIDDEN, "1"));
    let root = document.documentElement;
    if (document.querySelector("[data-quietpage-ui], [data-quietpage-highlight]")) {
      // an inert copy (a document with no window: no custom element or script runs in it)
      root = document.implementation.createHTMLDocument("").importNode(root, true);
      root.querySelectorAll("[data-quietpage-ui]").forEach((el) => el.remove());
      root.querySelectorAll("[data-quietpage-highlight]").forEach((el) => el.replaceWith(...el.childNodes));
    }
    html = doctype + root.outerHTML;
  } finally {
    marked.forEach((el) => el.removeAttribute(HIDDEN));
    theirs.forEach(([el, value]) => el.setAttribute(HIDDEN, value));
  }
  return {
    url: location.href,
    title: document.title || "",
    contentType: document.contentType || "text/html",
    html,
    hidden: marked.length,
    hiddenComplete: marked.complete !== false,
  };
}

// One left-to-right pass, so a "<script>" inside a comment or a "<!--" inside a script cannot
// confuse it. Serialized HTML (outerHTML) escapes "<" in text and attributes, so a literal
// "<script" or "<!--" here is always markup.
const STRIPPED = /<!--[\s\S]*?-->|<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>|<link\b[^>]*>/gi;
const LINK_REL = /\srel\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
const DATA_ATTRIBUTE = new RegExp(`(\\s[^\\s"'<>/=]+=)"data:[^"]{${MAX_INLINE_DATA_CHARS},}"`, "gi");
const DATA_CSS_URL = new RegExp(`url\\((?:&quot;|'|)data:[^)]{${MAX_INLINE_DATA_CHARS},}?\\)`, "gi");

export function cleanHtml(html) {
  return String(html)
    .replace(STRIPPED, (match) => (/^<link/i.test(match) && !droppedLink(match) ? match : ""))
    .replace(DATA_ATTRIBUTE, '$1""')
    .replace(DATA_CSS_URL, "none");
}

function droppedLink(tag) {
  const m = LINK_REL.exec(tag);
  const rels = (m ? m[1] || m[2] || m[3] : "").toLowerCase().split(/\s+/);
  return rels.some((rel) => DROPPED_LINK_RELS.has(rel));
}

function megabytes(bytes) {
  return (bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0) + " MB";
}

/** An http(s) page: the only kind the extension saves, highlights or paints. */
export function isWebPage(url) {
  return /^https?:\/\//i.test(String(url || ""));
}

/** snapshot -> {json, bytes}: the request body for POST /api/articles. */
export function buildPayload(snapshot, { maxBytes = MAX_BODY_BYTES } = {}) {
  if (!isWebPage(snapshot.url)) throw E.forbiddenPage(snapshot.url);
  if (/^application\/pdf$/i.test(snapshot.contentType || "")) {
    throw new E.QuietPageError("not_html", "This tab shows a PDF, not a web page; QuietPage saves web pages.",
      "Open the article's web page (not its PDF) and save that.");
  }
  const payload = {
    url: snapshot.url,
    html: cleanHtml(snapshot.html || ""),
    title: String(snapshot.title || "").slice(0, 2000),
  };
  const json = JSON.stringify(payload);
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > maxBytes) {
    throw new E.QuietPageError("too_large",
      `This page is too large to save: ${megabytes(bytes)} even without its scripts, styles and inline images ` +
      `(the limit is ${megabytes(maxBytes)}).`,
      "Save a lighter version of it: its print view, its \"reader\" or AMP version, or a single page of it.");
  }
  return { json, bytes };
}

