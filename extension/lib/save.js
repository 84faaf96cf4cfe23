/* QuietPage extension - saving a tab: the page as the browser rendered it, sent to the server,
 * in the background worker (so it goes on when the popup closes), its progress kept for the
 * popup (jobs.js) and its outcome shown on the toolbar button (badge.js).
 *
 * Once the server has answered, the page IS saved: anything the browser refuses afterwards
 * (opening the reader, painting the button) becomes a warning beside the result, never a failure.
 */
import * as A from "./api.js";
import { showBadge } from "./badge.js";
import * as C from "./capture.js";
import * as E from "./errors.js";
import { summary } from "./actions.js";

// A long save keeps the worker busy with extension calls: browsers stop an idle MV3 worker
// after ~30 s, and a big page can take longer than that to read.
const KEEP_ALIVE_MS = 20 * 1000;

export function createSaving({ ext, actions }) {
  const { tabs, jobs } = actions;
  const running = new Map(); // tabId -> the save in progress (a second request joins it)

  /** Save the tab's page. `openReader`: false, "foreground" or "background". Resolves to
   * {status, id, reader_url, title, tags, suggested_tags, highlights: {anchored, orphaned},
   *  warnings: [{code, message, hint}]}. */
  function captureTab(tabId, { openReader = false } = {}) {
    if (!running.has(tabId)) {
      const work = save(tabId, openReader).finally(() => running.delete(tabId));
      running.set(tabId, work);
    }
    return running.get(tabId);
  }

  async function save(tabId, openReader) {
    const api = await actions.connect();
    const tab = await tabs.get(tabId);
    if (tab.url && !C.isWebPage(tab.url)) throw E.forbiddenPage(tab.url);
    const job = jobs.start(tabId);
    await showBadge(ext, tabId, { state: "saving" });
    const keepAlive = setInterval(() => Promise.resolve(ext.runtime.getPlatformInfo?.()).catch(() => null), KEEP_ALIVE_MS);
    let response;
    try {
      await api.proveServer(); // before reading anything of the page
      const snapshot = await tabs.run(tabId, C.pageSnapshot, []);
      const { json, bytes } = C.buildPayload(snapshot);
      await job.phase("sending", { bytes });
      response = await api.saveArticle(json);
    } catch (error) {
      const plain = E.toPlain(error);
      await job.failed(plain);
      await showBadge(ext, tabId, { state: "problem", message: plain.message });
      throw error;
    } finally {
      clearInterval(keepAlive);
    }
    // Saved. From here on nothing fails the save.
    const { status, article } = response;
    const counts = article.highlights || {};
    const result = { status, ...summary(article), warnings: [],
      highlights: { anchored: counts.anchored || 0, orphaned: counts.orphaned || 0 } };
    await showBadge(ext, tabId, { state: "saved", title: result.title,
      highlights: result.highlights.anchored + result.highlights.orphaned });
    await actions.clearProblem().catch(() => null);
    if (openReader) {
      try {
        await tabs.openServerPage(api, A.readerPath(article.id), { nextTo: tab, background: openReader === "background" });
      } catch (error) {
        const why = E.toPlain(error);
        result.warnings.push({ code: "reader_not_opened", message: `Saved, but the reader could not be opened: ${why.message}`,
          hint: "Use \u201cOpen in reader\u201d, or open it from the reading list." });
      }
    }
    await job.done(result);
    return result;
  }

  return { captureTab };
}
