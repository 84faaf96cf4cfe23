// Highlights over a DOM: the JavaScript twin of server/quietpage/anchoring.py. One ES module with
// no dependencies, used as it is by the reader page and by the extension (extension/lib/).
//
// describe() and anchor() are the Python functions, step for step and constant for constant:
//   1. the position, if the text there still equals the quote (score 1.0);
//   2. else every exact occurrence of the quote, the best by context and old position;
//   3. else a fuzzy search (pieces of quote and context -> windows -> Myers' bit-parallel edit
//      distance), scored on quote, context and position; below MIN_SCORE it gives up (null).
// textPositions(root) derives the server's text from the DOM of the same HTML, by the rules of
// server/quietpage/reader/text.py: block elements and <br> end a line; inside <pre> a newline ends
// a line; elsewhere a run of whitespace (text.py's WHITESPACE) is one space; lines are trimmed,
// empty ones dropped, joined by "\n"; script/style/noscript/template are skipped. It remembers the
// text node and offset of each character. paint() anchors highlights in that text and wraps them
// in <mark>s; removeHighlights()/clearHighlights() put the DOM back. rangeOffsets() turns a
// selection (a DOM Range) into offsets in that text.
// Offsets count Unicode code points, as Python does: astral characters are swapped for
// private-use ones while matching, so edit counts and scores match Python's too.
// tests/anchoring_cases.json pins both languages to the same offsets and scores.
export const CONTEXT_CHARS = 32;
export const QUOTE = "TextQuoteSelector";
export const POSITION = "TextPositionSelector";
export const MAX_ERROR_RATE = 0.25;
export const SURE_ERROR_RATE = 0.1;
export const MAX_PIECES = 64;
export const MAX_PIECE_HITS = 200;
export const MAX_WINDOWS = 32;
export const MAX_SCORED = 50;
export const LOCAL_CHARS = 10000;
export const SURE_SCORE = 0.9;
export const QUOTE_WEIGHT = 0.75, CONTEXT_WEIGHT = 0.23, POSITION_WEIGHT = 0.02;
export const MIN_SCORE = 0.67;

const ASTRAL = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Swaps astral characters for private-use ones, one per distinct character (past 6,400 they share). */
function narrower(text) {
  if (!SURROGATE.test(text)) return { text, narrow: (s) => s };
  const used = new Set(text.match(/[\uE000-\uF8FF]/g) || []), to = new Map();
  let next = 0xe000;
  const swap = (pair) => {
    if (!to.has(pair)) {
      while (next < 0xf8ff && used.has(String.fromCharCode(next))) next++;
      to.set(pair, String.fromCharCode(next < 0xf8ff ? next++ : next));
    }
    return to.get(pair);
  };
  const narrow = (s) => (SURROGATE.test(s) ? s.replace(ASTRAL, swap) : s);
  return { text: narrow(text), narrow };
}

// ------------------------------------------------------------------ selectors
export function describe(text, start, end) {
  const { length, units } = codeUnits(text);
  const at = [Math.max(0, start - CONTEXT_CHARS), start, end, end + CONTEXT_CHARS].map((o) => units(Math.min(o, length)));
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= length)) {
    throw new RangeError(`range ${start}..${end} is outside the text (length ${length})`);
  }
  return [
    { type: QUOTE, exact: text.slice(at[1], at[2]), prefix: text.slice(at[0], at[1]), suffix: text.slice(at[2], at[3]) },
    { type: POSITION, start, end },
  ];
}

export function selector(selectors, kind) {
  return (selectors || []).find((s) => s !== null && typeof s === "object" && s.type === kind) || null;
}

/** {start, end, score} in code points, or null: the highlight is an orphan. */
export function anchor(text, selectors) {
  return anchorAll(text, [selectors])[0];
}

/** anchor() for many highlights over one text. */
export function anchorAll(text, selectorLists) {
  const n = narrower(text);
  return selectorLists.map((selectors) => anchorOne(n, selectors));
}

function anchorOne({ text, narrow }, selectors) {
  const quote = selector(selectors, QUOTE), position = selector(selectors, POSITION) || {};
  const { start, end } = position;
  const validPosition = Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end
    && end <= text.length;
  if (!quote || !quote.exact) return validPosition ? { start, end, score: 1.0 } : null;
  const q = { text, exact: narrow(quote.exact), prefix: narrow(quote.prefix || ""), suffix: narrow(quote.suffix || ""),
              hint: Number.isInteger(start) ? start : null };
  // 1. the position still holds the quote
  if (validPosition && text.slice(start, end) === q.exact) return { start, end, score: 1.0 };
  // 2. exact occurrences, best by context and distance
  const found = exact(q);
  if (found !== null) return found;
  // 3. approximate occurrences, if one scores well enough
  const near = fuzzy(q);
  return near !== null && near.score >= MIN_SCORE ? near : null;
}

/** Starts of every occurrence of needle within text[lo:hi]; null if more than limit. */
function findAll(text, needle, lo, hi, limit) {
  const hay = lo === 0 && hi === text.length ? text : text.slice(lo, hi), found = [];
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) {
    if (limit !== null && found.length === limit) return null;
    found.push(lo + i);
  }
  return found;
}

/** Orders arrays of numbers like Python orders tuples. */
function compareKeys(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

// ------------------------------------------------------------------ scoring
/** The best exact occurrence; one near the old position with all its context cannot be beaten. */
function exact(q) {
  const n = q.text.length, m = q.exact.length;
  if (q.hint !== null && (q.prefix || q.suffix)) {
    const lo = Math.max(0, q.hint - LOCAL_CHARS), hi = Math.min(n, q.hint + LOCAL_CHARS + m);
    const near = findAll(q.text, q.exact, lo, hi, null);
    if (near.length) {
      const best = bestExact(q, near);
      if ((lo === 0 && hi === n) || contextSimilarity(q, best.start, best.end) === 1.0) return best;
    }
  }
  const starts = findAll(q.text, q.exact, 0, n, null);
  return starts.length ? bestExact(q, starts) : null;
}

function bestExact(q, starts) {
  const m = q.exact.length, { text, prefix, suffix, hint } = q;
  if (starts.length > MAX_SCORED) {
    const hits = (s) => (text.slice(Math.max(0, s - prefix.length), s) === prefix)
      + (text.slice(s + m, s + m + suffix.length) === suffix);
    const rank = (s) => [-hits(s), hint !== null ? Math.abs(s - hint) : 0, s];
    starts = starts.map((s) => [rank(s), s]).sort((a, b) => compareKeys(a[0], b[0]))
      .slice(0, MAX_SCORED).map((x) => x[1]);
  }
  let best = starts[0], bestScore = -1.0;
  for (const s of starts) {
    const score = scoreOf(q, s, s + m, 0);
    if (score > bestScore) { best = s; bestScore = score; }
  }
  return { start: best, end: best + m, score: bestScore };
}

function scoreOf(q, start, end, errors) {
  const context = contextSimilarity(q, start, end), n = q.text.length;
  const position = q.hint !== null && n ? (n - Math.min(Math.abs(start - q.hint), n)) / n : 0.0;
  return weigh(q.exact.length, errors, context, position);
}

const weigh = (m, errors, context, position) =>
  QUOTE_WEIGHT * ((m - errors) / m) + CONTEXT_WEIGHT * context + POSITION_WEIGHT * position;

function contextSimilarity({ text, prefix, suffix }, start, end) {
  const total = prefix.length + suffix.length;
  if (!total) return 0.0;
  let kept = 0;
  if (prefix) {
    const before = text.slice(Math.max(0, start - prefix.length - Math.floor(prefix.length / 4)), start);
    kept += keptOf(prefix, before, before.endsWith(prefix));
  }
  if (suffix) {
    const after = text.slice(end, end + suffix.length + Math.floor(suffix.length / 4));
    kept += keptOf(reverse(suffix), reverse(after), after.startsWith(suffix));
  }
  return kept / total;
}

function keptOf(context, text, intact) {
  if (intact) return context.length;
  const errors = text ? last(distances(context, text, true)) : context.length;
  return Math.max(0, context.length - 2 * errors);
}

const last = (a) => a[a.length - 1];
const reverse = (s) => s.split("").reverse().join("");

// ------------------------------------------------------------------ fuzzy search
function fuzzy(q) {
  if (Math.floor(q.exact.length * MAX_ERROR_RATE) === 0 || !q.text) return null;
  const n = q.text.length, verified = new Map();
  if (q.hint !== null && q.hint >= 0 && q.hint < n) {
    const lo = Math.max(0, q.hint - LOCAL_CHARS), hi = Math.min(n, q.hint + q.exact.length + LOCAL_CHARS);
    const found = search(q, lo, hi, verified);
    if ((found !== null && found.score >= SURE_SCORE) || (lo === 0 && hi === n)) return found;
  }
  return search(q, 0, n, verified);
}

function search(q, lo, hi, verified) {
  const m = q.exact.length;
  let best = null, bestScore = -1.0;
  for (const window of windows(q, lo, hi, Math.floor(m * MAX_ERROR_RATE), Math.floor(m * SURE_ERROR_RATE))) {
    const [wLo, wHi, minErrors, allowed] = window, key = window.join();
    if (weigh(m, minErrors, 1.0, 1.0) <= bestScore) continue;
    if (!verified.has(key)) verified.set(key, verify(q, wLo, wHi, allowed));
    const match = verified.get(key);
    if (match !== null) {
      const score = scoreOf(q, ...match);
      if (score > bestScore) { best = match; bestScore = score; }
    }
  }
  return best !== null ? { start: best[0], end: best[1], score: bestScore } : null;
}

function windows(q, lo, hi, maxErrors, sureErrors) {
  const m = q.exact.length, text = q.text, votes = new Map();
  const vote = (piece, shift, kind) => {
    // a start below 0 (edits shortened what came before the piece) counts as 0
    const from = lo ? Math.max(0, lo - shift) : 0, to = Math.max(0, hi - shift + piece.length);
    const found = findAll(text, piece, from, to, MAX_PIECE_HITS);
    for (const i of found || []) {
      const start = Math.max(0, i + shift);
      if (lo <= start && start < hi) {
        if (!votes.has(start)) votes.set(start, [0, 0]);
        votes.get(start)[kind] += 1;
      }
    }
    return found !== null;
  };
  const pieces = sureErrors ? Math.min(MAX_PIECES, sureErrors + 2) : 0;
  const size = Math.floor(m / Math.max(pieces, 1));
  let unplaced = 0;
  for (let i = 0; i < pieces; i++) unplaced += vote(q.exact.slice(i * size, (i + 1) * size), -i * size, 0) ? 0 : 1;
  for (const [piece, shift] of contextPieces(q.prefix, q.suffix, m)) vote(piece, shift, 1);
  if (q.hint !== null && lo <= q.hint && q.hint < hi) {
    if (!votes.has(q.hint)) votes.set(q.hint, [0, 0]);
    votes.get(q.hint)[1] += 1;
  }
  const clusters = [];
  for (const start of [...votes.keys()].sort((a, b) => a - b)) {
    const [quoteVotes, contextVotes] = votes.get(start), c = clusters[clusters.length - 1];
    if (c && start - c[1] <= maxErrors) { c[1] = start; c[2] += quoteVotes; c[3] += contextVotes; }
    else clusters.push([start, start, quoteVotes, contextVotes]);
  }
  const found = [];
  for (const [first, lastStart, placed, vouching] of clusters) {
    const minErrors = Math.max(0, pieces - unplaced - placed), allowed = vouching ? maxErrors : sureErrors;
    if (minErrors <= allowed) {
      const rank = [-(placed + vouching), q.hint !== null ? Math.abs(first - q.hint) : 0, first];
      const window = [Math.max(0, first - maxErrors), Math.min(text.length, lastStart + m + 2 * maxErrors)];
      found.push([rank, [...window, minErrors, allowed]]);
    }
  }
  return found.sort((a, b) => compareKeys(a[0], b[0])).slice(0, MAX_WINDOWS).map((x) => x[1]);
}

function contextPieces(prefix, suffix, m) {
  const half = CONTEXT_CHARS / 2, out = [];
  for (const end of [prefix.length, prefix.length - half]) {
    const piece = prefix.slice(Math.max(0, end - half), Math.max(0, end));
    if (piece) out.push([piece, piece.length + prefix.length - end]);
  }
  for (const start of [0, half]) {
    const piece = suffix.slice(start, start + half);
    if (piece) out.push([piece, -m - start]);
  }
  return out;
}

function verify({ text, exact }, lo, hi, maxErrors) {
  if (hi <= lo) return null;
  const ends = distances(exact, text.slice(lo, hi), true);
  let errors = Infinity, at = -1;
  for (let j = 0; j < ends.length; j++) if (ends[j] < errors) { errors = ends[j]; at = j; }
  if (errors > maxErrors) return null;
  const end = lo + at + 1;
  const starts = distances(reverse(exact), reverse(text.slice(lo, end)), false);
  return [end - (starts.indexOf(errors) + 1), end, errors];
}

/** Myers' bit-parallel edit distance in 32-bit blocks: for each j, the fewest edits turning
 * pattern into a substring of text ending at j; with freeStart false, into text[0..j]. */
export function distances(pattern, text, freeStart = true) {
  const m = pattern.length, blocks = Math.ceil(m / 32), peq = [];
  for (let b = 0; b < blocks; b++) peq.push(new Map());
  for (let i = 0; i < m; i++) {
    const map = peq[i >> 5], c = pattern.charCodeAt(i);
    map.set(c, (map.get(c) || 0) | (1 << (i & 31)));
  }
  const P = new Int32Array(blocks).fill(-1), M = new Int32Array(blocks);
  const lastBit = 1 << ((m - 1) & 31), out = new Int32Array(text.length);
  let score = m;
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    let hIn = freeStart ? 0 : 1;
    for (let b = 0; b < blocks; b++) {
      const pv = P[b], mv = M[b], neg = hIn < 0 ? 1 : 0;
      const eq = (peq[b].get(c) || 0) | neg;
      const xv = eq | mv;
      const xh = (((eq & pv) + pv) ^ pv) | eq;
      let ph = mv | ~(xh | pv), mh = pv & xh;
      const top = b === blocks - 1 ? lastBit : 1 << 31;
      const hOut = (ph & top) !== 0 ? 1 : (mh & top) !== 0 ? -1 : 0;
      ph = (ph << 1) | (hIn > 0 ? 1 : 0);
      mh = (mh << 1) | neg;
      P[b] = mh | ~(xv | ph);
      M[b] = ph & xv;
      hIn = hOut;
    }
    score += hIn;
    out[j] = score;
  }
  return out;
}

// ------------------------------------------------------------------ DOM text and marks
export const MARK_CLASS = "qp-highlight";

const BLOCK_TAGS = new Set(("address article aside blockquote br caption dd details dialog div dl dt fieldset " +
  "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary " +
  "table tbody td tfoot th thead tr ul").split(" "));
const SKIP_TAGS = new Set(["script", "style", "noscript", "template"]);
// text.py's WHITESPACE, character for character.
const WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
// What each UTF-16 unit is: 0 text, 1 whitespace, 2 dropped (the C0 controls and lone
// surrogates that reader/parse.py's clean_source removes before parsing; pairs are text).
const KIND = new Uint8Array(65536);
for (let i = 0; i < WHITESPACE.length; i++) {
  const from = WHITESPACE.charCodeAt(i);
  const to = WHITESPACE[i + 1] === "-" ? WHITESPACE.charCodeAt((i += 2)) : from; // "a-b" is a range
  KIND.fill(1, from, to + 1);
}
for (const [from, to] of [[0x00, 0x08], [0x0b, 0x0c], [0x0e, 0x1f], [0xd800, 0xdfff]]) KIND.fill(2, from, to + 1);
// Parents where a <mark> around whitespace would break the markup (a table row, a list).
const NO_TEXT_PARENTS = new Set(["table", "thead", "tbody", "tfoot", "tr", "colgroup", "ul", "ol", "dl", "select"]);

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

/** {length, units}: text's length in code points, and code point offset -> code unit offset
 * (the identity without astral characters). */
function codeUnits(text) {
  if (!SURROGATE.test(text)) return { length: text.length, units: (cp) => cp };
  const pairs = [...text.matchAll(ASTRAL)].map((match, k) => match.index - k); // code point offsets
  const units = (cp) => {
    let lo = 0, hi = pairs.length; // how many astral characters start before cp
    while (lo < hi) { const mid = (lo + hi) >> 1; if (pairs[mid] < cp) lo = mid + 1; else hi = mid; }
    return cp + lo;
  };
  return { length: text.length - pairs.length, units };
}

/** Code unit offset -> code point offset in text (a high surrogate at the very end counts one). */
export function codePoints(text, units) {
  let cp = 0;
  for (let i = 0; i < units; i++, cp++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < units && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return cp;
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
