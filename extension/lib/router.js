/* QuietPage extension - the background worker's wiring: browser events (shortcut, context menu,
 * pages loading) and messages from the popup and options pages, routed to the actions.
 *
 * createWorker({ext, fetch}) -> the actions plus `listen()`, which registers every listener
 * synchronously (an MV3 worker woken by an event only sees listeners added on its first run),
 * `handleMessage(message, sender)` for our pages, and `runCommand` / `runMenuItem`: what the
 * shortcut and the context menu do (tests call them too, as the browser's own UI cannot be
 * clicked from a test).
 */
import { createActions } from "./actions.js";
import * as C from "./capture.js";
import * as E from "./errors.js";
import { createHighlights } from "./highlights.js";
import { createSaving } from "./save.js";
import * as S from "./settings.js";

export const MENU_SAVE = "quietpage-save";
export const MENU_HIGHLIGHT = "quietpage-highlight";
export const COMMAND_SAVE = "save-page";
export const COMMAND_HIGHLIGHT = "highlight-selection";

export function createWorker({ ext, fetch }) {
  const actions = createActions({ ext, fetch });
  const { captureTab } = createSaving({ ext, actions });
  const { highlightSelection, paintHighlights } = createHighlights({ ext, actions, captureTab });

  /** How a save opens the reader: not at all, unless the user asked for it in Options. */
  async function readerChoice() {
    const { openReader } = await S.load(ext.storage);
    return openReader ? "foreground" : false;
  }

  /** Shortcut / menu work: nobody awaits it, so a failure must be shown, never lost; a success
   * is said on the page (the button's badge says it too). */
  async function userAction(tabId, work, saying) {
    try {
      const result = await work();
      const note = saying && saying(result);
      if (note) await actions.tabs.highlighter(tabId, "toast", note, "info").catch(() => null);
      return result;
    } catch (error) {
      return { error: await actions.reportProblem(tabId, error) };
    }
  }

  const savedNote = (result) => ({
    message: result.status === 201 ? "Saved to QuietPage \u2713" : "Saved again in QuietPage \u2713",
    hint: result.warnings.map((w) => w.message).join(" "),
  });

  async function saveQuietly(tabId) {
    return userAction(tabId, async () => captureTab(tabId, { openReader: await readerChoice() }), savedNote);
  }

  /** The keyboard shortcuts (manifest "commands"). */
  async function runCommand(command, tab) {
    const target = tab && tab.id != null && tab.id >= 0 ? tab : await activeTab();
    if (!target) return null;
    if (command === COMMAND_SAVE) return saveQuietly(target.id);
    if (command === COMMAND_HIGHLIGHT) return userAction(target.id, () => highlightSelection(target.id));
    return null;
  }

  /** The context menu's items. */
  async function runMenuItem(info, tab) {
    if (!tab || tab.id == null || tab.id < 0) return null;
    if (info.menuItemId === MENU_SAVE) return saveQuietly(tab.id);
    if (info.menuItemId === MENU_HIGHLIGHT) {
      return userAction(tab.id, () => highlightSelection(tab.id, { frameId: info.frameId || 0 }));
    }
    return null;
  }

  /** A page finished loading: with the "pages I revisit" choice (and its permission), show
   * whether it is saved and paint its highlights. Quiet when there is nothing to do or no server. */
  async function revisit(tabId, url) {
    try {
      const settings = await S.load(ext.storage);
      if (!settings.token || !settings.revisit || !C.isWebPage(url)) return null;
      if (!(await ext.permissions.contains({ origins: S.REVISIT_ORIGINS }))) return null;
      return await paintHighlights(tabId, url);
    } catch {
      return null; // server down, page not scriptable...: the popup tells the user when they ask
    }
  }

  // Messages from our own pages (popup, options), never from web pages or content scripts.
  const handlers = {
    status: (m) => actions.status(m.tabId ?? null),
    save: async (m) => captureTab(m.tabId, { openReader: await readerChoice() }),
    setTags: (m) => actions.setTags(m.id, m.tags),
    openReadingList: (m) => actions.openReadingList(m.tabId ?? null),
    openReader: (m) => actions.openReader(m.id, m.tabId ?? null),
    testConnection: (m) => actions.testConnection(m),
    pair: (m) => actions.pairWithCode(m),
    clearProblem: () => actions.clearProblem(),
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
        paintHighlights(message.tabId, result.page.url).catch(() => null); // the popup is open: show them
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
    ext.contextMenus.onClicked.addListener(runMenuItem);
    ext.commands.onCommand.addListener(runCommand);
    // the browser gives a tab's URL only where the extension may read the page
    ext.tabs.onUpdated.addListener((tabId, change, tab) => (
      change.status === "complete" && tab && tab.url ? revisit(tabId, tab.url) : null));
    ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
      handleMessage(message, sender).then(sendResponse);
      return true; // answer asynchronously
    });
  }

  return { ...actions, captureTab, highlightSelection, paintHighlights, handleMessage, runCommand, runMenuItem,
    revisit, listen, createMenus };
}
