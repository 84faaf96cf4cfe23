"""Tags in real Chromium, as a user drives them: suggestions are one-click chips in the reading
list and the reader (nothing applied before a click); the tag manager (/tags) renames, merges,
deletes with Undo and cleans up the suggestions old saves applied, from the keyboard; axe-core
finds nothing serious on it, light and dark, desktop and phone."""
import pytest

from conftest import LOREM, SEED_URL, page_html
from pages import PHONE, Library, axe_findings, chromium, on_module_loop, page, site  # noqa: F401  (fixtures)
from quietpage.web.context import CONTEXT

pytestmark = pytest.mark.asyncio(loop_scope="module")
RAIL = ["The railway climbs through seven tunnels before reaching the glacier station at the summit.",
        "Engineers spent eleven winters blasting the rock, and the line opened in the summer of 1912."]


class Lib(Library):
    async def tags_of(self, article):
        return [t["name"] for t in (await self.call("GET", f"/api/articles/{article['id']}"))["tags"]]

    async def counts(self):
        return {t["name"]: t["count"] for t in (await self.call("GET", "/api/tags"))["items"]}


@on_module_loop
async def lib(site, seed_html):
    """The seed page (its suggestions untouched), and two articles with the user's tags."""
    lib = Lib(site)
    lib.seed = await lib.save(SEED_URL, seed_html)
    lib.harbour = await lib.save("https://example.com/harbour", page_html("A quiet harbour story", LOREM))
    lib.rail = await lib.save("https://example.com/rail", page_html("Mountain railways", RAIL))
    await lib.call("PATCH", f"/api/articles/{lib.harbour['id']}", {"tags": ["Drones", "fishing"]})
    await lib.call("PATCH", f"/api/articles/{lib.rail['id']}", {"tags": ["UAV", "Trains"]})
    return lib


async def make_legacy(lib, seed_html):
    """An article as an old version saved it: its suggestions applied, never edited, plus one
    tag the user typed."""
    old = await lib.call("POST", "/api/articles", {"url": "https://example.com/old", "html": seed_html})
    context = lib.site.app[CONTEXT]
    tags = [{"name": "lists", "source": "text", "score": 0.4}, {"name": "Featured Article", "source": "page", "score": 0.5},
            {"name": "Reading club", "source": "user", "score": 1.0}]
    await context.db(context.library._update_article, old["id"], {"tags": tags, "tags_edited": False})
    return old


async def test_suggestions_are_chips_in_the_list_and_a_click_applies_one(lib, page):
    assert await lib.tags_of(lib.seed) == []  # nothing applied by the save
    await lib.login(page, "/")
    row = page.locator(f'.item[data-id="{lib.seed["id"]}"]')
    await row.locator(".suggestions").wait_for()
    assert await row.locator("ul.tags").count() == 0  # nothing pre-ticked
    assert await page.locator(f'.item[data-id="{lib.harbour["id"]}"] .suggestions').count() == 0  # tags set: no nagging
    await row.get_by_role("button", name="Add tag Iran").click()
    await row.locator("ul.tags button", has_text="Iran").wait_for()
    assert await lib.tags_of(lib.seed) == ["Iran"]
    # the other chips stay for a second click, and the focus is on the next one (keyboard)
    assert await row.get_by_role("button", name="Add tag Iran").count() == 0
    await page.keyboard.press("Enter")
    await row.locator("ul.tags li").nth(1).wait_for()  # the second chip, applied and shown
    tags = await lib.tags_of(lib.seed)
    assert len(tags) == 2 and tags[0] == "Iran"


async def test_suggestions_are_chips_in_the_reader_and_a_click_applies_one(lib, page):
    await lib.login(page, f"/read/{lib.seed['id']}")
    chip = page.locator("#tags-slot").get_by_role("button", name="Add tag Russia")
    await chip.wait_for()
    assert await page.locator("#tags-slot ul.tags li").count() == 0
    await chip.click()
    await page.locator("#tags-slot ul.tags li", has_text="Russia").wait_for()
    assert await lib.tags_of(lib.seed) == ["Russia"]
    await page.reload()
    await page.locator("#tags-slot ul.tags li", has_text="Russia").wait_for()
    assert await page.locator("#tags-slot").get_by_role("button", name="Add tag Russia").count() == 0


async def test_the_tag_manager_renames_merges_deletes_with_undo_and_cleans_up(lib, page, seed_html):
    old = await make_legacy(lib, seed_html)
    await lib.login(page, "/tags")
    rows = page.locator(".tag-row")
    await rows.first.wait_for()
    assert await page.locator('.tag-row[data-tag="Drones"] .tag-count').text_content() == "1 article"

    # rename, from the keyboard
    await page.get_by_role("button", name="Rename fishing").focus()
    await page.keyboard.press("Enter")
    field = page.get_by_label("New name for “fishing”")
    assert await page.evaluate("document.activeElement.id") == await field.get_attribute("id")
    await field.fill("Fishing boats")
    await page.keyboard.press("Enter")
    await page.locator('.tag-row[data-tag="Fishing boats"]').wait_for()
    assert await lib.tags_of(lib.harbour) == ["Drones", "Fishing boats"]

    # Escape closes an open form without changing anything
    await page.get_by_role("button", name="Rename Trains").click()
    await page.keyboard.press("Escape")
    await page.get_by_role("button", name="Rename Trains").wait_for()

    # merge UAV into Drones
    await page.get_by_role("button", name="Merge UAV into another tag").click()
    await page.get_by_label("Merge “UAV” into").select_option("Drones")
    await page.locator(".row-form").get_by_role("button", name="Merge").click()
    await page.locator("#toast", has_text="Merged").wait_for()
    await page.wait_for_selector('.tag-row[data-tag="UAV"]', state="detached")
    assert (await lib.counts())["Drones"] == 2 and await lib.tags_of(lib.rail) == ["Drones", "Trains"]

    # delete, then Undo
    await page.get_by_role("button", name="Delete Trains").click()
    await page.locator("#toast", has_text="Deleted “Trains” from 1 article").wait_for()
    await page.wait_for_selector('.tag-row[data-tag="Trains"]', state="detached")
    assert await lib.tags_of(lib.rail) == ["Drones"]
    await page.locator("#toast").get_by_role("button", name="Undo").click()
    await page.locator('.tag-row[data-tag="Trains"]').wait_for()
    assert await lib.tags_of(lib.rail) == ["Drones", "Trains"]

    # the one-time clean-up: what the old save applied goes, what the user typed stays
    await page.locator("#cleanup:not([hidden])").wait_for()
    assert "1 article still carries" in await page.text_content("#cleanup-text")
    await page.get_by_role("button", name="Remove suggested tags I never touched").click()
    await page.locator("#toast", has_text="Removed 2 suggested tags from 1 article").wait_for()
    await page.locator("#cleanup").wait_for(state="hidden")
    assert await lib.tags_of(old) == ["Reading club"]
    assert "lists" not in await lib.counts()

    # "apply my own tags automatically"
    await page.get_by_label("Apply my own tags automatically").check()
    await page.locator("#toast", has_text="Your own tags will be applied").wait_for()
    assert (await lib.call("GET", "/api/preferences"))["auto_apply_tags"] is True
    await page.reload()
    assert await page.get_by_label("Apply my own tags automatically").is_checked()


async def test_the_list_links_to_the_tag_manager(lib, page):
    await lib.login(page, "/")
    await page.click("#tags-link")
    await page.wait_for_url("**/tags")
    await page.locator(".tag-row").first.wait_for()


@pytest.mark.parametrize("phone", [False, True])
@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_the_tag_manager_passes_an_accessibility_check_and_fits_a_phone(lib, chromium, seed_html, scheme, phone):
    await make_legacy(lib, seed_html)
    context = await chromium.new_context(bypass_csp=True, color_scheme=scheme, **(PHONE if phone else {}))
    page = await context.new_page()
    await lib.login(page, "/tags")
    await page.locator("#cleanup:not([hidden])").wait_for()
    await page.get_by_role("button", name="Merge Drones into another tag").click()  # a form open too
    await page.wait_for_load_state("networkidle")
    assert await page.evaluate("document.scrollingElement.scrollWidth - innerWidth") <= 0
    bad = await axe_findings(page)
    assert not bad, bad
    await context.close()
