// Highlights in plain text: the JavaScript twin of server/quietpage/anchoring.py, step for step,
// with the same constants (read from rules.json, as Python reads them). describe() and anchor():
//   1. the position, if the text there still equals the quote (score 1.0);
//   2. else every exact occurrence of the quote, the best by context and old position;
//   3. else a fuzzy search (pieces of quote and context -> windows -> Myers' bit-parallel edit
//      distance), scored on quote, context and position; below MIN_SCORE it gives up (null).
// Offsets count Unicode code points, as Python does. tests/anchoring_cases.json pins both
// languages to the same offsets and scores. No DOM here: text.js and marks.js do that.
import RULES from "./rules.json" with { type: "json" };
import { codeUnits, narrower } from "./codepoints.js";

export const { CONTEXT_CHARS, QUOTE, POSITION, MAX_ERROR_RATE, SURE_ERROR_RATE, MAX_PIECES, MAX_PIECE_HITS, MAX_WINDOWS,
  MAX_SCORED, LOCAL_CHARS, SURE_SCORE, QUOTE_WEIGHT, CONTEXT_WEIGHT, POSITION_WEIGHT, MIN_SCORE } = RULES;

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
