"""A search of the reading list: the query language (query.py) run on the full-text index
(fulltext.py), with the list's filters, its counts, one ranked page and why each article matched.

Every word of the query is looked up as the index folded it (its own analyzer), and only ever
as a term, a phrase or a prefix built from those words - never as query syntax - so nothing
typed can change what the query means. Ranking is BM25 over the fields, title and tags weighted
above the rest; among equal scores the most recently saved comes first. The counts beside the
filters count what the search finds (the list's own filters aside, as they are without a search).
"""
from __future__ import annotations

import tantivy

from ..tags import normalize
from .query import Search
from .snippets import Marker

Q, SHOULD, MUST, NOT = tantivy.Query, tantivy.Occur.Should, tantivy.Occur.Must, tantivy.Occur.MustNot
# BM25 weight of each field; a word that only starts with what was typed scores PREFIX times it.
WEIGHTS = {"title": 8.0, "tags": 5.0, "meta": 2.0, "body": 1.0, "quotes": 1.5, "notes": 1.5}
PREFIX = 0.2
PREFIX_TERMS = 64  # a word being typed matches the words of a field that start with it, the most common first
SHORT_PREFIX, SHORT_PREFIX_FIELDS = 3, ("title", "tags")  # 2 letters: as a start of words only there
# Field of the index that each list order sorts on (listing.SORTS' index orders).
ORDER_FIELDS = {"saved": "saved", "published": "published", "reading": "minutes"}
MOST_HITS = 20_000  # a page never looks further than this into the ranking, ties included
TIES = 100
_REGEX_SPECIAL = frozenset("\\.+*?()|[]{}^$#&-~\"'<>@")


def _regex_literal(token: str) -> str:
    return "".join("\\" + c if c in _REGEX_SPECIAL else c for c in token)


def _in_field(searcher, schema, name: str, tokens: list[str], prefix: bool):
    exact = Q.term_query(schema, name, tokens[0]) if len(tokens) == 1 else Q.phrase_query(schema, name, tokens)
    if not prefix:
        return exact
    if len(tokens) == 1:  # the most common words of this field that start with it
        if len(tokens[0]) < SHORT_PREFIX and name not in SHORT_PREFIX_FIELDS:
            return exact
        started = [t for t, _ in searcher.terms_with_prefix(name, tokens[0], limit=PREFIX_TERMS)]
        loose = Q.term_set_query(schema, name, started) if started else None
    else:
        loose = Q.regex_phrase_query(schema, name, [*map(_regex_literal, tokens[:-1]), _regex_literal(tokens[-1]) + ".*"])
    return exact if loose is None else Q.boolean_query([(SHOULD, exact), (SHOULD, Q.const_score_query(loose, PREFIX))])


def _anywhere(searcher, schema, tokens: list[str], prefix: bool):
    return Q.boolean_query([(SHOULD, Q.boost_query(_in_field(searcher, schema, name, tokens, prefix), w))
                            for name, w in WEIGHTS.items()])


def _filter(query, occur=MUST):
    return occur, Q.const_score_query(query, 0.0)


class Searching:
    """One query, turned into index queries; `empty` when nothing in it can be looked up."""

    def __init__(self, schema, analyze, search: Search):
        self.schema, self.search = schema, search
        self.terms = [(toks, t.prefix and not (len(toks[-1]) == 1 and not toks[-1].isascii()))
                      for t in search.terms if (toks := analyze(t.text))]
        # a word the index cannot hold (longer than a word it keeps): nothing has it
        self.impossible = any(not analyze(t.text) and any(c.isalnum() for c in t.text) for t in search.terms)
        self.excluded = [toks for t in search.excluded if (toks := analyze(t.text))]
        self.sites = [(" ".join(analyze(s)) if " " in s.strip() else _site_key(s)) for s in search.sites]
        self.not_sites = [(" ".join(analyze(s)) if " " in s.strip() else _site_key(s)) for s in search.not_sites]
        self.empty = not (self.terms or self.excluded or search.tags or search.not_tags or self.sites
                          or self.not_sites or search.flags or self.impossible)
        self.marker = Marker(self.terms, analyze)

    def clauses(self, searcher) -> list:
        """The query's own words and operators, the trash left out."""
        s, flags = self.schema, self.search.flags
        out = [(MUST, _anywhere(searcher, s, toks, prefix)) for toks, prefix in self.terms]
        out += [(NOT, _anywhere(searcher, s, toks, False)) for toks in self.excluded]
        out.append(_filter(Q.term_query(s, "trash", True), NOT))
        out += [_filter(Q.term_query(s, "tag", normalize(t))) for t in self.search.tags]
        out += [_filter(Q.term_query(s, "tag", normalize(t)), NOT) for t in self.search.not_tags]
        out += [_filter(Q.term_query(s, "site", x)) for x in self.sites]
        out += [_filter(Q.term_query(s, "site", x), NOT) for x in self.not_sites]
        if "archived" in flags:
            out.append(_filter(Q.term_query(s, "state", "archived"), MUST if flags["archived"] else NOT))
        for flag, name in (("favorite", "fav"), ("highlights", "hl"), ("note", "noted")):
            if flag in flags:
                out.append(_filter(Q.term_query(s, name, True), MUST if flags[flag] else NOT))
        return out

    def list_clauses(self, state: str | None, tag: str | None, favorite: bool, highlighted: bool) -> list:
        """The reading list's filters (its state unless the query names one)."""
        s, out = self.schema, []
        if state is not None and "archived" not in self.search.flags:
            out.append(_filter(Q.term_query(s, "state", state)))
        if tag:
            out.append(_filter(Q.term_query(s, "tag", normalize(tag))))
        if favorite:
            out.append(_filter(Q.term_query(s, "fav", True)))
        if highlighted:
            out.append(_filter(Q.term_query(s, "hl", True)))
        return out

    def query(self, clauses: list):
        if not any(occur == MUST for occur, _ in clauses):
            clauses = [(MUST, Q.all_query()), *clauses]
        return Q.boolean_query(clauses)


def _site_key(value: str) -> str:
    """What `site:` compares: a host without its scheme, path and "www.", in lower case."""
    value = value.strip().lower()
    value = value.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return value.removeprefix("www.").rstrip(".")


def counts(searcher, query) -> dict[str, int]:
    """The filters' counts among the articles the query finds."""
    agg = searcher.aggregate(query, {"state": {"terms": {"field": "state", "size": 10}},
                                     "fav": {"terms": {"field": "fav", "size": 2}},
                                     "hl": {"terms": {"field": "hl", "size": 2}}})

    def buckets(name):
        return {str(b.get("key_as_string", b["key"])): b["doc_count"] for b in agg.get(name, {}).get("buckets", [])}

    states = buckets("state")
    return {"all": sum(states.values()), "unread": states.get("unread", 0), "archived": states.get("archived", 0),
            "favorites": buckets("fav").get("true", 0), "highlighted": buckets("hl").get("true", 0)}


def ranked(searcher, query, wanted: int, order_field: str | None, descending: bool) -> tuple[list, int]:
    """([(sort value, DocAddress)], how many match): the first `wanted` in the index's order, and
    every hit tied with the last of them (hits in the index's order hold each value together), so
    that the caller's exact order can settle the ties."""
    n = wanted + TIES  # room for a tie at the end of the page without asking again
    kwargs = {} if order_field is None else {
        "order_by_field": order_field, "order": tantivy.Order.Desc if descending else tantivy.Order.Asc}
    while True:
        result = searcher.search(query, n + 1, count=True, **kwargs)
        hits = [(round(v, 4) if order_field is None else v, addr) for v, addr in result.hits]
        # every hit tied with the page's last one is here when the one after those fetched differs
        if len(hits) <= n or hits[max(wanted, 1) - 1][0] != hits[n][0] or n >= MOST_HITS:
            return hits[:n], result.count
        # a tie across the end (many hits scored alike: a word being typed): each try ranks them
        # all again, so look much further (or at all of them, when that is not much more)
        n = min(result.count if result.count <= 8 * n else 4 * n, MOST_HITS)


def explain(searcher, searching: Searching, addrs: list) -> list[tuple[dict | None, list[str]]]:
    """(snippet, matched_in) of each hit, read from the index's stored fields."""
    out = []
    for addr in addrs:
        fields = searcher.doc(addr).to_dict()
        out.append(searching.marker.explain(fields))
    return out
