/* QuietPage extension - the toolbar button's badge for one tab: what the extension knows of the
 * page in it. "✓" saved (its highlight count instead, when it has highlights), "…" saving, "!"
 * a problem; the tooltip says it in words. Browsers drop a tab's badge when the tab goes to
 * another page, so a badge never outlives the page it is about.
 */

export const COLORS = { saved: "#2e7d32", saving: "#6b6457", problem: "#b3261e" };
export const DEFAULT_TITLE = "Save to QuietPage";

const plural = (n, one, many = one + "s") => `${n} ${n === 1 ? one : many}`;

/** {state: saved|saving|problem|none, highlights, title, message} -> {text, color, title}. */
export function badgeFor({ state, highlights = 0, title = "", message = "" }) {
  switch (state) {
    case "saved": {
      const what = title ? ` \u201c${title.length > 80 ? title.slice(0, 79) + "\u2026" : title}\u201d` : " this page";
      const marks = highlights ? `, with ${plural(highlights, "highlight")}` : "";
      return { text: highlights ? (highlights > 99 ? "99+" : String(highlights)) : "\u2713", color: COLORS.saved,
        title: `QuietPage: saved${what}${marks}` };
    }
    case "saving": return { text: "\u2026", color: COLORS.saving, title: "QuietPage: saving this page\u2026" };
    case "problem": return { text: "!", color: COLORS.problem, title: `QuietPage: ${message || "something went wrong"}` };
    default: return { text: "", color: COLORS.saved, title: DEFAULT_TITLE };
  }
}

/** Show `state` on the tab's button. Never throws: a tab that closed meanwhile has no button. */
export async function showBadge(ext, tabId, state) {
  const badge = badgeFor(state);
  if (tabId == null || !ext.action) return badge;
  await Promise.allSettled([
    ext.action.setBadgeText({ tabId, text: badge.text }),
    ext.action.setBadgeBackgroundColor({ tabId, color: badge.color }),
    ext.action.setTitle({ tabId, title: badge.title }),
  ]);
  return badge;
}
