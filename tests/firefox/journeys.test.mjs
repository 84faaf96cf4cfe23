// The extension in real Firefox (Debian's firefox-esr, driven by puppeteer-core over WebDriver
// BiDi; recipe: ../shared/BROWSER.md): the journeys of tests/test_extension_e2e.py, against the real
// server. Run by tests/test_extension_firefox.py, which starts the server, the test pages and the
// stand-ins and passes their addresses (QP_* variables); one Firefox for the whole file.
//
// Firefox opens extension pages as tabs (moz-extension://UUID/...); the background script's
// functions (what the shortcut and the menu run) are reached through runtime.getBackgroundPage().
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import puppeteer from "puppeteer-core";

const env = process.env;
const SERVER = env.QP_SERVER, TOKEN = env.QP_TOKEN, SITE = env.QP_SITE, NEWS = env.QP_NEWS;
const GECKO_ID = "extension@quietpage.example";
const UUID = "5f0c3a52-9d1e-4c2b-8f6a-3b2d1c0e9f8a";
const BASE = `moz-extension://${UUID}/`;
const CHECK = "\u2713";
const QUOTE = "the catch had doubled, and prices had halved";

let firefox, control;

/** Open one of the extension's pages in a tab, or `page` (Firefox never reports their load:
 * stop waiting for it at once, then wait for the page itself). */
async function extensionPage(path, page = null) {
  page = page || (await firefox.newPage());
  await page.goto(BASE + path, { waitUntil: "domcontentloaded", timeout: 500 }).catch(() => null);
  for (let i = 0; i < 150; i++) {
    const ready = await page.evaluate((base) => location.href.startsWith(base) && document.readyState !== "loading" &&
      typeof browser === "object", BASE).catch(() => false);
    if (ready) return page;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} did not open`);
}

/** A web page, loaded and its own script run. */
async function webPage(url) {
  const page = await firefox.newPage();
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("body[data-ready]");
  return page;
}

const inExtension = (fn, ...args) => control.evaluate(fn, ...args);
const tabIdOf = (match) => inExtension(async (m) => {
  const tabs = await browser.tabs.query({});
  const tab = tabs.filter((t) => t.url === m || t.title === m).at(-1); // the newest such tab
  return tab ? tab.id : null;
}, match);
const badgeOf = (tabId) => inExtension(async (id) => ({ text: await browser.action.getBadgeText({ tabId: id }),
  title: await browser.action.getTitle({ tabId: id }) }), tabId);
const background = (name, ...args) => inExtension(async (n, a) => {
  const bg = await browser.runtime.getBackgroundPage();
  try {
    return await bg[n](...a);
  } catch (error) {
    return { thrown: error.code || String(error) };
  }
}, name, args);
const setStorage = (values) => inExtension((v) => browser.storage.local.set(v), values);
const tabCount = () => inExtension(async () => (await browser.tabs.query({})).length);

async function until(check, what, seconds = 60) {
  for (let i = 0; i < seconds * 10; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function api(path, init = {}) {
  const response = await fetch(SERVER + path, { ...init, headers: { Authorization: `Bearer ${TOKEN}`,
    "Content-Type": "application/json", ...(init.headers || {}) } });
  assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

async function openPopup(tabId) {
  return extensionPage(`popup/popup.html?tabId=${tabId}`);
}

function selectQuote(page, quote) {
  return page.evaluate((q) => {
    const p = [...document.querySelectorAll("article p")].find((el) => el.textContent.includes(q));
    const text = p.firstChild, at = text.data.indexOf(q), range = document.createRange();
    range.setStart(text, at);
    range.setEnd(text, at + q.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }, quote);
}

before(async () => {
  firefox = await puppeteer.launch({
    browser: "firefox", executablePath: env.QP_FIREFOX || "/usr/bin/firefox-esr", headless: true,
    args: ["--remote-allow-system-access"], // lets WebDriver BiDi open moz-extension:// pages (Firefox 153)
    extraPrefsFirefox: {
      "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: UUID }),
      "extensions.webextOptionalPermissionPrompts": false, // the optional permission, granted without a prompt
      "network.dns.localDomains": "news.test", // a site the extension has no host access to, on loopback
    },
  });
  assert.equal(await firefox.installExtension(env.QP_EXTENSION), GECKO_ID);
  control = await extensionPage("options/options.html");
});

after(async () => {
  await firefox?.close();
});

test("Options pair the extension with a code", { timeout: 60000 }, async () => {
  const options = await extensionPage("options/options.html");
  await options.waitForFunction(() => document.querySelector("#result-message").textContent.includes("Not paired yet"));
  await options.type("#server-url", SERVER);
  await options.type("#pair-code", env.QP_PAIR_CODE);
  await options.click("#pair");
  await options.waitForSelector("#result.ok");
  assert.match(await options.$eval("#result-message", (el) => el.textContent), /^Paired with QuietPage/);
  assert.deepEqual(await inExtension(() => browser.storage.local.get(["serverUrl", "token"])), { serverUrl: SERVER, token: TOKEN });
  await options.close();
});

test("a save from the popup opens no tab and puts a \u2713 on the button", { timeout: 60000 }, async () => {
  const page = await webPage(`${SITE}/article`);
  const tabId = await tabIdOf(`${SITE}/article`);
  const tabs = await tabCount();
  const popup = await openPopup(tabId);
  await popup.waitForSelector("#save-state.ok");
  assert.equal(await popup.$eval("#save-state", (el) => el.textContent), `Saved ${CHECK}`);
  assert.equal(await popup.$eval("#article-title", (el) => el.textContent), "Harbour economics");
  assert.equal(await popup.$eval("#connection", (el) => el.textContent), "Connected");
  assert.equal(await tabCount(), tabs + 1); // the popup itself, no reader
  assert.deepEqual(await badgeOf(tabId), { text: CHECK, title: "QuietPage: saved \u201cHarbour economics\u201d" });
  const { items } = await api("/api/articles");
  assert.equal(items.length, 1);
  const article = await api(`/api/articles/${items[0].id}?body=true`);
  assert.ok(article.text.includes("only after the page's own script has run"));
  await popup.close();
  await page.close();
});

test("the setting turns opening the reader back on, logged in", { timeout: 60000 }, async () => {
  const options = await extensionPage("options/options.html");
  await options.click("#open-reader");
  await options.waitForFunction(() => document.querySelector("#choices-state").textContent.includes("reader opens"));
  await options.close();
  const page = await webPage(`${SITE}/second`);
  const tabId = await tabIdOf(`${SITE}/second`);
  const popup = await openPopup(tabId);
  const readerTab = await until(async () => inExtension(async (server) =>
    (await browser.tabs.query({})).find((t) => (t.url || "").startsWith(`${server}/read/`)), SERVER), "the reader tab");
  const reader = (await firefox.pages()).find((p) => p.url() === readerTab.url) || null;
  if (reader) {
    await reader.waitForSelector("h1");
    assert.equal(await reader.$eval("h1", (el) => el.textContent), "Second harbour"); // logged in: the article
  }
  await inExtension((id) => browser.tabs.remove(id), readerTab.id);
  await setStorage({ openReader: false });
  await popup.close().catch(() => null);
  await page.close();
});

test("the shortcut and the context menu save quietly, as the popup does", { timeout: 60000 }, async () => {
  const page = await webPage(`${SITE}/article`);
  const tabId = await tabIdOf(`${SITE}/article`);
  const tabs = await tabCount();
  const byKey = await background("runCommand", "save-page", { id: tabId });
  assert.deepEqual([byKey.status, byKey.warnings], [200, []]);
  await page.waitForSelector(".quietpage-toast");
  const byMenu = await background("runMenuItem", { menuItemId: "quietpage-save", frameId: 0 }, { id: tabId });
  assert.equal(byMenu.id, byKey.id);
  assert.equal(await tabCount(), tabs);
  assert.equal((await badgeOf(tabId)).text, CHECK);
  await page.close();
});

test("a highlight made on the live page reaches the server; a page naming our globals cannot stop it", { timeout: 60000 }, async () => {
  for (const path of ["/article", "/clobbering"]) {
    const page = await webPage(SITE + path);
    const tabId = await tabIdOf(SITE + path);
    await selectQuote(page, QUOTE);
    const result = await background("highlightSelection", tabId);
    assert.equal(result.painted, 1, JSON.stringify(result));
    assert.equal(await page.$eval("mark[data-quietpage-highlight]", (el) => el.textContent), QUOTE);
    const saved = await api(`/api/highlights?url=${encodeURIComponent(SITE + path)}`);
    assert.deepEqual(saved.items.flatMap((h) => h.selectors).filter((s) => s.type === "TextQuoteSelector").map((s) => s.exact), [QUOTE]);
    assert.equal((await badgeOf(tabId)).text, "1");
    await page.close();
  }
});

test("a 7 MB page shows its progress and completes with the popup closed", { timeout: 180000 }, async () => {
  const page = await webPage(`${SITE}/big`);
  const tabId = await tabIdOf(`${SITE}/big`);
  const popup = await openPopup(tabId);
  await popup.waitForSelector("#progress:not([hidden])");
  assert.match(await popup.$eval("#progress", (el) => el.textContent), /You may close this popup/);
  await popup.waitForFunction(() => /Sending it to QuietPage.*MB\)/.test(document.querySelector("#steps li.current")?.textContent || ""));
  await popup.close();
  const done = await until(async () => { const b = await badgeOf(tabId); return b.text === CHECK && b; }, "the \u2713 badge", 150);
  assert.match(done.title, /The long harbour report/);
  await page.close();
});

test("with the optional permission, a revisited page shows its highlights and badge as it loads", { timeout: 60000 }, async () => {
  const url = `${NEWS}/article`;
  const html = `<html><head><title>Harbour economics</title></head><body><article><p>${env.QP_PARAGRAPH}</p></article></body></html>`;
  const saved = await api("/api/articles", { method: "POST", body: JSON.stringify({ url, html }) });
  await api(`/api/articles/${saved.id}/highlights`, { method: "POST",
    body: JSON.stringify({ selectors: [{ type: "TextQuoteSelector", exact: QUOTE }] }) });
  const page = await webPage(url);
  await new Promise((r) => setTimeout(r, 1000)); // off by default: nothing happens on its own
  assert.equal(await page.$$eval("mark[data-quietpage-highlight]", (l) => l.length), 0);
  assert.equal(await inExtension(() => browser.permissions.contains({ origins: ["http://*/*"] })), false);

  const options = await extensionPage("options/options.html");
  await options.click("#revisit"); // asks for the permission in the click
  await options.waitForFunction(() => document.querySelector("#choices-state").textContent.includes("pages you saved show"));
  assert.equal(await inExtension(() => browser.permissions.contains({ origins: ["http://*/*", "https://*/*"] })), true);
  await options.close();

  await page.reload({ waitUntil: "load" });
  await page.waitForSelector("mark[data-quietpage-highlight]", { timeout: 30000 });
  assert.equal(await page.$eval("mark[data-quietpage-highlight]", (el) => el.textContent), QUOTE);
  const tabId = await tabIdOf(url);
  await until(async () => (await badgeOf(tabId)).text === "1", "the badge with the count");
  await page.close();
});

test("what a sighted reader cannot see is marked before sending", { timeout: 60000 }, async () => {
  await setStorage({ serverUrl: env.QP_RECORDER, token: "recorder-token" });
  const page = await webPage(`${SITE}/hidden`);
  const tabId = await tabIdOf(`${SITE}/hidden`);
  const result = await background("captureTab", tabId);
  assert.equal(result.status, 201);
  const recorded = await (await fetch(`${env.QP_RECORDER}/recorded`)).json();
  const sent = JSON.parse(recorded.at(-1)).html;
  const marked = [...sent.matchAll(/<[a-z]+ [^>]*data-qp-hidden="1"[^>]*>/g)].map((m) => / id="([^"]+)"/.exec(m[0])[1]).sort();
  assert.deepEqual(marked, env.QP_HIDDEN_IDS.split(",").sort());
  assert.equal(await page.$$eval("[data-qp-hidden]", (l) => l.map((el) => el.id).join()), "page-mark"); // the live page as it was
  await page.close();
});

test("errors in words: an impostor on the port, and the server not running", { timeout: 60000 }, async () => {
  await setStorage({ serverUrl: env.QP_IMPOSTOR, token: TOKEN });
  const page = await webPage(`${SITE}/article`);
  const tabId = await tabIdOf(`${SITE}/article`);
  const popup = await openPopup(tabId);
  await popup.waitForSelector("#problem:not([hidden])");
  assert.match(await popup.$eval("#problem-message", (el) => el.textContent), /could not prove it is your QuietPage/);
  assert.equal(await popup.$eval("#connection", (el) => el.textContent), "Not verified");
  const seen = await (await fetch(`${env.QP_IMPOSTOR}/recorded-auth`)).json();
  assert.deepEqual(seen, []); // no request carried the token

  await setStorage({ serverUrl: env.QP_DOWN, token: TOKEN });
  await extensionPage(`popup/popup.html?tabId=${tabId}`, popup);
  await popup.waitForSelector("#problem:not([hidden])");
  assert.match(await popup.$eval("#problem-message", (el) => el.textContent), /QuietPage is not running at/);
  assert.match(await popup.$eval("#problem-hint", (el) => el.textContent), /quietpage serve/);
  assert.equal(await popup.$eval("#save", (el) => el.disabled), true);
  await popup.close();
  await page.close();
});
