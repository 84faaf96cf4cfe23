"""One test per reader rule that a small page can show: metadata in order of trust, titles,
images, pruning, repairs, and the safety of what comes out."""
import pytest

from quietpage.reader import extract
from quietpage.reader.article import count_words

from conftest import LOREM

BODY = "".join(f"<p>{p}</p>" for p in LOREM)


def page(head: str = "", body: str = BODY, title: str = "A quiet harbour story") -> str:
    return (f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


# ------------------------------------------------------------------------ metadata
def test_json_ld_is_trusted_before_meta_tags():
    head = ("<meta name='author' content='Meta Author'><meta property='og:site_name' content='OG Site'>"
            "<meta property='article:published_time' content='2020-01-01T00:00:00Z'>"
            '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
            ' "headline": "The harbour", "author": [{"@type": "Person", "name": "Ann Lee"},'
            ' {"@type": "Person", "name": "Bo Chen"}], "datePublished": "2025-04-09T19:10:08+02:00",'
            ' "publisher": {"@type": "Organization", "name": "Harbour Times"}}</script>')
    article = extract(page(head), "https://example.com/a")
    assert article.byline == "Ann Lee, Bo Chen"
    assert article.published == "2025-04-09T19:10:08+02:00"
    assert article.site_name == "Harbour Times"
    assert article.title == "The harbour"


def test_meta_tags_then_the_visible_byline():
    assert extract(page("<meta name='author' content='Meta Author'>"), None).byline == "Meta Author"
    body = "<p class='byline'>By Jane Smith</p>" + BODY
    article = extract(page(body=body), "https://example.com/a")
    assert article.byline == "By Jane Smith"
    assert "Jane Smith" not in article.text  # shown apart, not twice


def test_a_signature_line_with_the_byline_and_its_dates_goes_whole():
    head = "<meta name='author' content='Martin Untersinger'>"
    line = ("<p class='bloc_signature'><span>Le Monde</span> | <time>04.05.2015 à 13h36</time> • Mis à jour"
            " le <time>05.05.2015 à 20h13</time> | <span class='signature_article'>Par <a href='/j/mu'>Martin"
            " Untersinger</a></span></p>")
    text = extract(page(head, body=line + BODY), "https://example.com/a").text
    assert "13h36" not in text and "Untersinger" not in text and LOREM[0] in text


def test_dates_become_iso_8601_from_time_elements_and_visible_dates():
    body = "<time datetime='2024-03-05T08:00:00Z'>5 March</time>" + BODY
    assert extract(page(body=body), None).published == "2024-03-05T08:00:00+00:00"
    body = "<div class='post-date'>Posted March 5, 2024</div>" + BODY
    assert extract(page(body=body), None).published == "2024-03-05"


def test_language_excerpt_and_lead_image():
    head = ("<meta property='og:image' content='/img/lead.jpg'>"
            "<meta name='description' content='The harbour in the morning.'>")
    article = extract(page(head), "https://example.com/news/a")
    assert (article.lang, article.excerpt) == ("en", "The harbour in the morning.")
    assert article.lead_image == "https://example.com/img/lead.jpg"


def test_cjk_text_is_counted_by_characters():
    assert count_words("港口的早晨很安静") == 4  # 8 characters, two per word
    assert count_words("quiet harbour 港口") == 3


# ------------------------------------------------------------------------ titles and spam
def test_the_site_name_is_cut_from_the_document_title():
    html = page(title="A quiet harbour story | Harbour Times").replace(
        "<h1>A quiet harbour story | Harbour Times</h1>", "<h1>A quiet harbour story</h1>")
    assert extract(html, "https://harbourtimes.example/a").title == "A quiet harbour story"


def test_the_site_name_goes_even_when_no_heading_repeats_the_headline():
    html = page(title="Catch doubles | Harbour Times").replace(
        "<h1>Catch doubles | Harbour Times</h1>", "<h1>Harbour news</h1>")
    article = extract(html, "https://www.harbourtimes.example/a")
    assert (article.title, article.site_name) == ("Catch doubles", "Harbour Times")


def test_a_phrase_glued_into_the_title_and_the_text_is_spam():
    body = BODY.replace("and the fishing boats", "and Quick Coin Exchangethe fishing boats")
    html = page(body=body, title="Quick Coin Exchange|A quiet harbour story").replace(
        "<h1>Quick Coin Exchange|A quiet harbour story</h1>", "<h1>A quiet harbour story</h1>")
    article = extract(html, "https://example.com/a")
    assert article.title == "A quiet harbour story"
    assert "and the fishing boats" in article.text and "Quick Coin" not in article.text



def test_a_title_segment_glued_only_inside_a_script_is_not_spam():
    """Spam shows itself in the text a reader sees; a page's scripts (JSON of related stories:
    "...reviews round-up") are not that text. The counter-example is the test above."""
    title = "Harbour Days review \u2013 a quiet morning among the boats"
    script = ('<script>var related = [{"title":"Harbour Days reviews round-up, all the scores"}];'
              " var s = 1;</script>")
    html = page(body=BODY + script, title=title)
    assert extract(html, "https://example.com/a").title == title


# ------------------------------------------------------------------------ images
def test_lazy_images_get_their_real_source_and_tracking_pixels_go():
    body = ("<figure><img src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' data-src='/photos/boats.jpg'>"
            "<figcaption>Boats at dawn.</figcaption></figure>"
            "<img srcset='/s.jpg 400w, /l.jpg 1200w'>"
            "<img src='https://tracker.example/p.gif' width='1' height='1'>" + BODY)
    article = extract(page(body=body), "https://example.com/a")
    assert 'src="https://example.com/photos/boats.jpg"' in article.content_html
    assert 'src="https://example.com/l.jpg"' in article.content_html
    assert "tracker.example" not in article.content_html
    assert "Boats at dawn." in article.text


def test_noscript_fallback_replaces_the_placeholder():
    body = ("<div><img class='lazy' src='/blank.gif'></div>"
            "<noscript><img src='/photos/real.jpg' alt='Real'></noscript>" + BODY)
    article = extract(page(body=body), "https://example.com/a")
    assert "photos/real.jpg" in article.content_html and "blank.gif" not in article.content_html


def test_a_figure_that_names_its_picture_gets_it():
    """A lazy figure with no <img> yet, whose itemid names the file (Readability.js's rule)."""
    body = (BODY[:300] + "<figure itemid='https://static.example/photos/harbour-2019.jpg?q=90'>"
            "<div class='lazy-container'></div><figcaption>The harbour in 2019.</figcaption></figure>"
            + BODY[300:])
    article = extract(page(body=body), "https://example.com/a")
    assert '<img src="https://static.example/photos/harbour-2019.jpg?q=90"' in article.content_html


def test_a_base_element_decides_where_relative_links_point():
    head = "<base href='https://cdn.example.org/site/'>"
    body = BODY + "<p>See <a href='more.html'>the whole report</a> for the numbers behind this story.</p>"
    article = extract(page(head, body), "https://example.com/a")
    assert 'href="https://cdn.example.org/site/more.html"' in article.content_html


# ------------------------------------------------------------------------ chrome and repairs
@pytest.mark.parametrize("chrome", [
    "<div class='share-bar'><a href='#'>Share on Facebook</a><a href='#'>Tweet</a></div>",
    "<div id='cookie-consent'>We use cookies to improve your experience on our site.</div>",
    "<div class='related-stories'><h3>Related</h3><a href='/1'>Another harbour tale</a></div>",
    "<aside><h3>Most read</h3><ol><li><a href='/2'>Prices fall again</a></li></ol></aside>",
    "<div style='display:none'>Hidden promotional text for crawlers only.</div>",
    "<form><input name='q'><button>Search the site</button></form>",
    "<p>READ MORE: <a href='/3'>Why the catch doubled this year</a></p>",
    "<p><a href='/newsletter'>Sign up for our newsletter</a> to get the morning briefing.</p>",
])
def test_chrome_and_boilerplate_are_pruned(chrome):
    html = page(body=BODY[:300] + chrome + BODY[300:])
    article = extract(html, "https://example.com/a")
    for fragment in ("Facebook", "cookies", "Another harbour", "Prices fall", "promotional",
                     "Search the site", "catch doubled", "newsletter"):
        assert fragment not in article.text
    assert LOREM[-1] in article.text


@pytest.mark.parametrize("kept", [
    "<h2>What the economists found</h2>",
    "<ul><li>Warmer currents brought the mackerel north.</li><li>Quotas let the crab recover.</li></ul>",
    "<table><tr><th>Year</th><th>Catch</th></tr><tr><td>2023</td><td>40 t</td></tr></table>",
    "<pre><code>catch = quota * 2</code></pre>",
    "<blockquote>We have never seen a season like it, said the harbour master.</blockquote>",
])
def test_what_readers_need_is_kept(kept):
    article = extract(page(body=BODY[:300] + kept + BODY[300:]), "https://example.com/a")
    tag = kept[1:kept.index(">")].split()[0]
    assert f"<{tag}" in article.content_html


@pytest.mark.parametrize("chrome, fragment", [
    ("<ul class='hidden'><li>Politics &amp; Government</li></ul>", "Politics"),
    ("<div class='vjs-live-control vjs-control vjs-hidden'><span>Stream Type</span>LIVE</div>", "Stream Type"),
    ("<div style='position:absolute; left:-9999px'>Premium themes download, free for everyone.</div>",
     "Premium themes"),
    ("<div class='player-settings'><label>Font Family</label><select><option>Serif</option></select>"
     "</div>", "Font Family"),
    ("<p><a href='https://example.com/news/why-the-catch-doubled-this-year'>Why the catch doubled this"
     " year</a></p>", "catch doubled"),
    ("<p><a href='https://cdn.example.com/photos/boats.jpg'>View this image ›</a></p>", "View this image"),
    ("<p><a href='https://www.whatsapp.example/send'>Share this on WhatsApp</a></p>", "WhatsApp"),
    ("<div role='note' class='hatnote'>Main article: <a href='/wiki/Rayleigh_quotient'>Rayleigh quotient"
     "</a></div>", "Rayleigh"),
    ("<div role='note'>For matrices with symmetry over the real numbers, see <a href='/wiki/Symmetric_"
     "matrix'>symmetric matrix</a>.</div>", "symmetric matrix"),
])
def test_hidden_text_form_labels_teasers_and_image_links_go(chrome, fragment):
    article = extract(page(body=BODY[:300] + chrome + BODY[300:]), "https://example.com/a")
    assert fragment not in article.text and LOREM[-1] in article.text


def test_tag_lists_cards_stamps_and_signatures_go_but_the_words_in_the_sentence_stay():
    tags = "".join(f"<a href='/tag/harbour-{i}' rel='tag'>harbour news {i}</a>, " for i in range(16))
    card = ("<p>The catch was confirmed by Rep. <span class='rollover-people'><a class='rollover-people-link'"
            " href='/people/ann-lee'>Ann Lee</a><span class='rollover-people-block'><a href='/a/1'>Lee"
            " opposes the funding bill over surveillance</a> <a href='/a/2'>Senators call for a security"
            " coordinator</a></span></span> on Monday, after a week of counting.</p>")
    reviewed = "<div class='reviewedBy_fmt'>Reviewed by <a href='/hansa-bhargava'>Hansa D. Bhargava, MD</a></div>"
    body = (reviewed + card + BODY + f"<strong>Tags<br>{tags}</strong>" + "<p>Updated at 1:23 p.m.</p>")
    text = extract(page(body=body), "https://example.com/a").text
    assert "confirmed by Rep. Ann Lee on Monday" in text
    assert "surveillance" not in text and "harbour news" not in text and "1:23" not in text
    assert "Bhargava" not in text


def test_a_sentence_that_mentions_another_page_is_not_a_cross_reference():
    line = "<p>For full details on the grant and its budget, see <a href='/grant'>this page</a>.</p>"
    assert "the grant and its budget" in extract(page(body=BODY[:300] + line + BODY[300:]), "https://example.com/a").text


def test_a_credit_linking_to_the_artists_site_is_not_a_teaser():
    """A teaser's *path* spells its headline; a host named like the artist does not count."""
    credit = "<p>(<span><a href='http://firebornform.example.com/art/SR388-353312617'><em>Artist: Fireborn Form</em></a></span>)</p>"
    assert "Fireborn Form" in extract(page(body=BODY[:300] + credit + BODY[300:]), "https://example.com/a").text


def test_a_link_to_a_product_or_help_page_is_not_a_teaser():
    """A teaser's address spells its headline; "Try it now" leads to the thing the page is about."""
    link = "<p><a href='https://addons.example/firefox/themes/'>Try it now</a></p>"
    assert "Try it now" in extract(page(body=BODY[:300] + link + BODY[300:]), "https://example.com/a").text


def test_data_table_cells_are_data_not_boilerplate():
    """A cell that says "Comment" or holds one link to an app is a datum of the table."""
    rows = "".join(f"<tr><td><a href='https://play.example/store/apps/farm-heroes-saga-{i}'>Farm Heroes"
                   f" Saga {i}</a></td><td>{i}1.1 MB</td><td><p>Comment</p></td></tr>" for i in range(4))
    table = f"<table><tr><th>App</th><th>Size</th><th><p>Comment</p></th></tr>{rows}</table>"
    article = extract(page(body=BODY[:300] + table + BODY[300:]), "https://example.com/a")
    assert "Farm Heroes Saga 2" in article.text and article.text.count("Comment") == 5


def test_boilerplate_is_found_however_the_source_is_indented():
    slot = "<div class='slot'><p>" + " " * 60 + "\n" + " " * 60 + "Advertisement\n" + " " * 40 + "</p></div>"
    article = extract(page(body=BODY[:300] + slot + BODY[300:]), "https://example.com/a")
    assert "Advertisement" not in article.text and LOREM[-1] in article.text


def test_one_photographer_under_several_pictures_is_not_a_repeated_caption():
    def figure(n, caption):
        return (f"<figure><img src='/photos/{n}.jpg'><figcaption><span>{caption}</span><span itemprop="
                f"'copyrightHolder'>Chang W. Lee/The New York Times</span></figcaption></figure>")
    body = (figure(1, "Workers repairing cables in Queens.") + BODY
            + figure(2, "A training center for water mains.")
            + "<figure><img src='/photos/3.jpg'><figcaption>Mark Stout/iStock/Getty Images</figcaption></figure>"
            + "<figure><img src='/photos/4.jpg'><figcaption>Mark Stout/iStock/Getty Images</figcaption></figure>")
    text = extract(page(body=body), "https://example.com/a").text
    assert text.count("Chang W. Lee") == 2 and text.count("Mark Stout") == 2


def test_a_gallery_printing_a_caption_twice_shows_it_once_with_its_credit():
    caption = "In this photograph, a long row of unsold vehicles sits at a dealership in Littleton."
    slide = (f"<li class='slide'><img src='/photos/1.jpg'><div class='caption'><div class='caption-full'>"
             f"<p>{caption}</p></div><div class='caption-truncated'><p>{caption}</p></div>"
             "<span class='credit'>Photo: David Zalubowski, STF / Associated Press</span></div></li>")
    remote = (f"<div class='caption-remote'><p>{caption}</p><span class='credit'>"
              "Photo: David Zalubowski, STF / Associated Press</span></div>")
    text = extract(page(body=f"<ul class='gallery'>{slide}</ul>{remote}" + BODY), "https://example.com/a").text
    assert text.count("unsold vehicles") == 1 and text.count("Zalubowski") == 1


def test_short_lines_of_plain_text_are_kept():
    """Dialogue in <div>s: readability-lxml drops any block under 25 characters."""
    paragraphs = [f"<div><div><span>{p}</span></div></div>" for p in LOREM]
    lines = [f"<div><div><span>{t}</span></div></div>" for t in ("Haoyu snorted.", "He stood.")]
    article = extract(page(body="".join(paragraphs[:3] + lines + paragraphs[3:])), "https://example.com/a")
    assert "Haoyu snorted." in article.text and "He stood." in article.text


def test_footnotes_and_self_anchored_headings_are_the_articles_own():
    heading = "<h2 id='1-the-toolchain-question'>1. The toolchain question</h2>"  # "tool" is no chrome
    notes = ("<div class='footnotes'><p id='fn1'><sup><a href='#ref1'>1</a></sup>Harbour records of "
             "1921, kept in the town hall.</p></div>")
    article = extract(page(body=BODY[:300] + heading + BODY[300:] + notes), "https://example.com/a")
    assert "The toolchain question" in article.text and "Harbour records of 1921" in article.text


def test_a_short_section_with_the_classes_of_the_long_one_belongs_to_the_post():
    def section(paragraphs):
        return f"<section class='ef eg'><div class='n p'><div class='z ab'>{paragraphs}</div></div></section>"
    long = "".join(f"<p>{p}, and again, {p.lower()}</p>" for p in LOREM * 12)
    short = ("<p>The second part is short, but, as it happens, it is the end of the story.</p>"
             "<p>Nothing more was said, that night, about the boats.</p>")
    article = extract(page(body=section(long) + "<hr>" + section(short)), "https://example.com/a")
    assert "the end of the story" in article.text


def test_the_lead_of_a_post_split_into_blocks_is_kept():
    """The lead in its own block, beside the blocks that won together (widened), or in its own
    one-paragraph "article-text" piece that segment merging finds by its class."""
    lead = ("<p>The lead says what the review found: the console is fast, quiet and expensive, and most"
            " owners will not need it.</p>")
    blocks = "".join(f"<div class='block'><div class='grid'><div class='cell'><div class='copy'>"
                     f"{''.join(f'<p>{p}, part {i}.</p>' for p in LOREM)}</div></div></div></div>"
                     for i in range(4))
    body = (f"<div class='wrap'><div class='block lead'><div class='grid'><div class='cell'>{lead}</div></div>"
            f"</div><div class='blocks'>{blocks}</div></div>")
    assert "The lead says" in extract(page(body=body), "https://example.com/a").text
    pieces = "".join(f"<div class='chapter'><div class='article-text'>"
                     f"{''.join(f'<p>{p}, part {i}.</p>' for p in LOREM)}</div></div>" for i in range(2))
    body = f"<div class='intro'><div class='article-text'>{lead}</div></div><div class='ad-slot'></div>{pieces}"
    assert "The lead says" in extract(page(body=body), "https://example.com/a").text


# ------------------------------------------------------------------------ safety
def test_no_styles_that_hide_or_overlay_and_no_handlers():
    body = ("<p style='position:fixed;top:0;left:0;width:100%;height:100%' onmouseover='x()'>"
            "An overlay that tries to cover the page while pretending to be a paragraph.</p>" + BODY)
    article = extract(page(body=body), "https://example.com/a")
    assert "style=" not in article.content_html and "onmouseover" not in article.content_html


# ------------------------------------------------------------------------ issue 15 counter-examples
def test_a_shorter_article_body_never_replaces_the_text():
    """JSON-LD articleBody rescues a page whose chosen text is much shorter (golden case
    jsonld-rescue); a shorter one - a teaser - never replaces what the page shows."""
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "A quiet harbour story", '
            '"articleBody": "The harbour was quiet. Read the whole story inside."}</script>')
    text = extract(page(head), "https://example.com/a").text
    assert text.split("\n") == LOREM



@pytest.mark.parametrize("wrapper", ["nav", "aside", "noscript"])
def test_a_chrome_tag_that_holds_the_article_is_unwrapped_not_dropped(wrapper):
    """A theme that wraps the post in <aside>, <nav> or <noscript> (most of the page's paragraph
    text is in it): the post is read; the counter-example, the page's own menu and sidebar
    (<nav>, <aside> holding no article), still go."""
    html = ("<!DOCTYPE html><html lang='en'><head><title>A quiet harbour story</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/about'>About us</a></nav>"
            f"<{wrapper} class='site-content'><h1>A quiet harbour story</h1>{BODY}</{wrapper}>"
            "<aside class='widget'><h3>About the author</h3><p>Ann writes about boats on weekends.</p></aside>"
            "</body></html>")
    article = extract(html, "https://example.com/a")
    assert all(p in article.text for p in LOREM)
    assert "About the author" not in article.text and "About us" not in article.text

def test_code_spans_of_punctuation_and_keywords_stay_but_residue_outside_code_goes():
    body = ('<p class="byline">By <span>|</span></p>' + BODY +
            '<pre><code><span class="k">SELECT</span> a <span class="k">FROM</span> t <span class="k">GROUP</span> '
            '<span class="k">BY</span> a<span class="p">;</span>\n<span class="p">,</span></code></pre>')
    article = extract(page(body=body), "https://example.com/a")
    assert "SELECT a FROM t GROUP BY a;\n," in article.text
    assert "|" not in article.text


def test_without_marks_an_accordion_panel_is_kept_and_hidden_text_goes():
    body = (BODY + '<button aria-expanded="false" aria-controls="p1">More about tides</button>'
            '<div id="p1" hidden><p>Tides are driven by the moon, and twice a day the water comes back.</p></div>'
            '<div hidden><p>Secret promotional text nobody sees.</p></div>'
            '<p><span class="sr-only">Image</span></p>')
    text = extract(page(body=body), "https://example.com/a").text
    assert "Tides are driven by the moon" in text and "More about tides" in text
    assert "Secret promotional" not in text and "Image" not in text


def test_with_marks_only_marked_elements_are_hidden():
    body = (BODY + '<div style="display:none" class="hidden"><p>Shown by the browser all the same, it says.</p></div>'
            '<p data-qp-hidden="1">Marked unseen by the rendered page.</p>')
    article = extract(page(body=body), "https://example.com/a")
    assert "Shown by the browser" in article.text and "Marked unseen" not in article.text
    assert "data-qp-hidden" not in article.content_html


def test_a_heading_over_a_section_the_reader_emptied_goes_but_a_heading_over_text_stays():
    """A gallery's title stays behind when its pictures go: a heading alone in its block with
    nothing before the next heading of its rank. A heading alone in its block over text in the
    next block (a builder's heading widget), and an <h3> right under an <h2>, are headings."""
    half = len(LOREM) // 2
    first, rest = "".join(f"<p>{p}</p>" for p in LOREM[:half]), "".join(f"<p>{p}</p>" for p in LOREM[half:])
    gallery = ("<div class='block'><section><h3>Gallery: The harbour at dawn | 12 Photos</h3>"
               "<div class='thumbs'><a href='#' class='thumb'><span>12</span></a></div></section></div>")
    body = (f"<div class='block'>{first}</div>{gallery}<div class='block'><h3>What the boats carry</h3>{rest}</div>"
            f"<div class='block'><h2>Later</h2><h3>In the evening</h3><p>{LOREM[0]}</p></div>"
            f"<div class='heading-block'><h3>The price</h3></div><div class='text-block'><p>{LOREM[1]}</p></div>")
    article = extract(page(body=body), "https://example.com/a")
    assert "Gallery" not in article.text and "12 Photos" not in article.text
    for kept in ("What the boats carry", "Later", "In the evening", "The price"):
        assert kept in article.text.split("\n")


def test_a_figure_of_labels_alone_goes_but_a_figure_that_shows_something_stays():
    """A rating key drawn with CSS is a <figure> of one-word labels and no picture; a figure
    with a quotation, a picture or a code listing shows what its labels are about."""
    key = ("<h4>Our score<figure class='rating-key'>" + "".join(
        f"<div class='band'><span>{w}</span><div class='bar'></div></div>" for w in ("Poor", "Fair", "Good", "Superb"))
        + "<figcaption>Key</figcaption></figure></h4>")
    quote = "<figure><blockquote><p>Harbour life</p></blockquote><figcaption>Old saying</figcaption></figure>"
    picture = "<figure><img src='/a.jpg' alt=''><figcaption>Low tide</figcaption></figure>"
    listing = "<figure><pre><code>make boats</code></pre><figcaption>Build step</figcaption></figure>"
    body = BODY[:400] + key + quote + picture + listing + BODY[400:]
    article = extract(page(body=body), "https://example.com/a")
    assert "Superb" not in article.text and "Key" not in article.text.split("\n")
    for kept in ("Harbour life", "Old saying", "Low tide", "make boats", "Build step"):
        assert kept in article.text


def test_a_picture_that_opens_a_lightbox_stays_without_its_link():
    """<a href="#"> around a picture opens the page's gallery: the link goes, the picture stays.
    A link to "#" that says a word or two ("Close") is a button, and goes whole."""
    figure = ("<figure><div class='frame open-gallery'><a href='#' data-index='0'><img src='/photos/dawn.jpg' "
              "alt='Boats at dawn'></a></div><figcaption>Boats leave at dawn.</figcaption></figure>")
    body = BODY[:400] + figure + "<p><a href='#'>Close</a></p>" + BODY[400:]
    article = extract(page(body=body), "https://example.com/a")
    assert 'src="https://example.com/photos/dawn.jpg"' in article.content_html
    assert 'href="#"' not in article.content_html and "Close" not in article.text


@pytest.mark.parametrize("label_class", ["off-screen", "elementor-screen-only", "sharing-screen-reader-text",
                                         "sdc-article-image__visually-hidden", "vjs-offscreen"])
def test_screen_reader_labels_under_a_themes_prefix_go(label_class):
    """BBC's "off-screen", Elementor's, Jetpack's and BEM-named screen-reader labels ("Image
    copyright", "Image caption") are not read; the caption and the credit a sighted reader sees
    stay. Counter-examples: a class that only starts with such a name ("offscreen-nav-toggle", a
    visible button) and a print style's "screen-only" (shown on screen) hide nothing."""
    figure = (f'<figure><img src="/harbour.jpg" alt="The harbour"><span class="{label_class}">Image copyright</span>'
              f'<span class="copyright">Ann Lee</span><figcaption><span class="{label_class}">Image caption</span>'
              'Boats at dawn in the old harbour</figcaption></figure>')
    half = len(LOREM) // 2
    body = "".join(f"<p>{p}</p>" for p in LOREM[:half]) + figure + "".join(f"<p>{p}</p>" for p in LOREM[half:]) + (
        '<p><span class="offscreen-nav-toggle">Tides</span> turn twice a day.</p>'
        '<p class="screen-only">The harbour master keeps the tide tables.</p>')
    text = extract(page(body=body), "https://example.com/a").text
    assert "Image copyright" not in text and "Image caption" not in text
    assert "Boats at dawn in the old harbour" in text and "Ann Lee" in text
    assert "Tides turn twice a day." in text and "The harbour master keeps the tide tables." in text


HEADLINES = [("/news/world/1125953/plague-warning-eight-deadly-diseases", "Plague warning: CDC names EIGHT deadly diseases"),
             ("/news/world/1122619/holidaymakers-die-after-eating-marmot", "BLACK DEATH fears: Holidaymakers die after eating marmot"),
             ("/travel/articles/1122543/plane-passengers-quarantined-plague", "Plane passengers quarantined after plague outbreak"),
             ("/news/world/1122001/marmot-hunters-warned-by-officials", "Marmot hunters warned by officials in two regions"),
             ("/news/world/1121877/doctors-explain-how-plague-spreads", "Doctors explain how the plague spreads from animals")]


@pytest.mark.parametrize("n_links", [2, 3])
def test_a_more_to_read_label_and_its_headlines_in_one_block_go(n_links):
    """"DON'T MISS<br><a>headline</a> [WARNING]<br>..." - the label and its links in one
    paragraph, a line each: the line break separates the label from the first headline (it was
    read "DON'T MISSPlague"); "SEE MORE: <a>" goes too.
    Counter-examples: prose that starts with such words and links to a source (a third of it
    links), lines of an address split by <br>, stay."""
    links = "".join(f"<br><strong><a href='{href}'>{text}</a> [NEWS]</strong>" for href, text in HEADLINES[:n_links])
    block = f"<p><strong>DON'T MISS</strong>{links}</p><p><strong>SEE MORE</strong>: <a href='{HEADLINES[4][0]}'>Doctors explain it</a></p>"
    prose = ("<p>Latest figures from <a href='https://stats.example.gov/plague-2019'>the health office</a> show three"
             " cases this year,<br>all of them hunters who ate what they caught, and officials say the risk to"
             " others stays low as long as people keep away from marmots and the animals' burrows.</p>"
             "<p>See more of the steppe from the old road:<br>Route 4, Ulaanbaatar<br>open daily</p>")
    body = BODY[:300] + block + prose + BODY[300:]
    text = extract(page(body=body), "https://example.com/a").text
    assert "DON'T MISS" not in text and "SEE MORE" not in text and "Doctors explain" not in text
    assert all(headline not in text for _, headline in HEADLINES[:n_links])
    assert "Latest figures from the health office show three cases this year," in text
    assert "See more of the steppe from the old road:" in text and "open daily" in text
    assert LOREM[-1] in text
