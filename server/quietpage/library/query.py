"""The search box's language, parsed (pure: no index here; fulltext.py and search.py use it).

    harbour boats       every word must match (any case, any accents); the last one may be the
                        start of a word, as you type ("harb" finds "harbour")
    "gun laws"          these words, in this order, next to each other
    -storm  -"a b"      none of these
    tag:fishing  tag:"sea life"    site:nytimes.com  site:nytimes    (-tag:x, -site:x exclude)
    is:favorite  is:archived  is:unread  has:highlights  has:note    (-is:favorite ...)

Nothing is ever a syntax error: a quote left open, an operator it does not know (`foo:bar`), a
lone `-` are read as plain words; an operator with nothing after it (`tag:` as you type) is
skipped. What comes out holds the user's words as text only: turning them into an index query is
fulltext.py's job, which never passes user text as query syntax.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_TERMS = 32  # words and phrases kept (the rest are dropped): a query stays cheap whatever is typed
MIN_PREFIX = 2  # the last word is also a prefix from this many characters on
# is:/has: values -> (flag, value when not negated)
FLAGS = {("is", "favorite"): ("favorite", True), ("is", "favourite"): ("favorite", True),
         ("is", "fav"): ("favorite", True), ("is", "starred"): ("favorite", True),
         ("is", "archived"): ("archived", True), ("is", "unread"): ("archived", False),
         ("has", "highlights"): ("highlights", True), ("has", "highlight"): ("highlights", True),
         ("has", "note"): ("note", True), ("has", "notes"): ("note", True)}
OPERATORS = ("tag", "site", "is", "has")


@dataclass(frozen=True)
class Term:
    text: str             # what the user wrote (inside the quotes for a phrase)
    phrase: bool = False  # "quoted": its words in this order, next to each other
    prefix: bool = False  # the last word typed: words that start with it match too


@dataclass(frozen=True)
class Search:
    terms: tuple[Term, ...] = ()     # every one must match
    excluded: tuple[Term, ...] = ()  # none may match
    tags: tuple[str, ...] = ()       # tag: values, as typed
    not_tags: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    not_sites: tuple[str, ...] = ()
    flags: dict = field(default_factory=dict)  # favorite / archived / highlights / note -> bool

    @property
    def empty(self) -> bool:
        return not (self.terms or self.excluded or self.tags or self.not_tags or self.sites or self.not_sites
                    or self.flags)


def clean(q: str) -> str:
    """The query without what no index can take: NUL and other control characters, lone surrogates."""
    return "".join(" " if ch < " " or "\ud800" <= ch <= "\udfff" else ch for ch in q)


def _pieces(q: str):
    """(negated, operator or None, text, quoted) for each piece of the query, left to right."""
    i, n = 0, len(q)
    while i < n:
        if q[i].isspace():
            i += 1
            continue
        negated = q[i] == "-" and i + 1 < n and not q[i + 1].isspace()
        if negated:
            i += 1
        op = None
        colon = q.find(":", i)
        head = q[i:colon].lower() if colon > 0 else ""
        if head in OPERATORS and not any(ch.isspace() or ch == '"' for ch in q[i:colon]):
            op, i = head, colon + 1
        if i < n and q[i] == '"':
            close = q.find('"', i + 1)
            if close > 0:
                yield negated, op, q[i + 1:close], True
                i = close + 1
                continue
            i += 1  # a quote left open: what follows is plain words
            if op is not None:
                continue
        end = i
        while end < n and not q[end].isspace() and q[end] != '"':
            end += 1
        yield negated, op, q[i:end], False
        i = end


def parse(q: str | None) -> Search:
    """The query as a Search; an empty Search when there is nothing to look for."""
    terms: list[Term] = []
    excluded: list[Term] = []
    lists: dict[str, list[str]] = {"tags": [], "not_tags": [], "sites": [], "not_sites": []}
    flags: dict[str, bool] = {}
    typing = None  # the last piece, when it is a plain word: it may be a word being typed
    for negated, op, text, quoted in _pieces(clean(q or "")):
        text = text.strip()
        typing = None
        if op is not None:
            if not text:
                continue  # `tag:` being typed
            if op in ("tag", "site"):
                lists[("not_" if negated else "") + op + "s"].append(text)
                continue
            flag = FLAGS.get((op, text.lower()))
            if flag is not None:
                flags[flag[0]] = flag[1] != negated
                continue
            text, quoted = f"{op}:{text}", False  # an is:/has: it does not know: plain words
        if not text:
            continue
        term = Term(text, phrase=quoted)
        target = excluded if negated else terms
        if term not in target and len(terms) + len(excluded) < MAX_TERMS:
            target.append(term)
            typing = term if target is terms and not quoted else None
    if typing is not None and typing is terms[-1] and len(typing.text) >= MIN_PREFIX:
        terms[-1] = Term(typing.text, prefix=True)
    return Search(tuple(terms), tuple(excluded), *(tuple(lists[k]) for k in ("tags", "not_tags", "sites", "not_sites")),
                  flags)
