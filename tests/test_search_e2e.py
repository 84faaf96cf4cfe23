"""Search in the reading list, in real Chromium: each hit's passage with its words marked (the
page's text shown as text, never markup), where it matched, best match first, and the `?` help."""
from helpers import api, log_in

from conftest import page_html

HOSTILE = ("The harbour report quoted <img src=x onerror=\"document.title='pwned'\"> and "
           "<script>document.title='pwned'</script> word for word, then moved on to the mackerel.")


async def test_a_search_shows_each_hit_with_its_words_marked_safely(live, browser):
    # the page's text holds markup as words (escaped in the HTML, so it is text in the reader)
    hostile = await api(live, "POST", "/api/articles", {"url": "https://example.com/hostile", "html": page_html(
        "Port notes", [HOSTILE.replace("<", "&lt;").replace(">", "&gt;")] * 2)})
    titled = await api(live, "POST", "/api/articles", {"url": "https://example.com/mackerel", "html": page_html(
        "Mackerel season", ["The boats came back full; the market was quiet and prices fell by noon."] * 3)})
    await api(live, "POST", f"/api/articles/{titled['id']}/highlights",
              {"selectors": [{"type": "TextQuoteSelector", "exact": "the market was quiet"}], "note": "Ask the skipper"})
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await log_in(page, live)
    await page.wait_for_function("() => document.querySelectorAll('.item').length === 2")  # the whole list
    await page.fill("#q", "mackerel")
    await page.wait_for_selector(".item .snippet")  # the search's answer
    assert await page.locator(".item .title").all_text_contents() == ["Mackerel season", "Port notes"]  # best match
    assert await page.input_value("#sort") == "relevance-desc"  # every sort says its direction
    passage = page.locator(".item").nth(1).locator(".snippet")
    assert "<img src=x" in await passage.text_content()  # shown as the words it is
    assert await passage.locator("img, script").count() == 0
    assert await passage.locator("mark").all_text_contents() == ["mackerel"]
    assert await page.title() != "pwned"
    await page.fill("#q", "skipper")
    await page.wait_for_function("() => document.querySelectorAll('.item').length === 1")
    await page.wait_for_selector(".item .snippet")
    note = await page.locator(".item .snippet").text_content()
    assert note.startswith("In your note:") and "Ask the skipper" in note
    await page.fill("#q", "")
    await page.wait_for_function("() => document.querySelectorAll('.item').length === 2 "
                                 "&& !document.querySelector('.item .snippet')")
    assert await page.input_value("#sort") == "saved-desc"
    await page.evaluate("document.activeElement.blur()")
    await page.keyboard.press("?")
    await page.wait_for_selector("#help[open]")
    help_text = await page.locator("#help").text_content()
    assert "Search" in help_text and "tag:fishing" in help_text and "has:note" in help_text
    await context.close()
    assert not errors, errors
