// Small DOM helpers: elements are built with textContent, never innerHTML, so no saved data can
// become markup in our pages.

/** h("a.title", {href}, "text", child...) -> element */
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split(".");
  const el = document.createElement(tag || "div");
  if (classes.length) el.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** A polite status message for screen readers and eyes (the toast area). */
export function announce(message, { action, onAction, timeout = 6000 } = {}) {
  const area = $("#toast");
  if (!area) return;
  area.replaceChildren(h("span", {}, message));
  if (action) area.append(h("button.link", { type: "button", onclick: () => { area.replaceChildren(); onAction(); } }, action));
  area.hidden = false;
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => { area.hidden = true; area.replaceChildren(); }, timeout);
}

export function formatDate(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso.slice(0, 10);
  return d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

export function hostOf(url) {
  try { return new URL(url).hostname.replace(/^www\./, ""); } catch { return ""; }
}
