// Highlights painted in a DOM: anchored (match.js) in the DOM's text (text.js), wrapped in
// <mark>s; removeHighlights()/clearHighlights() put the DOM back. Used by the reader page and by
// the extension's highlighter on live pages.
import { anchorAll } from "./match.js";
import { KIND, textPositions } from "./text.js";

export const MARK_CLASS = "qp-highlight";
// Parents where a <mark> around whitespace would break the markup (a table row, a list).
const NO_TEXT_PARENTS = new Set(["table", "thead", "tbody", "tfoot", "tr", "colgroup", "ul", "ol", "dl", "select"]);

/**
 * Wraps ranges [{start, end, id, color}] of positions.text (code points) in <mark>s, all at
 * once (overlaps nest). Returns the marks of each range. `positions` is stale afterwards.
 */
export function markRanges(positions, ranges) {
  const segments = ranges.map((r) => segmentsOf(positions, positions.units(r.start), positions.units(r.end)));
  const pieces = splitNodes(positions.nodes, segments.flat());
  return ranges.map((r, i) => {
    const textNodes = segments[i].flatMap(([n, s, e]) =>
      pieces.get(n).filter((p) => p.start >= s && p.end <= e).map((p) => p.node));
    return groupSiblings(textNodes).filter(wrappable).map((group) => wrap(group, r));
  });
}

/** Wraps text[start:end] (code points) in <mark>s and returns them. `positions` is stale afterwards. */
export function highlightRange(positions, start, end, { id = "", color = "yellow" } = {}) {
  return markRanges(positions, [{ start, end, id, color }])[0];
}

/** [node index, start, end] for each text node that text[a:b] (code units) touches. */
function segmentsOf({ nodes, node, offset }, a, b) {
  const touched = [];
  for (let i = a; i < b; i++) {
    const n = node[i];
    if (n < 0) continue;
    const seg = touched[touched.length - 1];
    if (seg && seg[0] === n) seg[2] = offset[i] + 1;
    else touched.push([n, offset[i], offset[i] + 1]);
  }
  // whole nodes in between; the first from its first character, the last to its last
  return touched.map(([n, s, e], k) => [n, k === 0 ? s : 0, k === touched.length - 1 ? e : nodes[n].data.length]);
}

/** Splits each text node at every segment boundary: node index -> [{start, end, node}]. */
function splitNodes(nodes, segments) {
  const cuts = new Map();
  for (const [n, s, e] of segments) {
    if (!cuts.has(n)) cuts.set(n, new Set([0, nodes[n].data.length]));
    cuts.get(n).add(s).add(e);
  }
  const pieces = new Map();
  for (const [n, set] of cuts) {
    const at = [...set].sort((x, y) => x - y), list = [];
    for (let k = at.length - 2; k >= 1; k--) list.unshift({ start: at[k], end: at[k + 1], node: nodes[n].splitText(at[k]) });
    list.unshift({ start: 0, end: at[1], node: nodes[n] });
    pieces.set(n, list);
  }
  return pieces;
}

function groupSiblings(textNodes) {
  const groups = [];
  for (const t of textNodes) {
    const g = groups[groups.length - 1];
    if (g && g[g.length - 1].nextSibling === t) g.push(t);
    else groups.push([t]);
  }
  return groups;
}

function wrappable(group) {
  const blank = group.every((t) => [...t.data].every((ch) => KIND[ch.charCodeAt(0)] === 1));
  return !(blank && group[0].parentNode && NO_TEXT_PARENTS.has(group[0].parentNode.localName));
}

function wrap(group, { id, color }) {
  const mark = group[0].ownerDocument.createElement("mark");
  mark.setAttribute("class", `${MARK_CLASS} ${MARK_CLASS}-${color}`);
  mark.setAttribute("data-highlight-id", id);
  group[0].parentNode.insertBefore(mark, group[0]);
  for (const t of group) mark.appendChild(t);
  return mark;
}

/** Unwraps marks made by markRanges()/highlightRange()/paint(), merging the text back. */
export function removeHighlights(marks) {
  const parents = new Set();
  for (const mark of marks) {
    const parent = mark.parentNode;
    if (!parent) continue;
    while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
    parent.removeChild(mark);
    parents.add(parent);
  }
  for (const parent of parents) parent.normalize(); // once each, after every mark is gone
}

/** Removes every highlight mark under root (the article's own <mark>s stay). */
export function clearHighlights(root) {
  const marks = [];
  const walk = (el) => {
    for (let c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      if (c.localName === "mark" && c.getAttribute("data-highlight-id") !== null) marks.push(c);
      walk(c);
    }
  };
  walk(root);
  removeHighlights(marks.reverse());
}

// ------------------------------------------------------------------ painting
/**
 * Finds highlights [{id, color, selectors}] in root's text and wraps each in <mark>s.
 * Returns {painted: [{id, match, marks}], orphans: [id]}.
 */
export function paint(root, highlights) {
  const positions = textPositions(root);
  const matches = anchorAll(positions.text, highlights.map((h) => h.selectors));
  const found = [], orphans = [];
  highlights.forEach((h, i) => (matches[i] ? found.push([h, matches[i]]) : orphans.push(h.id)));
  const marks = markRanges(positions, found.map(([h, m]) => ({ start: m.start, end: m.end, id: h.id, color: h.color })));
  return { painted: found.map(([h, match], i) => ({ id: h.id, match, marks: marks[i] })), orphans };
}
