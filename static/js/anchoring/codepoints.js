// Offsets count Unicode code points, as Python does; JavaScript strings count UTF-16 units. The
// conversions, and a narrowing that swaps astral characters for private-use ones while matching
// (so edit counts and scores match Python's too).
const ASTRAL = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const SURROGATE = /[\uD800-\uDFFF]/;

/** Swaps astral characters for private-use ones, one per distinct character (past 6,400 they share). */
export function narrower(text) {
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

/** {length, units}: text's length in code points, and code point offset -> code unit offset
 * (the identity without astral characters). */
export function codeUnits(text) {
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
