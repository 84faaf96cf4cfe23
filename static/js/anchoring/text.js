// The text of a DOM, as the server derives it from the same HTML (server/quietpage/reader/text.py,
// by the rules in rules.json that both read): block elements and <br> end a line; inside <pre> a
// newline ends a line; elsewhere a run of whitespace (WHITESPACE) is one space; lines are trimmed,
// empty ones dropped, joined by "\n"; SKIP_TAGS are skipped. textPositions() remembers the text
// node and offset of each character; rangeOffsets() turns a selection (a DOM Range) into offsets
// in that text, in code points.
import RULES from "./rules.json" with { type: "json" };
import { codePoints, codeUnits } from "./codepoints.js";

const BLOCK_TAGS = new Set(RULES.BLOCK_TAGS);
const SKIP_TAGS = new Set(RULES.SKIP_TAGS);
const WHITESPACE = RULES.WHITESPACE;
// What each UTF-16 unit is: 0 text, 1 whitespace, 2 dropped (the C0 controls and lone
// surrogates that reader/parse.py's clean_source removes before parsing; pairs are text).
export const KIND = new Uint8Array(65536);
for (let i = 0; i < WHITESPACE.length; i++) {
  const from = WHITESPACE.charCodeAt(i);
  const to = WHITESPACE[i + 1] === "-" ? WHITESPACE.charCodeAt((i += 2)) : from; // "a-b" is a range
  KIND.fill(1, from, to + 1);
}
for (const [from, to] of [[0x00, 0x08], [0x0b, 0x0c], [0x0e, 0x1f], [0xd800, 0xdfff]]) KIND.fill(2, from, to + 1);

/**
 * The text of a DOM subtree and where each of its characters comes from:
 * {root, text, nodes: [Text], node: Int32Array (index into nodes, -1 for a line break),
 *  offset: Int32Array (offset in that node), units(codePointOffset) -> code unit offset}.
 */
export function textPositions(root) {
  const nodes = [], chars = [];
  let node = new Int32Array(1024), offset = new Int32Array(1024), length = 0;
  let lineHasText = false, spaceNode = -1, spaceOffset = 0;
  const emit = (ch, n, o) => {
    if (length === node.length) {
      const grow = (a) => { const b = new Int32Array(a.length * 2); b.set(a); return b; };
      node = grow(node); offset = grow(offset);
    }
    chars.push(ch); node[length] = n; offset[length] = o; length++;
  };
  const lineBreak = () => { lineHasText = false; spaceNode = -1; };
  const addText = (textNode, pre) => {
    const data = textNode.data, n = nodes.push(textNode) - 1;
    for (let i = 0; i < data.length; i++) {
      const c = data.charCodeAt(i), kind = KIND[c];
      if (pre && c === 10) lineBreak();
      else if (kind === 1) {
        if (lineHasText && spaceNode < 0) { spaceNode = n; spaceOffset = i; }
      } else if (kind === 0 || (c < 0xdc00 && c >= 0xd800 && (data.charCodeAt(i + 1) & 0xfc00) === 0xdc00)) {
        if (!lineHasText) { if (length) emit("\n", -1, 0); lineHasText = true; }
        else if (spaceNode >= 0) emit(" ", spaceNode, spaceOffset);
        spaceNode = -1;
        emit(data[i], n, i);
        if (kind === 2) { i++; emit(data[i], n, i); } // the low half of a surrogate pair
      }
    }
  };
  const walk = (el, pre) => {
    for (let child = el.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) addText(child, pre);
      else if (child.nodeType === 1 && !SKIP_TAGS.has(child.localName)) {
        const block = BLOCK_TAGS.has(child.localName);
        if (block) lineBreak();
        walk(child, pre || child.localName === "pre");
        if (block) lineBreak();
      }
    }
  };
  walk(root, root.localName === "pre");
  const text = chars.join("");
  return { root, text, nodes, node: node.subarray(0, length), offset: offset.subarray(0, length), units: codeUnits(text).units };
}

/**
 * A DOM Range -> {start, end} in code points of positions.text (textPositions() of the same DOM),
 * trimmed of edge whitespace; null if no text is left. The characters are in document order, so
 * binary search with Range.comparePoint (-1 before, 0 inside, 1 after) finds the first character
 * that starts in the range and the first that ends after it. Used by the reader and by the
 * extension's highlighter.
 */
export function rangeOffsets(positions, range) {
  const { nodes, node, offset, text } = positions;
  const real = []; // the characters with a source node (a line break has none)
  for (let i = 0; i < node.length; i++) if (node[i] >= 0) real.push(i);
  const side = (i, end) => { // where the character's start (or end) point lies
    try { return range.comparePoint(nodes[node[i]], offset[i] + (end ? 1 : 0)); } catch { return 1; }
  };
  const firstWhere = (test) => {
    let lo = 0, hi = real.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (test(real[mid])) hi = mid; else lo = mid + 1; }
    return lo < real.length ? real[lo] : text.length;
  };
  let start = firstWhere((i) => side(i, false) >= 0);
  let end = firstWhere((i) => side(i, true) > 0);
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (start >= end) return null;
  return { start: codePoints(text, start), end: codePoints(text, end) };
}
