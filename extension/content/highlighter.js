/* QuietPage extension - the highlighter, injected into a page by the worker when the user asks
 * (popup, shortcut, menu) or, with "pages I revisit" on, when a saved page with highlights loads.
 *
 * Installs itself once per page, in the extension's isolated world, under a symbol (never a name:
 * a page's <div id="..."> shows up as a global of that name, even in the isolated world), with:
 *   describeSelection()  the selection as a TextQuoteSelector over the page's text
 *   paint(highlights)    wraps saved highlights in <mark>s, anchored by quote (prefix/suffix as
 *                        context, no position: the live page's text is not the reader's text)
 *   toast(problem)       a short message on the page (for the shortcut and the context menu)
 * Text, selection offsets and matching come from the shared anchoring modules (lib/anchoring/,
 * the very files the reader page uses), loaded with import() through lib/page-text.js. No
 * network calls here: the worker does those. A classic script (scripting.executeScript runs no
 * modules); lib/tabs.js calls it.
 */
(() => {
  "use strict";
  const KEY = Symbol.for("quietpage.highlighter"); // lib/tabs.js: keep equal
  if (Object.getOwnPropertyDescriptor(globalThis, KEY)) return;

  const ext = globalThis.browser || globalThis.chrome;
  const UI = "data-quietpage-ui"; // our elements: left out when the page is saved
  const MARKED = "data-quietpage-highlight"; // our marks: unwrapped when the page is saved
  const TOAST_MS = 8000;
  // How long a page may take to build its text after loading, and how quiet it must be first.
  const LATE_TEXT_MS = 20000;
  const LATE_TEXT_DEBOUNCE_MS = 200;
  let anchoringModule = null;
  const notes = new Map(); // highlight id -> note, for the marks on this page

  // The extension's own module (a constant path), never anything a page could name.
  function anchoring() {
    anchoringModule = anchoringModule || import(ext.runtime.getURL("lib/page-text.js"));
    return anchoringModule;
  }

  // ------------------------------------------------------------------ selection -> quote
  async function describeSelection() {
    const A = await anchoring();
    const selection = getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount || !String(selection).trim()) {
      return { ok: false, code: "no_selection", message: "Nothing is selected on the page.",
        hint: "Select a passage of the article, then choose \u201cHighlight\u201d in the right-click menu." };
    }
    const positions = A.textPositions(document.body);
    const offsets = A.rangeOffsets(positions, selection.getRangeAt(0));
    if (!offsets) {
      return { ok: false, code: "no_text", message: "The selection holds no text QuietPage can keep (an image or a form?).",
        hint: "Select words of the article, then try again." };
    }
    const [quote] = A.describe(positions.text, offsets.start, offsets.end);
    return { ok: true, url: location.href, quote: { exact: quote.exact, prefix: quote.prefix, suffix: quote.suffix } };
  }

  // ------------------------------------------------------------------ painting
  async function paint(highlights) {
    const A = await anchoring();
    const fresh = [];
    for (const h of highlights || []) {
      notes.set(String(h.id), h.note || "");
      const quote = (h.selectors || []).filter((s) => s && s.type === A.QUOTE); // by quote only
      if (!isPainted(h.id) && quote.length) fresh.push({ id: String(h.id), color: h.color || "yellow", selectors: quote });
    }
    const { painted, orphans } = paintNow(A, fresh);
    if (orphans.length) watchForLateText(A, orphans, Date.now() + LATE_TEXT_MS);
    return { painted, orphaned: orphans.length };
  }

  function isPainted(id) {
    return Boolean(document.querySelector(`mark[${MARKED}="${CSS.escape(String(id))}"]`));
  }

  function paintNow(A, list) {
    if (!list.length) return { painted: 0, orphans: [] };
    const result = A.paint(document.body, list);
    for (const { id, marks } of result.painted) {
      for (const mark of marks) {
        mark.setAttribute(MARKED, id);
        mark.title = notes.get(id) ? "QuietPage highlight - click for its note" : "QuietPage highlight";
      }
    }
    const missing = new Set(result.orphans.map(String));
    return { painted: result.painted.length, orphans: list.filter((h) => missing.has(h.id)) };
  }

  /** Pages that build their text after loading: try the unplaced highlights again when the
   * page changes (debounced), until they are placed or LATE_TEXT_MS has passed. */
  function watchForLateText(A, orphans, until) {
    let timer = null;
    const observer = new MutationObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(retry, LATE_TEXT_DEBOUNCE_MS);
    });
    const stop = () => {
      observer.disconnect();
      clearTimeout(timer);
    };
    function retry() {
      stop(); // our own marks must not wake us up
      const left = paintNow(A, orphans.filter((h) => !isPainted(h.id))).orphans;
      if (left.length && Date.now() < until) watchForLateText(A, left, until);
    }
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    setTimeout(stop, Math.max(0, until - Date.now()));
  }

  // ------------------------------------------------------------------ notes and toasts
  let openNote = null;

  function closeNote() {
    if (openNote) openNote.remove();
    openNote = null;
  }

  function showNote(mark) {
    closeNote();
    const note = notes.get(mark.getAttribute(MARKED)) || "";
    const box = element("div", "quietpage-note");
    box.setAttribute("role", "dialog");
    box.append(element("strong", "quietpage-note-title", "QuietPage note"),
      element("p", note ? "quietpage-note-text" : "quietpage-note-text quietpage-empty",
        note || "No note on this highlight yet. Add one in the QuietPage reader."));
    const r = mark.getBoundingClientRect();
    box.style.top = `${Math.round(r.bottom + scrollY + 6)}px`;
    box.style.left = `${Math.round(Math.max(8, Math.min(r.left + scrollX, scrollX + innerWidth - 340)))}px`;
    document.documentElement.append(box);
    openNote = box;
  }

  function toast(problem, kind = "info") {
    const box = element("div", `quietpage-toast quietpage-toast-${kind}`);
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.append(element("strong", "quietpage-toast-title", "QuietPage"), element("p", "", problem.message || String(problem)));
    if (problem.hint) box.append(element("p", "quietpage-toast-hint", problem.hint));
    box.addEventListener("click", () => box.remove());
    document.documentElement.append(box);
    setTimeout(() => box.remove(), TOAST_MS);
    return true;
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    el.setAttribute(UI, "");
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  document.addEventListener("click", (event) => {
    const mark = event.target instanceof Element ? event.target.closest(`mark[${MARKED}]`) : null;
    if (mark) showNote(mark);
    else if (openNote && !openNote.contains(event.target)) closeNote();
  }, true);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeNote();
  }, true);

  /** The worker gets {ok: false, ...} instead of a rejection (which browsers report poorly). */
  const safely = (fn) => async (...args) => {
    try {
      return await fn(...args);
    } catch (error) {
      return { ok: false, code: "page_error", message: `The highlighter failed on this page: ${error && error.message}`,
        hint: "Reload the page and try again." };
    }
  };

  Object.defineProperty(globalThis, KEY, {
    value: Object.freeze({ describeSelection: safely(describeSelection), paint: safely(paint), toast }),
  });
})();
