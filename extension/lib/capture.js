/* QuietPage extension - the page as the browser rendered it, made ready to send.
 *
 *   pageSnapshot()   runs *in the page* (scripting.executeScript func): the rendered DOM
 *                    (document.documentElement.outerHTML after the page's own scripts ran),
 *                    its URL and title. Must stay self-contained.
 *   cleanHtml(html)  runs in the worker: strips scripts, styles, comments, stylesheet links and
 *                    big inline data: blobs - none of them is article text.
 *   buildPayload()   the JSON body for POST /api/articles, or a clear error above the size cap.
 *   isWebPage(url)   whether a tab's URL is an http(s) page (the only kind we save or paint).
 * Classic script; registers globalThis.QuietPage.capture.
 */
(function (root) {
  "use strict";

  const MiB = 1024 * 1024;
  // The server refuses bodies over 16 MiB; stay under it with room for the other fields.
  const MAX_BODY_BYTES = 15 * MiB;
  // Inline data: URLs longer than this (base64 images, fonts) are dropped: they are not text and
  // one photo can weigh megabytes. Small ones (icons, 1px spacers) are left alone.
  const MAX_INLINE_DATA_CHARS = 2048;
  // <link rel=...> kinds that only load styles or warm caches; canonical, alternate, author... stay.
  const DROPPED_LINK_RELS = new Set(["stylesheet", "preload", "modulepreload", "prefetch", "preconnect",
    "dns-prefetch", "prerender", "manifest", "icon", "apple-touch-icon", "mask-icon"]);

  /** Runs in the page. Keep it self-contained: executeScript sends its source, not its closure.
   * Our own additions to the page (painted highlights, toasts) are left out of the copy. */
  function pageSnapshot() {
    const dt = document.doctype;
    const doctype = dt ? "<!DOCTYPE " + dt.name + (dt.publicId ? ' PUBLIC "' + dt.publicId + '"' : "") +
      (dt.systemId ? ' "' + dt.systemId + '"' : "") + ">\n" : "";
    let root = document.documentElement;
    if (document.querySelector("[data-quietpage-ui], [data-quietpage-highlight]")) {
      // an inert copy (a document with no window: no custom element or script runs in it)
      root = document.implementation.createHTMLDocument("").importNode(root, true);
      root.querySelectorAll("[data-quietpage-ui]").forEach((el) => el.remove());
      root.querySelectorAll("[data-quietpage-highlight]").forEach((el) => el.replaceWith(...el.childNodes));
    }
    return {
      url: location.href,
      title: document.title || "",
      contentType: document.contentType || "text/html",
      html: doctype + root.outerHTML,
    };
  }

  // One left-to-right pass, so a "<script>" inside a comment or a "<!--" inside a script cannot
  // confuse it. Serialized HTML (outerHTML) escapes "<" in text and attributes, so a literal
  // "<script" or "<!--" here is always markup.
  const STRIPPED = /<!--[\s\S]*?-->|<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>|<link\b[^>]*>/gi;
  const LINK_REL = /\srel\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
  const DATA_ATTRIBUTE = new RegExp(`(\\s[^\\s"'<>/=]+=)"data:[^"]{${MAX_INLINE_DATA_CHARS},}"`, "gi");
  const DATA_CSS_URL = new RegExp(`url\\((?:&quot;|'|)data:[^)]{${MAX_INLINE_DATA_CHARS},}?\\)`, "gi");

  function cleanHtml(html) {
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
  function isWebPage(url) {
    return /^https?:\/\//i.test(String(url || ""));
  }

  /** snapshot -> {json, bytes}: the request body for POST /api/articles. */
  function buildPayload(snapshot, { maxBytes = MAX_BODY_BYTES } = {}) {
    const E = root.QuietPage.errors;
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

  const api = { pageSnapshot, cleanHtml, buildPayload, isWebPage, MAX_BODY_BYTES, MAX_INLINE_DATA_CHARS };
  root.QuietPage = Object.assign(root.QuietPage || {}, { capture: api });
  if (typeof module === "object" && module.exports) module.exports = api;
})(globalThis);
