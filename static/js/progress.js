// Reading progress: a bar at the top, saved as you scroll (at most every few seconds, and when
// the page is left), restored when you come back.
import { $ } from "./dom.js";

const SAVE_EVERY_MS = 2000;
const MIN_CHANGE = 0.01;

function fraction() {
  const el = document.scrollingElement || document.documentElement;
  const room = el.scrollHeight - window.innerHeight;
  return room > 0 ? Math.min(1, Math.max(0, window.scrollY / room)) : 1;
}

export function initProgress(article, save) {
  const bar = $("#progress-bar");
  let saved = article.progress || 0, timer = null;
  const show = () => { bar.style.transform = `scaleX(${fraction()})`; };
  const flush = (leaving = false) => {
    timer = null;
    const now = Math.round(fraction() * 1000) / 1000;
    if (Math.abs(now - saved) >= MIN_CHANGE) { saved = now; save(now, leaving).catch(() => {}); }
  };
  // restore: where the reader left off (not when they had finished, or barely started)
  if (saved > 0.02 && saved < 0.98) {
    const el = document.scrollingElement || document.documentElement;
    window.scrollTo(0, saved * (el.scrollHeight - window.innerHeight));
  }
  show();
  window.addEventListener("scroll", () => {
    show();
    if (!timer) timer = setTimeout(() => flush(), SAVE_EVERY_MS);
  }, { passive: true });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") { clearTimeout(timer); flush(true); } });
}
