"""Search: each form of the query language, ranking, why a hit matched, and the full-text index as
a cache of the records - rebuilt when deleted or damaged, caught up after a crash between a record
write and its index update, never a reason to refuse a write. Real files in a temp dir."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import orjson
import pytest

from quietpage.library import Library, ListQuery, indexing, instep
from quietpage.library.documents import entry
from quietpage.library.fulltext import DIR_PREFIX, FORMAT, Entry, FullText
from quietpage.library.query import parse
from quietpage.library.snippets import Marker
from quietpage.settings import Settings
from quietpage.store import Store, pack_bodies
from quietpage.store.snapshot import write_snapshot

from conftest import ROOT

TEXTS = {
    "harbour": ("The harbour at dawn", "The fishing boats rocked against the old stone quay. Gun laws were "
                "not discussed; the catch of mackerel had doubled and prices had halved.", ["Fishing", "Sea life"]),
    "council": ("Le projet approuvé par le conseil", "Le conseil municipal a approuvé le nouveau projet d'école "
                "après un long débat sur le budget de la ville.", ["Politique"]),
    "laws": ("Why gun laws change slowly", "Lawmakers argue about gun laws every year, and every year the "
             "debate ends where it began: in committee.", ["Politics"]),
    "tokyo": ("東京都の新しい計画", "東京都は新しい計画を発表しました。市民の生活を改善することが目的です。", []),
    "strasse": ("Die Straße am Hafen", "Die Straße führt zum Hafen, wo die Fischer ihre Netze flicken.", []),
}


def add(library: Library, key: str, *, url: str | None = None, created: str = "2026-01-01T00:00:00.000Z", **fields):
    title, text, tags = TEXTS[key]
    record = {"url": url or f"https://{key}.example.com/story", "url_key": url or f"https://{key}.example.com/story",
              "title": title, "byline": None, "site_name": None, "tags": [{"name": t, "source": "user", "score": 1.0}
                                                                        for t in tags],
              "state": "unread", "favorite": False, "deleted_at": None, "created_at": created, **fields}
    return library._insert_article(record, pack_bodies({"content_html": "", "text": text}, "<p></p>"), text)


def note(library: Library, article: dict, quote: str, text: str = "") -> dict:
    return library.add_highlight(article["id"], [{"type": "TextQuoteSelector", "exact": quote}], "yellow", text)


def found(library: Library, q: str, **kw) -> list[str]:
    return [a["id"] for a in library.page(ListQuery(q=q, limit=200, **kw))["items"]]


@pytest.fixture
def library(tmp_path):
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    yield library
    library.close()


@pytest.fixture
def five(library):
    """The five articles, each saved a day after the one before."""
    return {key: add(library, key, created=f"2026-01-0{n + 1}T00:00:00.000Z") for n, key in enumerate(TEXTS)}


# ------------------------------------------------------------------ the query language
def test_words_must_all_match_in_any_case_and_with_or_without_accents(library, five):
    assert found(library, "mackerel") == [five["harbour"]["id"]]
    assert found(library, "MACKEREL quay") == [five["harbour"]["id"]]
    assert found(library, "mackerel committee") == []  # all words, not any
    assert found(library, "approuve") == found(library, "APPROUVÉ") == found(library, "approuvé") == [five["council"]["id"]]
    assert found(library, "debat budget") == [five["council"]["id"]]
    assert found(library, "strasse") == found(library, "Straße") == [five["strasse"]["id"]]


def test_the_last_word_may_be_unfinished_the_others_are_whole_words(library, five):
    assert found(library, "mack") == [five["harbour"]["id"]]  # as you type
    assert found(library, "mack boats") == []  # only the last word is a prefix
    assert found(library, "catch mack") == [five["harbour"]["id"]]
    assert found(library, '"mack"') == []  # a phrase is whole words


def test_a_phrase_needs_its_words_together_and_in_order(library, five):
    assert set(found(library, "gun laws")) == {five["harbour"]["id"], five["laws"]["id"]}
    assert found(library, '"gun laws every"') == [five["laws"]["id"]]
    assert found(library, '"laws gun"') == []
    assert found(library, '"stone quay"') == [five["harbour"]["id"]]


def test_a_minus_leaves_out_words_and_phrases(library, five):
    assert found(library, "gun -mackerel") == [five["laws"]["id"]]
    assert found(library, 'gun -"every year"') == [five["harbour"]["id"]]
    assert five["harbour"]["id"] not in found(library, "-mackerel")
    assert len(found(library, "-mackerel")) == 4  # only exclusions: everything else


def test_operators_filter_by_tag_site_state_favourite_highlights_and_notes(library, five):
    library.patch(five["laws"]["id"], {"favorite": True})
    library.patch(five["council"]["id"], {"state": "archived"})
    note(library, five["harbour"], "old stone quay", "ask the harbour master")
    note(library, five["tokyo"], "新しい計画")
    assert found(library, "tag:fishing") == found(library, 'tag:"sea life"') == [five["harbour"]["id"]]
    assert found(library, "tag:FISHING -tag:politics gun") == [five["harbour"]["id"]]
    assert found(library, "site:laws.example.com") == found(library, "site:example.com gun -mackerel") == [five["laws"]["id"]]
    assert found(library, "site:https://www.laws.example.com/x") == [five["laws"]["id"]]
    assert found(library, "is:favorite") == [five["laws"]["id"]]
    assert five["laws"]["id"] not in found(library, "-is:favorite")
    assert found(library, "is:archived", state="unread") == [five["council"]["id"]]  # the query's state wins
    assert five["council"]["id"] not in found(library, "is:unread")
    assert set(found(library, "has:highlights")) == {five["harbour"]["id"], five["tokyo"]["id"]}
    assert found(library, "has:note") == [five["harbour"]["id"]]
    assert found(library, "master") == [five["harbour"]["id"]]  # a note's words find its article


def test_bad_syntax_falls_back_to_plain_words(library, five):
    assert found(library, '"stone quay') == [five["harbour"]["id"]]  # a quote left open
    assert found(library, "color:blue") == []  # an operator it does not know: the words color, blue
    assert found(library, "tag: mackerel") == [five["harbour"]["id"]]  # an empty operator is skipped
    assert found(library, "- mackerel") == [five["harbour"]["id"]]
    assert parse("is:weird").terms[0].text == "is:weird"


def test_cjk_text_is_found_by_any_run_of_its_characters(library, five):
    assert found(library, "東京") == found(library, "計画") == found(library, "市民の生活") == [five["tokyo"]["id"]]
    assert found(library, "計東") == []  # the characters, but not together


# ------------------------------------------------------------------ ranking, counts, why
def test_title_and_tags_rank_above_the_text_and_recent_first_among_equals(library):
    body = add(library, "laws", url="https://a.example/1", title="A report", created="2026-01-09T00:00:00.000Z")
    titled = add(library, "laws", url="https://a.example/2", created="2026-01-01T00:00:00.000Z")
    old = add(library, "harbour", url="https://a.example/3", title="Gun", created="2026-01-02T00:00:00.000Z")
    new = add(library, "harbour", url="https://a.example/4", title="Gun", created="2026-01-03T00:00:00.000Z")
    assert found(library, "gun laws") == [titled["id"], new["id"], old["id"], body["id"]]
    assert library.page(ListQuery(q="gun"))["items"][0]["id"] in (new["id"], titled["id"])
    by_date = [a["id"] for a in library.page(ListQuery(q="gun laws", sort="saved"))["items"]]
    assert by_date == [body["id"], new["id"], old["id"], titled["id"]]
    assert [a["id"] for a in library.page(ListQuery(q="gun laws", sort="saved", descending=False))["items"]] == by_date[::-1]


def test_counts_count_what_the_search_finds_and_pages_follow_the_cursor(library, five):
    library.patch(five["laws"]["id"], {"state": "archived", "favorite": True})
    page = library.page(ListQuery(q="gun", state="unread"))
    assert [a["id"] for a in page["items"]] == [five["harbour"]["id"]] and page["total"] == 1
    assert page["counts"] == {"all": 2, "unread": 1, "archived": 1, "favorites": 1, "highlighted": 0,
                              "trash": 0}  # the trash: its size (the link to it), not searched
    seen, cursor = [], None
    while True:
        page = library.page(ListQuery(q="-zebra", limit=2, cursor=cursor))
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(a["id"] for a in five.values())


def test_pages_of_many_equal_scores_go_newest_first_across_every_page(library):
    """Hits scored alike (the same words in the same places) stand newest first, however far the
    tie runs past a page: 60 with the word in the title, then 200 with it only in the text."""
    def one(n: int, title: str) -> str:
        text = "The mackerel were late this year."
        record = {"url": f"https://tie{n}.example/", "url_key": f"https://tie{n}.example/", "title": title,
                  "state": "unread", "created_at": f"2026-01-01T{n // 60:02d}:{n % 60:02d}:00.000Z",
                  "deleted_at": None, "tags": []}
        return library._insert_article(record, pack_bodies({"content_html": "", "text": text}, ""), text)["id"]

    in_title = [one(n, "Mackerel") for n in range(0, 120, 2)]
    in_text = [one(n, "Boats") for n in [*range(1, 120, 2), *range(120, 260)]]
    for q in ("mackerel", "macker"):
        pages, cursor = [], None
        while True:
            page = library.page(ListQuery(q=q, limit=50, cursor=cursor))
            pages.append([a["id"] for a in page["items"]])
            if not (cursor := page["next_cursor"]):
                break
        assert [len(p) for p in pages] == [50] * 5 + [10]
        assert sum(pages, []) == in_title[::-1] + sorted(in_text, key=in_text.index, reverse=True), q


def test_each_hit_says_where_it_matched_with_a_plain_text_passage(library, five):
    note(library, five["laws"], "debate ends where it began", "Compare with <b>the</b> harbour piece")
    (hit,) = library.page(ListQuery(q="harbour piece"))["items"]
    assert hit["matched_in"] == ["note"]
    assert hit["snippet"]["in"] == "note" and hit["snippet"]["text"] == "Compare with <b>the</b> harbour piece"
    (hit,) = library.page(ListQuery(q="approuve"))["items"]
    assert "title" in hit["matched_in"] and "text" in hit["matched_in"]
    text, marks = hit["snippet"]["text"], hit["snippet"]["marks"]
    assert [text[a:b] for a, b in marks] == ["approuvé"]
    (hit,) = library.page(ListQuery(q='"ends where"'))["items"]
    assert hit["matched_in"] == ["text", "highlight"] and hit["snippet"]["in"] == "highlight"
    assert [hit["snippet"]["text"][a:b] for a, b in hit["snippet"]["marks"]] == ["ends where"]
    assert "snippet" not in library.page(ListQuery())["items"][0]  # not a search: nothing to explain


def test_a_long_text_gives_a_short_passage_around_the_words(library):
    long_text = " ".join(["Filler words about nothing in particular."] * 200 + ["The lighthouse keeper waved."]
                         + ["More filler after it."] * 100)
    record = {"url": "https://long.example/", "url_key": "https://long.example/", "title": "Long", "state": "unread",
              "created_at": "2026-01-01T00:00:00.000Z", "deleted_at": None, "tags": []}
    library._insert_article(record, pack_bodies({"content_html": "", "text": long_text}, ""), long_text)
    (hit,) = library.page(ListQuery(q="lighthouse keeper"))["items"]
    snippet = hit["snippet"]
    assert len(snippet["text"]) <= 202 and snippet["text"].startswith("…") and snippet["text"].endswith("…")
    assert [snippet["text"][a:b] for a, b in snippet["marks"]] == ["lighthouse", "keeper"]


def test_the_quick_way_of_marking_words_marks_what_the_pattern_marks(library, five, monkeypatch):
    """Snippets find plain words with str.find (accented letters made plain first, a long text
    looked through from its start): the same passages and marks as the patterns that follow the
    index's folding everywhere."""
    filler = "Une phrase sans rapport avec le reste, répétée pour allonger le texte. "
    for n, text in enumerate([filler * 80 + "Le CONSEIL a enfin approuvé l'école; le conseil municipal approuve.",
                              "Le conseil a approuvé l'école. " + filler * 80 + "Approuvé, encore: le conseil.",
                              filler * 20 + "Le conseil municipal approuve l'école. " + filler * 60,
                              filler * 9 + "Le conseil approuve. " + filler * 30 + "Approuvée, l'école: le conseil.",
                              "Ælfred's œuvre: the Straße of the conseil, approuvé. " + filler * 60]):
        record = {"url": f"https://long{n}.example/", "url_key": f"https://long{n}.example/", "title": f"Long {n}",
                  "state": "unread", "created_at": "2026-01-01T00:00:00.000Z", "deleted_at": None, "tags": []}
        library._insert_article(record, pack_bodies({"content_html": "", "text": text}, ""), text)
    note(library, five["council"], "nouveau projet", "À revoir: l'ÉCOLE approuvée?")
    queries = ["approuve", "conseil approuve", '"conseil municipal"', "appr", "ecole", "strasse", "oeuvre",
               "rapport conseil", "LE", "école revoir", '"le conseil a"', "approuvée", "long"]

    def pages():
        return [[(a["id"], a["snippet"], a["matched_in"]) for a in library.page(ListQuery(q=q, limit=50))["items"]]
                for q in queries]

    quick = pages()
    found = Marker._found
    monkeypatch.setattr(Marker, "_found", lambda self, text, folds, limit=None, most=None: found(self, text, None))
    assert pages() == quick
    assert all(quick) and all(hit[1] for page in quick[:-1] for hit in page)


def test_words_of_plain_letters_are_marked_without_compiling_the_pattern(library, five):
    """The pattern's classes of letters take tens of ms to compile - at each letter typed - so it is
    made only where str.find cannot do: not for plain words in texts without letters folded to
    several (ß -> ss); for those, and for other scripts, it is."""
    terms = lambda q: [(t, True) for t in [[w] for w in q.split()]]  # noqa: E731
    fields = {"title": ["The harbour at dawn"], "body": ["Fishing boats in the harbour, approuvé."], "letters": ["é"]}
    plain = Marker(terms("harbour approuve"), library.fulltext.analyzer.analyze)
    snippet, matched = plain.explain(fields)
    assert matched == ["title", "text"] and [snippet["text"][a:b] for a, b in snippet["marks"]] == ["harbour", "approuvé"]
    assert plain._rx is None
    folded = Marker(terms("strasse"), library.fulltext.analyzer.analyze)
    snippet, _ = folded.explain({"body": ["Die Straße am Hafen"], "letters": ["ß"]})
    assert folded._rx is not None and [snippet["text"][a:b] for a, b in snippet["marks"]] == ["Straße"]
    cjk = Marker(terms("東"), library.fulltext.analyzer.analyze)
    assert cjk.explain({"body": ["東京都"], "letters": ["東京都"]})[1] == ["text"] and cjk._rx is not None


# ------------------------------------------------------------------ the index as a cache
def index_dir(data_dir):
    return data_dir / f"{DIR_PREFIX}{FORMAT}"


def test_a_deleted_index_is_built_again_from_the_records(tmp_path):
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    harbour = add(library, "harbour")
    library.close()
    shutil.rmtree(index_dir(tmp_path))
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    assert found(library, "mackerel") == [harbour["id"]]
    library.close()


@pytest.mark.parametrize("damage", ["garbage meta.json", "empty meta.json", "segment files garbled",
                                    "segment files truncated", "an old format's folder"])
def test_a_damaged_index_is_built_again_from_the_records(tmp_path, damage):
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    harbour = add(library, "harbour")
    laws = add(library, "laws")
    library.close()
    folder = index_dir(tmp_path)
    segments = [p for p in folder.iterdir() if p.suffix in (".idx", ".term", ".store", ".pos", ".fast")]
    if damage == "garbage meta.json":
        (folder / "meta.json").write_bytes(os.urandom(300))
    elif damage == "empty meta.json":
        (folder / "meta.json").write_bytes(b"")
    elif damage == "segment files garbled":
        for p in segments:
            p.write_bytes(os.urandom(p.stat().st_size))
    elif damage == "segment files truncated":
        for p in segments:
            p.write_bytes(p.read_bytes()[:7])
    else:
        shutil.move(folder, tmp_path / f"{DIR_PREFIX}{FORMAT - 1 if FORMAT > 1 else 0}")
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    first = library.page(ListQuery(q="gun"))  # may find nothing while the damage is found out: never raises
    assert first["items"] == [] or [a["id"] for a in first["items"]] == [laws["id"], harbour["id"]]
    library.wait_for_index(30)
    assert found(library, "gun") == [laws["id"], harbour["id"]]
    assert found(library, "mackerel") == [harbour["id"]]
    library.close()
    assert [p.name for p in tmp_path.glob(f"{DIR_PREFIX}*")] == [folder.name]


def test_the_index_catches_up_with_records_written_without_it(tmp_path):
    """A crash between a record write and its index update: the record is on disk, the index does
    not have it. Here the records change behind the library's back; the next start catches up."""
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    harbour, laws, council = add(library, "harbour"), add(library, "laws"), add(library, "council")
    library.close()
    store = Store(tmp_path)  # the records only, as a crash would leave them
    store.update_article(harbour["id"], {"title": "Lighthouse keepers"})
    store.insert_highlight({"article_id": laws["id"], "note": "walrus", "color": "yellow", "status": "anchored",
                            "selectors": [{"type": "TextQuoteSelector", "exact": "in committee"}],
                            "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z"})
    store.purge_article(council["id"])
    tokyo = store.insert_article({"url": "https://t.example/", "url_key": "https://t.example/", "title": "東京",
                                  "state": "unread", "created_at": "2026-01-02T00:00:00.000Z", "deleted_at": None},
                                 pack_bodies({"content_html": "", "text": "東京都の計画"}, ""))
    store.close()
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    assert found(library, "lighthouse") == [harbour["id"]] and found(library, "dawn") == []
    assert found(library, "walrus") == [laws["id"]]
    assert found(library, "approuve") == []
    assert found(library, "計画") == [tokyo["id"]]
    library.close()


CRASH = textwrap.dedent("""
    import os, signal, sys, time
    from pathlib import Path
    from quietpage.library import Library, read_page
    from quietpage.library.fulltext import FullText
    from quietpage.settings import Settings
    FullText._apply = lambda self, batch: time.sleep(3600)  # the index never gets this far
    data = Path(sys.argv[1])
    library = Library.open(data, Settings(data_dir=data))
    html = "<html><body><article><h1>Storm over the quay</h1><p>" + "The albatross circled the mast. " * 20 + "</p></article></body></html>"
    saved, _, _ = library.save("https://storm.example/", read_page(html, "https://storm.example/", max_depth=1000))
    library.store.flush()
    print(saved["id"], flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.parametrize("before", ["a first start", "a clean close"])
def test_a_crash_before_the_index_update_is_caught_up_at_the_next_start(tmp_path, before):
    if before == "a clean close":  # its note of the index in step is taken by the start that crashes
        library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
        add(library, "harbour")
        library.close()
        assert (index_dir(tmp_path) / instep.NAME).is_file()
    out = subprocess.run([sys.executable, "-c", CRASH, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == -signal.SIGKILL, out.stderr
    article_id = out.stdout.strip()
    assert not (index_dir(tmp_path) / instep.NAME).exists()
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    assert found(library, "albatross") == [article_id]
    library.close()


def counting_fingerprints(monkeypatch) -> list:
    calls = []
    real = indexing.fingerprint
    monkeypatch.setattr(indexing, "fingerprint", lambda *a: calls.append(a) or real(*a))
    return calls


def test_after_a_clean_close_the_next_start_trusts_the_index_and_follows_the_records(tmp_path, monkeypatch):
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    harbour, laws = add(library, "harbour"), add(library, "laws")
    note(library, laws, "in committee", "walrus")
    library.close()
    calls = counting_fingerprints(monkeypatch)
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    assert calls == [] and not (index_dir(tmp_path) / instep.NAME).exists()  # taken: a crash now leaves none
    assert found(library, "walrus") == [laws["id"]] and found(library, "mackerel") == [harbour["id"]]
    library.patch(harbour["id"], {"favorite": True})
    seq = library.fulltext._queue.seq
    library.patch(laws["id"], {"progress": 0.5})  # nothing the index holds: not handed to it
    assert library.fulltext._queue.seq == seq
    library.wait_for_index(30)
    assert found(library, "is:favorite") == [harbour["id"]]
    library.close()
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    assert found(library, "is:favorite") == [harbour["id"]] and library.index_status()["pending"] == 0
    library.close()


@pytest.mark.parametrize("since", ["the index was written", "fingerprints are made another way"])
def test_a_note_of_a_clean_close_that_no_longer_holds_is_not_trusted(tmp_path, monkeypatch, since):
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    harbour, laws = add(library, "harbour"), add(library, "laws")
    old = {**library.store.get_article(harbour["id"]), "title": "Old news"}
    library.close()
    if since == "the index was written":  # (by hand, or by a copy of the index from another day)
        fulltext = FullText(tmp_path)  # harbour's entry as it was before a change to its title
        fulltext.put(entry(harbour["id"], old, [], 1, tmp_path, fulltext.analyzer.analyze, text="old text"))
        assert fulltext.close()
    else:
        monkeypatch.setattr(indexing, "INDEXED", (*indexing.INDEXED, "excerpt"))
    calls = counting_fingerprints(monkeypatch)
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    assert len(calls) == 2
    library.wait_for_index(30)
    assert found(library, "mackerel") == [harbour["id"]] and found(library, "committee") == [laws["id"]]
    assert found(library, "news") == []
    library.close()


def test_no_note_is_left_while_an_article_could_not_be_indexed(tmp_path, monkeypatch):
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    add(library, "harbour")
    monkeypatch.setattr(indexing, "entry", lambda *a, **kw: 1 / 0)
    laws = add(library, "laws")  # saved; its index entry failed and waits to be tried again
    library.close()
    assert not (index_dir(tmp_path) / instep.NAME).exists()
    monkeypatch.undo()
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    assert found(library, "committee") == [laws["id"]]
    library.close()


def test_an_index_that_fails_never_refuses_a_write_and_is_built_again(library, five, monkeypatch):
    def broken(self):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(Entry, "document", broken)
        library.patch(five["harbour"]["id"], {"title": "Kelp forests"})  # the write stands
        note(library, five["laws"], "in committee", "walrus")
        library.fulltext.wait(5)
    assert library.fulltext.broken
    assert library.get(five["harbour"]["id"])["title"] == "Kelp forests"
    library.page(ListQuery(q="kelp"))  # sees the failure: builds the index again
    library.wait_for_index(30)
    assert found(library, "kelp") == [five["harbour"]["id"]]
    assert found(library, "walrus") == [five["laws"]["id"]]


@pytest.mark.parametrize("damage", ["gone", "truncated", "garbled", "not json"])
def test_an_article_whose_saved_text_is_damaged_is_still_found_by_the_rest(tmp_path, damage):
    """A body file gone or damaged (the store says so elsewhere): the index holds the article's
    title, tags and notes without its text, and stays whole - no rebuild loop."""
    import gzip
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    harbour, laws = add(library, "harbour"), add(library, "laws")
    library.close()
    (body,) = (tmp_path / "articles" / harbour["id"]).glob("*.reader.json.gz")
    data = body.read_bytes()
    if damage == "gone":
        body.unlink()
    elif damage == "truncated":
        body.write_bytes(data[:len(data) // 2])
    elif damage == "garbled":
        body.write_bytes(data[:10] + bytes(b ^ 0x5A for b in data[10:]))
    else:
        body.write_bytes(gzip.compress(b"{not json"))
    shutil.rmtree(index_dir(tmp_path))  # built again: every article's text read from its file
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    library.wait_for_index(30)
    assert found(library, "harbour dawn") == [harbour["id"]]
    assert found(library, "mackerel") == []
    assert found(library, "committee") == [laws["id"]]
    assert not library.fulltext.broken
    library.close()


def test_a_search_never_fails_on_a_damaged_index(library, five, monkeypatch):
    def damaged(self):
        raise ValueError("Failed to open file for read: 'deadbeef.idx'")

    with monkeypatch.context() as m:
        m.setattr(FullText, "searcher", damaged)
        page = library.page(ListQuery(q="mackerel"))
    assert page["items"] == [] and page["total"] == 0 and "indexing" in page
    library.wait_for_index(30)
    assert found(library, "mackerel") == [five["harbour"]["id"]]


def test_schema_2_databases_lose_their_search_words_table(tmp_path):
    store = Store(tmp_path / "build")
    rec = store.insert_article({"url_key": "k", "title": "Harbour", "created_at": "2026-01-01T00:00:00.000Z"},
                               pack_bodies({"content_html": "", "text": "Mackerel and crab"}, "<p>raw</p>"))
    record = store.get_article(rec["id"])
    store.close()
    shutil.copytree(tmp_path / "build" / "articles", tmp_path / "old" / "articles")
    write_snapshot(tmp_path / "old" / "quietpage.json",
                   {"articles": {rec["id"]: {k: v for k, v in record.items() if k != "id"}}, "highlights": {},
                    "sessions": {}, "used_logins": {}, "search_text": {rec["id"]: {"w": "mackerel and crab"}}},
                   schema=2, generation=0)
    library = Library(Store(tmp_path / "old"), Settings(data_dir=tmp_path / "old"))
    assert "search_text" not in library.store.storage.read()
    assert found(library, "crab") == [rec["id"]]
    library.close()


def test_reindex_builds_the_index_again_with_the_server_stopped(tmp_path):
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    harbour = add(library, "harbour")
    library.close()
    run = [sys.executable, "-m", "quietpage", "reindex", "--data-dir", str(tmp_path)]
    out = subprocess.run(run, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "Indexed 1 article(s)" in out.stdout
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    assert found(library, "quay") == [harbour["id"]]
    held = subprocess.run(run, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert held.returncode == 1 and "server is running" in held.stderr  # the store's lock: one writer
    library.close()


# ------------------------------------------------------------------ the API
HOSTILE = ['title:foo OR 1=1', 'NEAR(a b, 3)', '"', '"""', '*', 'a*', '^foo', 'foo AND NOT bar', '(((', ')',
           "\\", "'; DROP TABLE articles; --", "{title}: x", "tag:", "site:", "is:", "-", "--", "- -", "!!!", "...",
           "¯\\_(ツ)_/¯", "\u0000\u0001x", "%00", "🙂🙂", "a" * 500, "a " * 250, " ".join(["harbour"] * 62),
           "x" * 65 + " mackerel", "tag:" + "t" * 400, 'site:"' + "." * 300, "is:favorite " * 40,
           "ǅ̸̡̛͚̘͎̾͌", "\u202egun", "\ufeff\u200bmackerel"]


async def test_hostile_queries_get_results_or_an_empty_list_never_an_error(client):
    from conftest import LOREM, page_html, save

    await save(client, "https://example.com/harbour", page_html("A quiet harbour story", LOREM))
    for q in HOSTILE:
        resp = await client.get("/api/articles", params={"q": q, "state": "all"})
        assert resp.status == 200, (q, await resp.text())
        body = await resp.json()
        assert isinstance(body["items"], list) and body["total"] == len(body["items"]), q
        for item in body["items"]:
            snippet = item.get("snippet")
            assert snippet is None or set(snippet) == {"text", "marks", "in"}, q
    resp = await client.get("/api/articles", params={"q": "a" * 501})
    assert resp.status == 422 and (await resp.json())["error"]["code"] == "too_long"


async def test_the_api_ranks_by_default_and_adds_snippet_and_matched_in(client):
    from conftest import page_html, save

    body_only = await save(client, "https://example.com/a", page_html("A walk", [
        "We talked about the lighthouse for an hour while the tide came in over the flats."] * 3))
    titled = await save(client, "https://example.com/b", page_html("The lighthouse", [
        "A short piece about the coast, the rocks and the gulls that nest above the bay."] * 3))
    listing = await (await client.get("/api/articles?q=lighthouse")).json()
    assert [a["id"] for a in listing["items"]] == [titled["id"], body_only["id"]]  # relevance, not newest
    hit = listing["items"][1]
    assert hit["matched_in"] == ["text"] and hit["snippet"]["in"] == "text"
    assert [hit["snippet"]["text"][a:b] for a, b in hit["snippet"]["marks"]][0] == "lighthouse"
    newest = await (await client.get("/api/articles?q=lighthouse&sort=saved")).json()
    assert [a["id"] for a in newest["items"]] == [titled["id"], body_only["id"]]
    oldest = await (await client.get("/api/articles?q=lighthouse&sort=saved&order=asc")).json()
    assert [a["id"] for a in oldest["items"]] == [body_only["id"], titled["id"]]
    plain = await (await client.get("/api/articles")).json()
    assert "snippet" not in plain["items"][0] and [a["id"] for a in plain["items"]] == [titled["id"], body_only["id"]]
    spec = await (await client.get("/api/openapi.json")).json()
    params = {p["name"]: p for p in spec["paths"]["/api/articles"]["get"]["parameters"]}
    assert "relevance" in params["sort"]["schema"]["enum"] and "q" in params
    assert orjson.dumps(listing).count(b"<") == 0  # plain text: no markup anywhere


def test_a_library_whose_index_cannot_be_made_still_opens_saves_and_answers(tmp_path):
    """A full or read-only disk where the index goes: the library works without search, and builds
    the index once it can."""
    (tmp_path / f"{DIR_PREFIX}{FORMAT}").write_text("not a folder")  # no index can be made there
    library = Library(Store(tmp_path), Settings(data_dir=tmp_path))
    harbour = add(library, "harbour")  # the write stands
    assert library.get(harbour["id"])["title"] == "The harbour at dawn"
    page = library.page(ListQuery(q="mackerel"))
    assert page["items"] == [] and "indexing" in page
    (tmp_path / f"{DIR_PREFIX}{FORMAT}").unlink()  # room again
    library._retry_at = 0.0
    library.page(ListQuery(q="mackerel"))
    library.wait_for_index(30)
    assert found(library, "mackerel") == [harbour["id"]]
    library.close()
