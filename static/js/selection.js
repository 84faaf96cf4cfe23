// A DOM Range -> offsets into the article text that textPositions() derived from the same DOM.
// Characters are in document order, so the range's start and end are found by binary search
// with Range.comparePoint (-1 before, 0 inside, 1 after).

/** {start, end} in code points of positions.text, trimmed of edge whitespace; null if empty. */
export function selectionOffsets(positions, range) {
  const { nodes, node, offset, text } = positions;
  const n = text.length;
  const where = (i) => {
    let k = i;
    while (k < n && node[k] < 0) k++; // a line break has no source node: use the next character
    if (k >= n) return 1;
    try { return range.comparePoint(nodes[node[k]], offset[k]); } catch { return 1; }
  };
  const first = (pred) => { // smallest i with pred(i), in [0, n]
    let lo = 0, hi = n;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (pred(mid)) hi = mid; else lo = mid + 1; }
    return lo;
  };
  let start = first((i) => where(i) >= 0);
  let end = first((i) => where(i) > 0);
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (start >= end) return null;
  return { start: codePoints(text, start), end: codePoints(text, end) };
}

/** Code unit offset -> code point offset. */
function codePoints(text, units) {
  let cp = 0;
  for (let i = 0; i < units; i++, cp++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < units && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return cp;
}
