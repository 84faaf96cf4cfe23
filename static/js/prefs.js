// Reading settings: text size, line width, font, theme - remembered in localStorage and applied
// as attributes on <html> that the stylesheet reads. The key, defaults and how they apply come
// from reader-prefs.js (window.QuietPagePrefs), which applied them before the page painted.
import { $, $$ } from "./dom.js";

const { KEY, load, apply: applyToPage } = window.QuietPagePrefs;
const SIZE_RANGE = [-3, 6];

export const loadPrefs = load;

function apply(prefs) {
  applyToPage(prefs);
  for (const b of $$("[data-pref][data-value]")) b.setAttribute("aria-checked", String(prefs[b.dataset.pref] === b.dataset.value));
}

export function initPrefs() {
  let prefs = loadPrefs();
  apply(prefs);
  const save = (next) => {
    prefs = next;
    apply(prefs);
    try { localStorage.setItem(KEY, JSON.stringify(prefs)); } catch { /* private mode: still applied */ }
  };
  for (const b of $$("[data-pref]")) {
    b.addEventListener("click", () => {
      const name = b.dataset.pref;
      if (b.dataset.step) {
        const size = Math.max(SIZE_RANGE[0], Math.min(SIZE_RANGE[1], prefs.size + Number(b.dataset.step)));
        save({ ...prefs, size });
      } else save({ ...prefs, [name]: b.dataset.value });
    });
  }
  const panel = $("#settings"), button = $("#settings-button");
  button.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !panel.hidden) { panel.hidden = true; button.setAttribute("aria-expanded", "false"); button.focus(); }
  });
}
