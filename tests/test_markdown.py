"""The Markdown export keeps inline code as written: CommonMark (markdown-it-py) reading our Markdown
back gives each <code> exactly the text the reader showed, spaces included; text outside code still
has its runs of spaces collapsed (the counter-example)."""
from html import escape

import lxml.html
import pytest
from markdown_it import MarkdownIt

from quietpage.transfer.markdown import to_markdown

COMMONMARK = MarkdownIt("commonmark").enable("table")

CODES = [
    "a  =  b",              # runs of spaces (aligned assignments)
    " padded ",             # a space at each end
    "  two leading",        # more than one at the start
    "trailing  ",
    "x`y",                  # a backtick inside
    "`tick at start",
    "ends with tick`",
    "tab\there",
    "SELECT a , b FROM t GROUP  BY a ;",
    "\\*not* _emphasis_ <b>",
]


def codes_of(markdown: str) -> list[str]:
    html = COMMONMARK.render(markdown)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [c.text_content() for c in root.iter("code")]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("where", ["<p>Run {c} now.</p>", "<h2>The {c} call</h2>", "<li>use {c}</li>",
                                   "<p><a href='https://example.org/'>see {c}</a></p>",
                                   "<table><tr><th>x</th></tr><tr><td>{c}</td></tr></table>",
                                   "<p>{c}</p>"])
def test_inline_code_comes_back_exactly(code, where):
    html = where.format(c=f"<code>{escape(code)}</code>")
    if where.startswith("<li>"):
        html = f"<ul>{html}</ul>"
    assert codes_of(to_markdown(html)) == [code]


def test_a_line_break_in_inline_code_becomes_a_space():
    assert codes_of(to_markdown("<p>a <code>one\ntwo</code> b</p>")) == ["one two"]


def test_text_outside_code_has_its_spaces_collapsed():
    md = to_markdown("<p>some   spaced    words <code>a  b</code>   after</p>")
    assert md == "some spaced words `a  b` after\n"


def test_control_characters_of_the_page_are_no_placeholders():
    md = to_markdown("<p>x\x01y <code>p\x01q</code></p><pre>r\x01s</pre>")
    assert "\x01" not in md and "\x00" not in md
