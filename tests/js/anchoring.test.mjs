// The JavaScript twin of quietpage/anchoring.py against the shared cases (tests/anchoring_cases.json,
// which tests/test_anchoring.py runs against Python), plus its DOM text and marks on a tiny DOM.
// Chromium runs the DOM side for real in tests/test_anchoring_browser.py.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { codePoints } from "../../static/js/anchoring/codepoints.js";
import { clearHighlights, paint } from "../../static/js/anchoring/marks.js";
import { anchor, anchorAll, describe, distances } from "../../static/js/anchoring/match.js";
import { rangeOffsets, textPositions } from "../../static/js/anchoring/text.js";

const CASES = JSON.parse(readFileSync(new URL("../anchoring_cases.json", import.meta.url), "utf-8"));

for (const c of CASES.anchor) {
  test(`anchor: ${c.name}`, () => {
    const got = anchor(c.text, c.selectors);
    assert.deepEqual(got, c.expect); // offsets and score, to the last bit, as Python computes them
  });
}

test("anchorAll gives what anchor gives, one by one", () => {
  for (const text of new Set(CASES.anchor.map((c) => c.text))) {
    const cases = CASES.anchor.filter((c) => c.text === text);
    assert.deepEqual(anchorAll(text, cases.map((c) => c.selectors)), cases.map((c) => c.expect));
  }
});

for (const [i, c] of CASES.describe.entries()) {
  test(`describe #${i}`, () => assert.deepEqual(describe(c.text, c.start, c.end), c.expect));
}

test("describe refuses a range outside the text", () => {
  assert.throws(() => describe("abc", 2, 5), RangeError);
  assert.throws(() => describe("abc", 2, 2), RangeError);
});

// ------------------------------------------------------------------ Myers vs the textbook table
function naive(pattern, text, freeStart) {
  let row = Array.from({ length: text.length + 1 }, (_, j) => (freeStart ? 0 : j));
  for (let i = 1; i <= pattern.length; i++) {
    const next = [i];
    for (let j = 1; j <= text.length; j++) {
      next.push(Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (pattern[i - 1] === text[j - 1] ? 0 : 1)));
    }
    row = next;
  }
  return row.slice(1);
}

test("distances() equals the dynamic-programming table (1 to 4 blocks of 32 bits)", () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const word = (n, alphabet) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
  for (let k = 0; k < 600; k++) {
    const pattern = word(1 + Math.floor(random() * 120), "abc"), text = word(Math.floor(random() * 150), "abcd");
    for (const freeStart of [true, false]) {
      assert.deepEqual([...distances(pattern, text, freeStart)], naive(pattern, text, freeStart), `${pattern} / ${text}`);
    }
  }
});

// ------------------------------------------------------------------ a tiny DOM, enough for the module
class Node {
  constructor(nodeType, doc) { this.nodeType = nodeType; this.ownerDocument = doc; this.parentNode = null; this.childNodes = []; }
  get firstChild() { return this.childNodes[0] || null; }
  get nextSibling() {
    const siblings = this.parentNode ? this.parentNode.childNodes : [];
    return siblings[siblings.indexOf(this) + 1] || null;
  }
  insertBefore(node, ref) {
    if (node.parentNode) node.parentNode.removeChild(node);
    node.parentNode = this;
    this.childNodes.splice(ref ? this.childNodes.indexOf(ref) : this.childNodes.length, 0, node);
    return node;
  }
  appendChild(node) { return this.insertBefore(node, null); }
  removeChild(node) { this.childNodes.splice(this.childNodes.indexOf(node), 1); node.parentNode = null; return node; }
  normalize() {
    for (let i = 0; i < this.childNodes.length; i++) {
      const c = this.childNodes[i];
      if (c.nodeType === 3 && c.data === "") { this.removeChild(c); i--; continue; }
      while (c.nodeType === 3 && c.nextSibling && c.nextSibling.nodeType === 3) c.data += this.removeChild(c.nextSibling).data;
      if (c.nodeType === 1) c.normalize();
    }
  }
}
class Text extends Node {
  constructor(data, doc) { super(3, doc); this.data = data; }
  splitText(at) {
    const rest = new Text(this.data.slice(at), this.ownerDocument);
    this.data = this.data.slice(0, at);
    this.parentNode.insertBefore(rest, this.nextSibling);
    return rest;
  }
}
class Element extends Node {
  constructor(name, doc) { super(1, doc); this.localName = name; this.attributes = new Map(); }
  setAttribute(k, v) { this.attributes.set(k, String(v)); }
  getAttribute(k) { return this.attributes.has(k) ? this.attributes.get(k) : null; }
}
const DOC = { createElement: (name) => new Element(name, DOC), createTextNode: (data) => new Text(data, DOC) };

const VOID = new Set("area base br col embed hr img input link meta source track wbr".split(" "));
const ENTITIES = { nbsp: "\u00a0", amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const decode = (s) => s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, e) =>
  e[0] !== "#" ? ENTITIES[e] ?? all : String.fromCodePoint(parseInt(e[1] === "x" || e[1] === "X" ? e.slice(2) : e.slice(1), e[1].toLowerCase() === "x" ? 16 : 10)));

/** Parses the well-formed snippets of the shared cases (no implied tags) under a <div>. */
function parse(html) {
  const root = DOC.createElement("div");
  let open = root;
  html = html.replace(/\r\n?/g, "\n");
  const token = /<!--[\s\S]*?-->|<\/([a-z0-9]+)\s*>|<([a-z0-9]+)((?:\s+[a-z-]+(?:=(?:'[^']*'|"[^"]*"|[^\s>]+))?)*)\s*\/?>|[^<]+/gi;
  for (let m; (m = token.exec(html));) {
    if (m[0].startsWith("<!--")) continue;
    if (m[1]) { open = open.parentNode; continue; }
    if (m[2]) {
      const el = open.appendChild(DOC.createElement(m[2].toLowerCase()));
      if (VOID.has(el.localName)) continue;
      open = el;
      if (el.localName === "script" || el.localName === "style") {
        const end = html.indexOf(`</${el.localName}>`, token.lastIndex);
        el.appendChild(DOC.createTextNode(html.slice(token.lastIndex, end)));
        token.lastIndex = end;
      }
      continue;
    }
    let data = decode(m[0]);
    if (open.localName === "pre" && !open.childNodes.length && data.startsWith("\n")) data = data.slice(1);
    if (data) open.appendChild(DOC.createTextNode(data));
  }
  return root;
}

const serialize = (n) => (n.nodeType === 3 ? n.data
  : `<${n.localName}${[...n.attributes].map(([k, v]) => ` ${k}="${v}"`).join("")}>${n.childNodes.map(serialize).join("")}</${n.localName}>`);

for (const c of CASES.text) {
  test(`text of the DOM: ${c.name}`, () => {
    const positions = textPositions(parse(c.html));
    assert.equal(positions.text, c.text);
    // every character points back at its source: itself, or (a space) a whitespace character
    for (let i = 0; i < positions.text.length; i++) {
      if (positions.node[i] < 0) { assert.equal(positions.text[i], "\n"); continue; }
      const source = positions.nodes[positions.node[i]].data[positions.offset[i]];
      assert.ok(source === positions.text[i] || (positions.text[i] === " " && /\s|\ufeff|\u0085/.test(source)), `${c.name} @${i}`);
    }
  });
}

// ------------------------------------------------------------------ marks
const HTML = "<p>The <b>harbour was <i>quiet</i></b> in the early morning.</p><ul><li>crates of mackerel</li> <li>and crab</li></ul>";

test("paint wraps each highlight in marks and clearHighlights puts the DOM back", () => {
  const root = parse(HTML), before = serialize(root);
  const { text } = textPositions(root);
  const quote = (s) => describe(text, text.indexOf(s), text.indexOf(s) + s.length);
  const result = paint(root, [
    { id: "a", color: "green", selectors: quote("harbour was quiet in") },
    { id: "b", color: "yellow", selectors: quote("mackerel\nand crab") },
    { id: "c", color: "pink", selectors: [{ type: "TextQuoteSelector", exact: "not in this article at all" }] },
  ]);
  assert.deepEqual(result.orphans, ["c"]);
  const [a, b] = result.painted;
  assert.equal(a.marks.map((m) => m.childNodes.map(serialize).join("")).join("|"), "harbour was |quiet| in");
  assert.deepEqual(a.marks.map((m) => m.parentNode.localName), ["b", "i", "p"], "each mark inside the element it was in");
  assert.ok(a.marks.every((m) => m.getAttribute("class") === "qp-highlight qp-highlight-green" && m.getAttribute("data-highlight-id") === "a"));
  assert.equal(b.marks.map((m) => m.childNodes.map(serialize).join("")).join("|"), "mackerel|and crab");
  assert.ok(b.marks.every((m) => m.parentNode.localName === "li"), "no mark between list items");
  assert.equal(textPositions(root).text, text, "the marks change no text");
  clearHighlights(root);
  assert.equal(serialize(root), before);
});

test("overlapping highlights nest, and come off again", () => {
  const root = parse("<p>one two three four five</p>"), before = serialize(root);
  const { text } = textPositions(root);
  const sel = (s) => describe(text, text.indexOf(s), text.indexOf(s) + s.length);
  const { painted } = paint(root, [{ id: "x", color: "blue", selectors: sel("two three") }, { id: "y", color: "pink", selectors: sel("three four") }]);
  assert.equal(painted.length, 2);
  assert.equal(serialize(root), '<div><p>one <mark class="qp-highlight qp-highlight-blue" data-highlight-id="x">two ' +
    '<mark class="qp-highlight qp-highlight-pink" data-highlight-id="y">three</mark></mark>' +
    '<mark class="qp-highlight qp-highlight-pink" data-highlight-id="y"> four</mark> five</p></div>');
  clearHighlights(root);
  assert.equal(serialize(root), before);
});

test("offsets are code points: marks land right after astral characters", () => {
  const root = parse("<p>\u{1F600} smile \u{1F44D}</p><p>after the emoji</p>");
  const { text } = textPositions(root);
  const [quote] = describe(text, 10, 19); // code points: each emoji counts one
  assert.equal(quote.exact, "after the");
  const { painted } = paint(root, [{ id: "e", color: "yellow", selectors: describe(text, 10, 19) }]);
  assert.equal(painted[0].marks.map((m) => m.childNodes[0].data).join(""), "after the");
});

// ------------------------------------------------------------------ a selection -> offsets
/** A Range over the tiny DOM: comparePoint on text nodes, by document order. */
function fakeRange(root, [startNode, startOffset], [endNode, endOffset]) {
  const texts = [];
  const walk = (n) => { for (const c of n.childNodes) (c.nodeType === 3 ? texts.push(c) : walk(c)); };
  walk(root);
  const key = (n, o) => texts.indexOf(n) * 1e6 + o;
  const lo = key(startNode, startOffset), hi = key(endNode, endOffset);
  return { comparePoint: (n, o) => (key(n, o) < lo ? -1 : key(n, o) > hi ? 1 : 0) };
}

test("rangeOffsets: the characters the range holds, in code points, trimmed of edge whitespace", () => {
  const root = parse("<p>hello brave world</p><p>\u{1F600} next line</p>");
  const positions = textPositions(root);
  const [p1, p2] = root.childNodes.map((p) => p.firstChild);
  const cut = (start, end) => {
    const o = rangeOffsets(positions, fakeRange(root, start, end));
    return o && [...positions.text].slice(o.start, o.end).join("");
  };
  assert.equal(cut([p1, 6], [p1, 9]), "bra", "a range ending inside a word stops where it ends");
  assert.equal(cut([p1, 5], [p1, 12]), "brave", "edge spaces are trimmed");
  assert.equal(cut([p1, 12], [p2, 2]), "world\n\u{1F600}", "across a line break");
  assert.equal(cut([p2, 3], [p2, 7]), "next", "code points after an astral character");
  assert.deepEqual(rangeOffsets(positions, fakeRange(root, [p2, 3], [p2, 7])), { start: 20, end: 24 });
  assert.equal(cut([p1, 5], [p1, 6]), null, "only whitespace: nothing");
  assert.equal(cut([p1, 7], [p1, 7]), null, "collapsed: nothing");
});

test("codePoints counts an astral character once, and half of one cut at the end as one", () => {
  const text = "a\u{1F600}b";
  assert.deepEqual([0, 1, 3, 4].map((u) => codePoints(text, u)), [0, 1, 2, 3]);
  assert.equal(codePoints(text, 2), 2); // the high surrogate alone
});

test("removeHighlights normalizes each parent once", () => {
  const root = parse("<p>one two three four five</p>");
  const { text } = textPositions(root);
  const sel = (s) => describe(text, text.indexOf(s), text.indexOf(s) + s.length);
  paint(root, [{ id: "x", color: "blue", selectors: sel("one") }, { id: "y", color: "pink", selectors: sel("three") },
    { id: "z", color: "pink", selectors: sel("five") }]);
  const p = root.childNodes[0], normalize = p.normalize;
  let calls = 0;
  p.normalize = function () { calls++; return normalize.call(this); };
  clearHighlights(root);
  assert.equal(calls, 1);
  assert.equal(serialize(root), "<div><p>one two three four five</p></div>");
});
