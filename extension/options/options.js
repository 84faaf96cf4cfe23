/* QuietPage extension - options: the server address and the token, in storage.local under
 * `serverUrl` and `token`. "Pair" asks the worker (the only one that talks to the server) to
 * trade a `quietpage pair` code for the token and keep it; "Test connection" asks it to try the
 * values in the form before or after saving them. The two choices (open the reader after saving;
 * saved state on pages I revisit) are stored at once; the second asks the browser for the
 * optional permission to see every tab's page, and is off whenever that permission is missing.
 */
import { send as sendTo } from "../lib/messages.js";
import * as S from "../lib/settings.js";

const ext = globalThis.browser || globalThis.chrome;
const send = (message) => sendTo(ext, message);
const $ = (id) => document.getElementById(id);

function show(tone, message, hint = "", code = "") {
  $("result").hidden = false;
  $("result").className = `result ${tone}`;
  $("result-message").textContent = message;
  $("result-hint").textContent = hint;
  $("allow-access").hidden = code !== "no_host_access";
}

function formValues() {
  return { serverUrl: $("server-url").value, token: $("token").value };
}

async function load() {
  const { serverUrl, token, openReader, revisit } = await S.load(ext.storage);
  $("open-reader").checked = openReader;
  $("revisit").checked = revisit && (await ext.permissions.contains({ origins: S.REVISIT_ORIGINS }));
  $("server-url").value = serverUrl === S.DEFAULT_SERVER_URL ? "" : serverUrl;
  $("token").value = token;
  if (!token) {
    show("warn", "Not paired yet.", "Run `quietpage pair` and type the code it shows, then Pair - or paste the token " +
      "that `quietpage token` prints, then Save.");
  }
}

async function save(event) {
  event.preventDefault();
  try {
    const stored = await S.save(ext.storage, formValues());
    $("server-url").value = stored.serverUrl === S.DEFAULT_SERVER_URL ? "" : stored.serverUrl;
    await test();
  } catch (error) {
    show("error", error.message, error.hint, error.code);
  }
}

async function test() {
  show("busy", "Testing the connection\u2026");
  try {
    S.normalizeServerUrl(formValues().serverUrl); // a bad address is said here, before asking
    const r = await send({ type: "testConnection", ...formValues() });
    show("ok", `Connected to QuietPage${r.version ? " " + r.version : ""} at ${r.serverUrl}: the token works.`,
      "You can save pages now: the toolbar button, Alt+Shift+S or the right-click menu.");
  } catch (error) {
    show("error", error.message || String(error), error.hint || "", error.code);
  }
}

async function pair() {
  show("busy", "Pairing\u2026");
  try {
    S.normalizeServerUrl($("server-url").value); // a bad address is said here, before asking
    const r = await send({ type: "pair", serverUrl: $("server-url").value, code: $("pair-code").value });
    $("pair-code").value = "";
    const { token } = await S.load(ext.storage);
    $("token").value = token;
    show("ok", `Paired with QuietPage${r.version ? " " + r.version : ""} at ${r.serverUrl}.`,
      "You can save pages now: the toolbar button, Alt+Shift+S or the right-click menu.");
  } catch (error) {
    show("error", error.message || String(error), error.hint || "", error.code);
  }
}

/** The permission is asked for inside the click (browsers want a user's gesture), then stored. */
function revisitChanged() {
  const on = $("revisit").checked;
  const asked = on ? ext.permissions.request({ origins: S.REVISIT_ORIGINS })
    : ext.permissions.remove({ origins: S.REVISIT_ORIGINS }).then(() => false);
  asked.then(async (granted) => {
    const stored = await S.savePreferences(ext.storage, { revisit: on && granted });
    $("revisit").checked = stored.revisit;
    $("choices-state").textContent = on && !granted
      ? "The browser did not give the permission, so pages you revisit are not checked."
      : stored.revisit ? "Saved: pages you saved show \u2713 as they load." : "Saved: off.";
  }, (error) => {
    $("revisit").checked = false;
    $("choices-state").textContent = `The browser refused: ${error.message || error}`;
  });
}

$("open-reader").addEventListener("change", async () => {
  const stored = await S.savePreferences(ext.storage, { openReader: $("open-reader").checked });
  $("choices-state").textContent = stored.openReader ? "Saved: the reader opens after each save." : "Saved: saving keeps you on the page.";
});
$("revisit").addEventListener("change", revisitChanged);
$("form").addEventListener("submit", save);
$("pair").addEventListener("click", pair);
$("pair-code").addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault(); // Enter here pairs; it does not save the form
  pair();
});
$("test").addEventListener("click", test);
$("allow-access").addEventListener("click", async () => {
  if (await ext.permissions.request({ origins: ext.runtime.getManifest().host_permissions })) await test();
});
load();
