/* QuietPage extension - highlights on the live page.
 *
 *   highlightSelection(tabId)  the selection -> a text-quote selector (worked out in the page by
 *                              the shared anchoring module) -> saved on the server (the page is
 *                              saved first if it never was) -> painted on the page.
 *   paintHighlights(tabId)     GET /api/highlights?url= for the tab's page, painted by quote
 *                              (prefix/suffix as context) over the live page's own text.
 * Both show the page's saved state on the toolbar button.
 */

import { showBadge } from "./badge.js";
import * as C from "./capture.js";
import * as E from "./errors.js";

export function createHighlights({ ext, actions, captureTab }) {
  const tabs = actions.tabs;

  async function highlightSelection(tabId, { frameId = 0, color, note } = {}) {
    if (frameId) {
      throw new E.QuietPageError("in_frame", "QuietPage cannot highlight inside an embedded frame yet.",
        "Open the frame's own page in a tab (right-click it, \u201cOpen frame in new tab\u201d) and highlight there.");
    }
    const api = await actions.connect();
    const selection = await tabs.highlighter(tabId, "describeSelection");
    if (!selection || !selection.ok) {
      const e = selection || {};
      throw new E.QuietPageError(e.code || "no_selection", e.message || "Nothing is selected on the page.",
        e.hint || "Select a passage of the article, then choose \u201cHighlight\u201d in the right-click menu.");
    }
    const selectors = [{ type: "TextQuoteSelector", ...selection.quote }];
    let articleId = (await api.highlightsFor(selection.url)).article_id;
    let savedNow = false;
    if (!articleId) {
      articleId = (await captureTab(tabId)).id;
      savedNow = true;
    }
    let highlight;
    try {
      highlight = await api.addHighlight(articleId, { selectors, color, note });
    } catch (error) {
      if (error.code !== "quote_not_found" || savedNow) throw error;
      // The page changed since it was saved: save this version, then try once more.
      articleId = (await captureTab(tabId)).id;
      savedNow = true;
      highlight = await api.addHighlight(articleId, { selectors, color, note });
    }
    const painted = await tabs.highlighter(tabId, "paint", [highlight]);
    const { items } = await api.highlightsFor(selection.url).catch(() => ({ items: [highlight] }));
    await showBadge(ext, tabId, { state: "saved", highlights: items.length });
    return { status: "highlighted", id: highlight.id, article_id: articleId, saved_page: savedNow,
      painted: (painted && painted.painted) || 0 };
  }

  /** Paint the saved highlights of the page in this tab; {article_id, items, painted, orphaned}. */
  async function paintHighlights(tabId, url = null) {
    const api = await actions.connect();
    const pageUrl = url || (await tabs.urlOf(tabId));
    const none = { article_id: null, items: 0, painted: 0, orphaned: 0 };
    // our own pages paint their highlights themselves
    if (!C.isWebPage(pageUrl) || pageUrl.startsWith(api.serverUrl + "/")) return none;
    const { article_id: articleId, items } = await api.highlightsFor(pageUrl);
    if (articleId) await showBadge(ext, tabId, { state: "saved", highlights: items.length });
    if (!items.length) return { ...none, article_id: articleId };
    const result = (await tabs.highlighter(tabId, "paint", items)) || {};
    return { article_id: articleId, items: items.length, painted: result.painted || 0, orphaned: result.orphaned || 0 };
  }

  return { highlightSelection, paintHighlights };
}

