"""Issue 34: a reader sees how solid a story is before its first paragraph.

The meter used to appear only after both sections: about 60 % of the way down on a
desktop, about 8,000 px down on a phone. Now every story's header carries the evidence
at a glance, and from 1200 px up it is a rail beside the story that stays in view while
reading. At 390×844 and 1366×900, light and dark, with and without JavaScript: the score,
its band and "Why this score?" are on the first screen of every fixture story, and
"Why this score?" opens the breakdown.
"""

import pytest

from articles.models import Article
from tests.browser.schemes import each_scheme
from tests.browser.test_accessibility import checked, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TSCM = "/articles/tscm-car-t-first-in-human/"
RETRACTED = "/articles/lutetium-hydride-superconductor-claim/"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
VARIANTS = [(size, script) for size in SIZES for script in (True, False)]
AT_A_GLANCE = {"score": ".glance__number", "band": ".glance .badge", "why": ".glance__why"}


def new_page(browser, live_server, size, *, script=True):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=SIZES[size],
        java_script_enabled=script,
        reduced_motion="reduce",
    )
    return context.new_page()


def off_the_first_screen(page, selector):
    """Why the element is not wholly on the first screen, or None when it is."""
    element = page.locator(selector)
    if element.count() != 1 or not element.is_visible():
        return f"{element.count()} visible"
    box = element.bounding_box()
    height = page.viewport_size["height"]
    if box["y"] < 0 or box["y"] + box["height"] > height:
        return f"from {box['y']:.0f} to {box['y'] + box['height']:.0f} px of {height}"
    return None


def test_every_story_shows_its_score_band_and_why_on_the_first_screen(
    browser, live_server, fixture_content
):
    stories = [story.get_absolute_url() for story in Article.objects.published()]
    assert len(stories) >= 14
    missing = []
    for size, script in VARIANTS:
        page = new_page(browser, live_server, size, script=script)
        for url in stories:
            page.goto(url)
            for scheme in each_scheme(page):
                for name, selector in AT_A_GLANCE.items():
                    problem = off_the_first_screen(page, selector)
                    if problem:
                        where = f"{url} [{size}, {scheme}, script {script}]"
                        missing.append(f"{where}: {name} {problem}")
        page.context.close()
    assert not missing, "not on the first screen:\n" + "\n".join(missing)


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_the_rail_stays_beside_the_story_while_reading(
    browser, live_server, fixture_content, script
):
    page = new_page(browser, live_server, "desktop", script=script)
    page.goto(TSCM)
    column = page.locator(".story__header h1").bounding_box()
    for part in ("explanation", "technical", "evidence", "forecast"):
        page.evaluate("part => document.getElementById(part).scrollIntoView()", part)
        for name, selector in AT_A_GLANCE.items():
            assert off_the_first_screen(page, selector) is None, f"{name} at #{part}"
        rail = page.get_by_role("region", name="The evidence at a glance").bounding_box()
        assert rail["x"] >= column["x"] + column["width"], "the rail overlaps the story"
    page.context.close()


def test_on_a_phone_the_strip_reads_in_the_header_and_scrolls_away(
    browser, live_server, fixture_content
):
    page = new_page(browser, live_server, "phone")
    page.goto(TSCM)
    strip, headline = (
        page.get_by_role("region", name="The evidence at a glance").bounding_box(),
        page.locator("h1").bounding_box(),
    )
    assert strip["y"] > headline["y"] and strip["width"] >= 340
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate("document.getElementById('technical').scrollIntoView()")
    assert page.get_by_role("region", name="The evidence at a glance").bounding_box()["y"] < 0
    page.context.close()


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_why_this_score_opens_the_breakdown(browser, live_server, fixture_content, size, script):
    page = new_page(browser, live_server, size, script=script)
    page.goto(TSCM)
    assert not page.locator("#reality details").evaluate("details => details.open")
    page.get_by_role("region", name="The evidence at a glance").get_by_role(
        "link", name="Why this score?"
    ).click()
    page.wait_for_url("**#breakdown-caption")
    assert page.locator("#reality details").evaluate("details => details.open")
    assert page.locator("#breakdown-caption").is_visible()
    assert off_the_first_screen(page, "#breakdown-caption") is None

    # From a part read on its own, to the evidence part.
    page.goto(f"{TSCM}?part=technical")
    page.get_by_role("region", name="The evidence at a glance").get_by_role(
        "link", name="Why this score?"
    ).click()
    page.wait_for_url("**?part=evidence#breakdown-caption")
    assert page.locator("#reality details").evaluate("details => details.open")
    page.context.close()


def test_a_retracted_source_is_flagged_on_the_first_screen(browser, live_server, fixture_content):
    for size in SIZES:
        page = new_page(browser, live_server, size)
        page.goto(RETRACTED)
        flag = page.get_by_role("region", name="The evidence at a glance").get_by_role(
            "link", name="A cited source was retracted"
        )
        assert off_the_first_screen(page, ".glance__flag") is None
        flag.click()
        page.wait_for_url("**#citation-notices-heading")
        page.context.close()


def test_the_story_with_its_strip_has_no_axe_violations(browser, live_server, fixture_content):
    found = {}
    for size in SIZES:
        page = new_page(browser, live_server, size)
        for url in (TSCM, RETRACTED, f"{TSCM}?part=technical"):
            page.goto(url)
            checked(page, f"{url} [{size}]", found)
        page.context.close()
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"
