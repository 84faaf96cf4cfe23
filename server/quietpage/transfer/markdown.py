"""HTML -> Markdown (CommonMark + GFM tables and strikethrough), for the reader view we store.

Pure and small on purpose: the input is our sanitised reader HTML (sanitize.ALLOWED_TAGS), not
arbitrary pages, so each allowed element has one rule below and anything else keeps its text.
Blocks are rendered to lists of lines, so nesting (lists in lists, quotes in lists) is just
indenting or prefixing those lines.
"""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCKS = frozenset("address article aside blockquote dd details div dl dt figcaption figure footer header "
                   "hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
                   + list(HEADINGS))
EMPHASIS = {"em": "*", "i": "*", "cite": "*", "dfn": "*", "var": "*", "strong": "**", "b": "**",
            "del": "~~", "s": "~~"}
CODE = frozenset({"code", "kbd", "samp"})
HTML_INLINE = frozenset({"sup", "sub"})  # kept as HTML: Markdown has no syntax for them
_SPACE = re.compile(r"\s+")
_ESCAPE = re.compile(r"([\\`*\[\]<>])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+)([.)]?)(?=\s|$)")
_MARKER = re.compile(r"^(?:- |\d+\. )")
_BR = "\x00"  # a hard line break inside inline text, until lines are made
_CODE_SPACE = "\x01"  # a space inside inline code: kept when the spaces between pieces are collapsed
_PLACEHOLDERS = re.compile("[\x00\x01]")
LINK_SCHEMES = ("http://", "https://", "mailto:")
IMAGE_SCHEMES = ("http://", "https://", "data:image/", "assets/")  # assets/: archived images beside the notes
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^\s<>\x00-\x1f]*>", re.I)
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f<>()\"'\\`]")


def to_markdown(html: str) -> str:
    """The Markdown of an HTML fragment; '' for empty input."""
    if not html or not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    lines = _blocks(root)
    return "\n".join(lines).strip("\n").replace(_CODE_SPACE, " ") + "\n" if lines else ""


# ---------------------------------------------------------------------- blocks
def _blocks(el) -> list[str]:
    """The lines of a container's children: blocks separated by one blank line."""
    out: list[list[str]] = []
    run: list = [el.text or ""]  # inline content waiting to become a paragraph

    def flush():
        text = _clean_inline("".join(_inline_part(p) for p in run))
        if text:
            out.append(_paragraph_lines(text))
        run.clear()

    for child in el:
        if not isinstance(child.tag, str):  # comments, processing instructions
            run.append(child.tail or "")
            continue
        if child.tag in BLOCKS:
            flush()
            lines = _block(child)
            if lines:
                out.append(lines)
            run.append(child.tail or "")
        else:
            run.append(child)
    flush()
    lines: list[str] = []
    for block in out:
        if lines:
            lines.append("")
        lines.extend(block)
    return lines


def _inline_part(part) -> str:
    if isinstance(part, str):
        return _text(part)
    return _inline(part) + _text(part.tail or "")


def _block(el) -> list[str]:
    tag = el.tag
    if tag in HEADINGS:
        text = _clean_inline(_inline_children(el)).replace(_BR, " ")
        return [f"{'#' * HEADINGS[tag]} {text}"] if text else []
    if tag in ("ul", "ol"):
        return _list(el)
    if tag == "blockquote":
        return [f"> {line}" if line else ">" for line in _blocks(el)]
    if tag == "pre":
        return _fence(el.text_content())
    if tag == "table":
        return _table(el)
    if tag == "hr":
        return ["---"]
    if tag in ("dt", "summary"):
        text = _clean_inline(_inline_children(el))
        return _paragraph_lines(f"**{text}**") if text else []
    if tag == "figcaption":
        text = _clean_inline(_inline_children(el))
        return _paragraph_lines(f"*{text}*") if text else []
    return _blocks(el)  # p, div, section, figure, li outside a list, dd, ...


def _paragraph_lines(text: str) -> list[str]:
    lines = text.split(_BR)
    out = []
    for i, line in enumerate(lines):
        line = line.strip()
        out.append(_LINE_START.sub(_escape_start, line) + ("\\" if i < len(lines) - 1 else ""))
    while out and out[-1] in ("", "\\"):
        out.pop()
    return out


def _escape_start(m: re.Match) -> str:
    """A paragraph line that would read as a heading, quote, or list item: escape its marker."""
    if m[2].isdigit():
        return m[1] + m[2] + ("\\" + m[3] if m[3] else "")
    return m[1] + "\\" + m[2] + m[3]


def _list(el) -> list[str]:
    ordered = el.tag == "ol"
    try:
        n = int(el.get("start", "1")) if ordered else 1
    except ValueError:
        n = 1
    items = []
    for li in el:
        if not isinstance(li.tag, str):
            continue
        marker = f"{n}. " if ordered else "- "
        n += 1
        body = _blocks(li) if li.tag == "li" else _block(li) if li.tag in BLOCKS else [_clean_inline(_inline(li))]
        body = body or [""]
        if li.tag == "li" and li.find("p") is None:  # "text" then a nested list: no blank between
            body = [line for i, line in enumerate(body)
                    if line or i + 1 >= len(body) or not _MARKER.match(body[i + 1])]
        pad = " " * len(marker)
        items.append([marker + body[0]] + [pad + line if line else "" for line in body[1:]])
    loose = any("" in item for item in items)
    lines: list[str] = []
    for item in items:
        if lines and loose:
            lines.append("")
        lines.extend(item)
    return lines


def _fence(code: str) -> list[str]:
    code = _PLACEHOLDERS.sub("", code)
    longest = max((len(m) for m in re.findall(r"`{3,}", code)), default=2)
    fence = "`" * (longest + 1)
    return [fence, *code.rstrip("\n").split("\n"), fence]


def _table(el) -> list[str]:
    rows = []
    for tr in el.iter("tr"):
        cells = [_clean_inline(_inline_children(c)).replace(_BR, "<br>").replace("|", "\\|")
                 for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if cells:
            rows.append(cells)
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(["---"] * width) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    caption = el.find("caption")
    if caption is not None and caption.text_content().strip():
        lines = [f"*{_clean_inline(_inline_children(caption))}*", ""] + lines
    return lines


# ---------------------------------------------------------------------- inline
def _inline_children(el) -> str:
    return _text(el.text or "") + "".join(_inline_part(c) for c in el)


def _inline(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    if not tag:
        return ""
    if tag == "br":
        return _BR
    if tag == "img":
        src = _url(el.get("src") or "", IMAGE_SCHEMES)
        return f"![{_escape(el.get('alt') or '')}]({src})" if src else ""
    if tag in CODE:
        return _code(el.text_content())
    if tag in BLOCKS:  # a block inside inline content (rare after sanitising): its text
        return " " + _inline_children(el) + " "
    inner = _inline_children(el)
    if tag == "a":
        href = _url(el.get("href") or "", LINK_SCHEMES)
        text = _clean_inline(inner).replace(_BR, " ")
        if not href:
            return inner
        return f"[{text}]({href})" if text else autolink(href)
    if tag in EMPHASIS:
        return _wrap(inner, EMPHASIS[tag])
    if tag in HTML_INLINE:
        return f"<{tag}>{inner.strip()}</{tag}>" if inner.strip() else inner
    if tag == "q":
        return f"“{inner}”"
    return inner


def _wrap(inner: str, mark: str) -> str:
    """*x* with the spaces kept outside the markers (`* x*` would not be emphasis)."""
    core = inner.strip()
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return f"{lead}{mark}{core}{mark}{trail}"


def _code(text: str) -> str:
    """Inline code as written: its runs of spaces and tabs kept (a code span keeps them), only its
    line breaks made spaces (a span cannot hold one)."""
    text = re.sub(r"\r\n?|\n", " ", _PLACEHOLDERS.sub("", text))
    if not text.strip():
        return text
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    # CommonMark takes one space off each end of a span that starts and ends with one: pad both
    # ends when the code starts or ends with a backtick or a space, so that only the pad goes.
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{ticks}{pad}{text}{pad}{ticks}".replace(" ", _CODE_SPACE)


def _url(url: str, schemes: tuple[str, ...]) -> str:
    """A link or image address as a Markdown destination: only these schemes, and every
    character that could end the destination or start markup (spaces, controls, <, >, (, ),
    quotes, backslash, backtick) percent-encoded - a page's URL never becomes raw HTML."""
    url = url.strip()
    if not url.lower().startswith(schemes):
        return ""
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode("utf-8")), url)


def safe_note(text: str) -> str:
    """The user's own Markdown (a highlight's note) as written, except raw HTML: an imported note
    comes from a file, so a '<' that would open a tag is escaped (autolinks to http(s) stay)."""
    return _TAG_OPEN.sub(lambda m: m[0] if _AUTOLINK.match(text, m.start()) else "\\<", text)


def autolink(url: str) -> str:
    """`<url>`, for an http(s) or mailto address only, made safe first (else the text, escaped)."""
    safe = _url(url, LINK_SCHEMES)
    return f"<{safe}>" if safe else _escape(url)


def _text(text: str) -> str:
    return _escape(_SPACE.sub(" ", _PLACEHOLDERS.sub("", text)))


def escape(text: str) -> str:
    """Text that Markdown shows as it is (its syntax characters escaped)."""
    return _escape(text)


def _escape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\\" + m[0], text)


def _clean_inline(text: str) -> str:
    """Collapse the spaces left between inline pieces, and around hard breaks."""
    text = re.sub(r" {2,}", " ", text)
    text = re.sub(rf" *{_BR} *", _BR, text)
    return text.strip(" ").strip(_BR).strip(" ")
