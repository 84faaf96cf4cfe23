/* QuietPage extension - the background worker's wiring: browser events and messages from the
 * popup and options pages, routed to the actions.
 *
 * createWorker({ext, fetch}) -> the actions plus `listen()`, which registers every listener
 * synchronously (an MV3 worker woken by an event only sees listeners added on its first run)
 * and `handleMessage(message, sender)` for the popup and options pages.
 * Classic script; registers globalThis.QuietPage.router.
 */
(function (root) {
  "use strict";

  const MENU_SAVE = "quietpage-save";
  const MENU_HIGHLIGHT = "quietpage-highlight";
  const COMMAND_SAVE = "save-page";
  const COMMAND_HIGHLIGHT = "highlight-selection";

  function createWorker({ ext, fetch }) {
    const { actions: A, highlights: H, errors: E, capture: C } = root.QuietPage;
    const actions = A.createActions({ ext, fetch });
    const highlights = H.createHighlights({ actions });

    const captureTab = (tabId, options) => actions.captureTab(tabId, options);
    const { highlightSelection, paintHighlights } = highlights;

    /** Shortcut / menu / toolbar work: nobody awaits it, so a failure must be shown, never lost. */
    async function userAction(tabId, work) {
      try {
        return await work();
      } catch (error) {
        return { error: await actions.reportProblem(tabId, error) };
      }
    }

    /** Painting on a page load is a courtesy: quiet when there is nothing to do or no server. */
    async function paintQuietly(tabId, url) {
      try {
        const { token } = await root.QuietPage.settings.load(ext.storage);
        if (token) return await paintHighlights(tabId, url);
      } catch {
        // server down, page not scriptable...: the popup tells the user when they ask
      }
      return null;
    }

    // Messages from our own pages (popup, options), never from web pages or content scripts.
    const handlers = {
      status: (m) => actions.status(m.tabId ?? null),
      save: (m) => captureTab(m.tabId, { openReader: "background" }),
      setTags: (m) => actions.setTags(m.id, m.tags),
      openReadingList: (m) => actions.openReadingList(m.tabId ?? null),
      openReader: (m) => actions.openReader(m.id, m.tabId ?? null),
      testConnection: (m) => actions.testConnection(m),
      pair: (m) => actions.pairWithCode(m),
      clearProblem: (m) => actions.clearProblem(m.tabId ?? null),
    };

    function fromOurPages(sender) {
      const base = ext.runtime.getURL("");
      return Boolean(sender) && sender.id === ext.runtime.id && typeof sender.url === "string" && sender.url.startsWith(base);
    }

    /** -> {ok: true, result} or {ok: false, error: {code, message, hint}} */
    async function handleMessage(message, sender) {
      const handler = message && Object.prototype.hasOwnProperty.call(handlers, message.type) ? handlers[message.type] : null;
      if (!handler || !fromOurPages(sender)) {
        return { ok: false, error: { code: "bad_message", message: "Unknown request.", hint: "" } };
      }
      try {
        const result = await handler(message);
        if (message.type === "status" && result.page && result.page.saved && message.tabId != null) {
          paintQuietly(message.tabId, result.page.url); // the popup is open: show this page's highlights
        }
        return { ok: true, result };
      } catch (error) {
        return { ok: false, error: E.toPlain(error) };
      }
    }

    async function createMenus() {
      await ext.contextMenus.removeAll();
      ext.contextMenus.create({ id: MENU_SAVE, title: "Save this page to QuietPage", contexts: ["page", "selection"] });
      ext.contextMenus.create({ id: MENU_HIGHLIGHT, title: "Highlight", contexts: ["selection"] });
    }

    async function activeTab() {
      const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
      return tab || null;
    }

    function listen() {
      ext.runtime.onInstalled.addListener(createMenus);
      ext.contextMenus.onClicked.addListener((info, tab) => {
        if (!tab || tab.id == null || tab.id < 0) return;
        if (info.menuItemId === MENU_SAVE) userAction(tab.id, () => captureTab(tab.id));
        if (info.menuItemId === MENU_HIGHLIGHT) {
          userAction(tab.id, () => highlightSelection(tab.id, { frameId: info.frameId || 0 }));
        }
      });
      ext.commands.onCommand.addListener(async (command, tab) => {
        const target = tab && tab.id != null ? tab : await activeTab();
        if (!target) return;
        if (command === COMMAND_SAVE) userAction(target.id, () => captureTab(target.id));
        if (command === COMMAND_HIGHLIGHT) userAction(target.id, () => highlightSelection(target.id));
      });
      // Revisiting a saved page shows its highlights - on pages the extension may read
      // (the browser gives us the URL only then).
      ext.tabs.onUpdated.addListener((tabId, change, tab) => {
        const page = change.status === "complete" && tab && C.isWebPage(tab.url);
        return page ? paintQuietly(tabId, tab.url) : null;
      });
      ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
        handleMessage(message, sender).then(sendResponse);
        return true; // answer asynchronously
      });
    }

    return { ...actions, captureTab, highlightSelection, paintHighlights, handleMessage, listen, createMenus };
  }

  const api = { createWorker, MENU_SAVE, MENU_HIGHLIGHT, COMMAND_SAVE, COMMAND_HIGHLIGHT };
  root.QuietPage = Object.assign(root.QuietPage || {}, { router: api });
  if (typeof module === "object" && module.exports) module.exports = api;
})(globalThis);
