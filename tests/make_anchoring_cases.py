"""Writes tests/anchoring_cases.json, the cases that the Python core (tests/test_anchoring.py) and
its JavaScript twin (tests/js/anchoring.test.mjs, tests/test_anchoring_browser.py) must both pass.

    .venv/bin/python tests/make_anchoring_cases.py

Each anchor case states by hand where the highlight must land (or that it is an orphan); the
score is taken from Python when the file is written, so that JavaScript must reproduce it to the
last bit. Add a case here, run this, and review the diff of the JSON.
"""
import json
import re
from pathlib import Path

from quietpage.anchoring import anchor, describe
from quietpage.reader.parse import parse_fragment
from quietpage.reader.text import block_text

# HTML whose text both languages must derive alike (tricky on purpose).
SNIPPETS = {
    "nested inline": "<p>Hello <b>bold <i>and italic</i></b> world</p>",
    "br": "<p>line one<br>line two<br><br>line three</p>",
    "pre": "<pre>  code  line\n    indented\n\n last  </pre>",
    "pre leading newline": "<pre>\nfirst\nsecond</pre>",
    "pre crlf": "<pre>a\r\nb\rc</pre>",
    "nbsp": "<p>a&nbsp;&nbsp;b&nbsp;</p><p>&nbsp;</p>",
    "empty blocks": "<div><p></p><p> </p><div><span> </span></div><p>x</p></div>",
    "lists": "<ul><li>one</li><li>two <em>2</em><ul><li>inner</li></ul></li></ul><ol><li><p>para in li</p></li></ol>",
    "table": "<table><thead><tr><th>h1</th><th>h2</th></tr></thead><tr><td>a</td><td>b <b>c</b></td></tr>\n<tr> <td> d </td> </tr></table>",
    "spans": "<div><span>a</span> <span>b</span>\n<span>c</span></div>",
    "unicode spaces": "<p>a\u2003b\u3000c\ufeffd\u00a0e \u200bf\u2028g\u0085h</p>",
    "comment": "<p>a<!-- c -->b</p>",
    "script": "<p>a<script>x()</script>b<style>p{}</style>c</p>",
    "entities": "<p>&amp; &lt;tag&gt; &quot;q&quot; &#x1F600; &#128512;</p>",
    "pre inline": "<pre><code>def f():\n    return <b>1</b></code><br>after br</pre>",
    "headings": "<h2>Title</h2><blockquote><p>quoted</p>tail</blockquote>",
    "emoji": "<p>smile \U0001F600 and \U0001F44D\U0001F3FD ok</p>",
    "edges": "<p> <b> x </b> y </p>",
    "images": "<p>a<img src='data:image/png;base64,AAAA' alt='alt'>b<wbr>c</p>",
    "figure": "<figure><img src='x.png'><figcaption>Cap <i>tion</i></figcaption></figure>",
    "inline blocks": "<p>before<span><div>block in span</div></span>after</p>",
    "dl": "<dl><dt>term</dt><dd>def <a href='https://x'>link</a></dd></dl>",
    "details": "<details><summary>Sum</summary>Body text</details>",
    "hr": "<p>a</p><hr><p>b</p>",
    "tabs": "<p>a\tb\n\nc</p>",
    "mark ruby": "<p><mark>m</mark> <ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby> <q>q</q></p>",
    "deep": "<div><section><article><p>x<span><span><span>y</span></span></span>z</p></article></section></div>",
    "text at root": "loose text<p>para</p>more loose",
    "controls": "<p>a\x0bb\x0cc</p>",
}


P1 = "The harbour was quiet in the early morning, and the fishing boats rocked gently against the old stone quay."
P2 = "By seven the first traders had arrived, setting out crates of mackerel and crab along the wet cobbles."
P3 = "Nobody in the town could remember a season like it: the catch had doubled, and prices had halved."
P4 = "Economists from the university came to study the phenomenon, bringing notebooks and very little else."
P5 = "Their report, published in the spring, blamed warmer currents and a decade of careful quotas."
OLD = "\n".join([P1, P2, P3, P4, P5])
E = "\U0001F600 " + OLD  # astral characters: offsets count code points
TE = "\U0001F44D\U0001F3FD added " + E


def sel(text, quote, nth=0):
    """Selectors for the nth occurrence of quote in text."""
    i = [m.start() for m in re.finditer(re.escape(quote), text)][nth]
    return describe(text, i, i + len(quote))


def span(text, s, nth=0):
    """(start, end) of the nth occurrence of s in text."""
    i = [m.start() for m in re.finditer(re.escape(s), text)][nth]
    return (i, i + len(s))


def case(cases, name, text, selectors, want, note=""):
    """want: (start, end) where the highlight must land, or None for an orphan."""
    m = anchor(text, selectors)
    if want is None:
        assert m is None, (name, m)
        expect = None
    else:
        start, end = want
        assert m is not None and (m.start, m.end) == (start, end), (name, m, want, text[m.start:m.end] if m else None)
        expect = {"start": m.start, "end": m.end, "score": m.score}
    cases.append({"name": name, "note": note, "text": text, "selectors": selectors, "expect": expect})


def anchor_cases() -> list[dict]:
    cases = []
    Q = "the catch had doubled"
    s = sel(OLD, Q)
    case(cases, "position still holds", OLD, s, span(OLD, Q), "step 1: score 1.0")
    NEW = "A note added at the top.\n" + OLD
    case(cases, "text inserted before: exact search", NEW, s, span(NEW, Q), "step 2")
    case(cases, "quote alone, no position", NEW, [s[0]], span(NEW, Q))
    case(cases, "position alone is taken as it is", OLD, [s[1]], (s[1]["start"], s[1]["end"]))
    case(cases, "position alone outside the text", "short", [s[1]], None)
    case(cases, "position holds something else: exact search", OLD.replace("rocked gently", "rocked"), s, span(OLD.replace("rocked gently", "rocked"), Q))

    R = "\n".join([P1, P2, P1, P3])
    s2 = sel(R, "fishing boats", nth=1)
    RI = "Inserted.\n" + R
    case(cases, "two exact occurrences: the old position decides", RI, s2, span(RI, "fishing boats", 1),
         "same context around both: the nearer one wins")
    line = "Reading the {0} report: " + Q + ", as the {0} chair wrote."
    L1, L2 = line.format("Alpha"), line.format("Beta")
    R2 = "\n".join([L1, P2, L2])
    s3 = sel(R2, Q, nth=1)
    R2b = "Inserted.\n" + "\n".join([L2, P2, L1])
    case(cases, "two exact occurrences: the context decides", R2b, s3, span(R2b, Q, 0),
         "the paragraphs swapped: context beats position")

    Q5 = "blamed warmer currents and a decade of careful quotas"
    s5 = sel(OLD, Q5)
    T5 = "Inserted paragraph.\n" + OLD.replace("warmer currents", "warmer curents")
    case(cases, "a character deleted inside the quote", T5, s5, span(T5, "blamed warmer curents and a decade of careful quotas"), "step 3: fuzzy")
    T6 = OLD.replace("careful quotas", "very careful quotas")
    case(cases, "a word inserted inside the quote", T6, s5, span(T6, "blamed warmer currents and a decade of very careful quotas"))
    Q7 = P2[-40:] + "\n" + P3[:30]
    s7 = sel(OLD, Q7)
    T7 = OLD.replace(P2 + "\n" + P3, P2 + " " + P3)
    case(cases, "a line break became a space inside the quote", T7, s7, span(T7, P2[-40:] + " " + P3[:30]))
    T8 = OLD.replace(" " + Q5, "")
    case(cases, "the quote was deleted", T8, s5, None)
    T9 = "\n".join([P1, P2, P3, P4])
    case(cases, "the quote's paragraph was removed", T9, s5, None)
    case(cases, "a short quote changed, its context gone", "Iraq and Syria.", sel("Iran and Russia.", "Iran"), None,
         "4 characters: no edit is allowed without context")
    Q10 = "mackerel"
    s10 = sel(OLD, Q10)
    T10 = OLD.replace("mackerel", "makerel")
    case(cases, "a short quote changed, its context intact", T10, s10, span(T10, "makerel"), "the context vouches for one edit in 8")
    Q11 = "study the phenomenon, bringing notebooks"
    s11 = sel(OLD, Q11)
    EDITED = "stody teh phenomina, brining notbooks"  # 8 edits in 40 characters
    T11 = OLD.replace(Q11, EDITED)
    case(cases, "a fifth of the quote edited, context intact", T11, s11, span(T11, EDITED), "the context vouches")
    T12 = OLD.replace(P4, "Scholars arrived to " + EDITED + " but nothing more.")
    case(cases, "a fifth of the quote edited, context edited too", T12, s11, None, "too much changed: an honest orphan")
    moved_typo = "\n".join([P5.replace("decade", "decsde"), P1, P2, P3, P4])
    case(cases, "paragraph moved to the top with a typo", moved_typo, s5, span(moved_typo, "blamed warmer currents and a decsde of careful quotas"),
         "found far from the old position")
    s13 = sel(OLD, "The harbour was quiet")
    T13 = OLD.replace("The harbour was quiet", "The harbor was quiet")
    case(cases, "quote at the very start (no prefix)", T13, s13, span(T13, "The harbor was quiet"))
    LONG = P3 + " " + P4 + " " + P5
    s14 = sel(OLD.replace("\n", " "), LONG)
    T14 = OLD.replace("\n", " ").replace("phenomenon", "phenomena").replace("doubled", "dubled").replace("careful", "carefull")
    T14 = "New lead paragraph.\n" + T14
    case(cases, "a long quote (several 32-bit blocks) with three edits", T14, s14,
         span(T14, LONG.replace("phenomenon", "phenomena").replace("doubled", "dubled").replace("careful", "carefull")))
    sE = sel(E, Q)
    case(cases, "astral characters before the quote: code point offsets", TE, sE, span(TE, Q))
    QE = "smile \U0001F600 and the harbour"
    E2 = "We " + QE + " was quiet."
    sE2 = sel(E2, QE)
    TE2 = "\U0001F680 Lead. We smile \U0001F601 and the harbour was quiet."
    case(cases, "an astral character changed inside the quote", TE2, sE2, span(TE2, "smile \U0001F601 and the harbour"),
         "one edit, as Python counts it")
    PUA = "\ue000 private use \U0001F600 " + OLD
    sP = sel(PUA, Q)
    TP = "x" + PUA.replace("catch had", "catch has")
    case(cases, "private-use and astral characters together", TP, sP, span(TP, "the catch has doubled"))
    many = " ".join(["ab"] * 80)
    sM = [{"type": "TextQuoteSelector", "exact": "ab", "prefix": "", "suffix": ""}, {"type": "TextPositionSelector", "start": 100, "end": 101}]
    case(cases, "more exact occurrences than are scored", many, sM, (99, 101), "ranked by context, then nearness to the old position")
    case(cases, "empty text", "", s, None)
    case(cases, "a quote longer than the text", "the catch", s, None)
    return cases


def main() -> None:
    cases = anchor_cases()
    describe_cases = [{"text": text, "start": start, "end": end, "expect": describe(text, start, end)}
                      for text, start, end in [(OLD, 0, 10), (OLD, len(OLD) - 5, len(OLD)), (OLD, 200, 230),
                                               (E, 0, 1), (TE, 5, 20)]]
    text_cases = [{"name": name, "html": html, "text": block_text(parse_fragment(html))} for name, html in SNIPPETS.items()]
    out = {"_about": "Shared by tests/test_anchoring.py (Python) and tests/js/anchoring.test.mjs (node): "
           "anchor() must return these offsets (code points) and scores; describe() these selectors; "
           "the text of each HTML snippet (reader/text.py over parse_fragment) is what textPositions() "
           "must derive from its DOM (checked in node and in Chromium). Written by tests/make_anchoring_cases.py.",
           "anchor": cases, "describe": describe_cases, "text": text_cases}
    with open(Path(__file__).parent / "anchoring_cases.json", "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(cases)} anchor cases, {len(describe_cases)} describe cases, {len(text_cases)} text cases")


if __name__ == "__main__":
    main()
