// The reader's top bar: one row; on a phone it slides away while you scroll down and comes back
// as soon as you scroll up (or reach the top, or tab into it, or open its settings).
import { $ } from "./dom.js";

const MOVE = 6; // px of scrolling that count as a direction

export function initBar() {
  const bar = $("#reader-bar");
  let last = window.scrollY;
  window.addEventListener("scroll", () => {
    const y = window.scrollY;
    if (Math.abs(y - last) < MOVE) return;
    const hide = y > last && y > bar.offsetHeight && $("#settings").hidden && !bar.querySelector(":focus-visible");
    bar.classList.toggle("bar-hidden", hide);
    last = y;
  }, { passive: true });
  bar.addEventListener("focusin", () => bar.classList.remove("bar-hidden")); // tabbing into it
}
