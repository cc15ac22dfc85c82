"""Issue 34: a compact phone header. It took 155 px of an 844 px screen (two rows of links
and a search box); now the navigation and the search box fold into "Menu", a disclosure
that works without JavaScript, and the closed bar is at most 64 px. From tablet width up
they stand open in the bar, with no toggle."""

import pytest

from tests.browser.test_accessibility import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TSCM = "/articles/tscm-car-t-first-in-human/"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
VARIANTS = [(scheme, script) for scheme in ("light", "dark") for script in (True, False)]


def new_page(browser, live_server, viewport, *, scheme="light", script=True):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        color_scheme=scheme,
        java_script_enabled=script,
        reduced_motion="reduce",
    )
    return context.new_page()


def header_height(page):
    return page.locator(".site-header").bounding_box()["height"]


@pytest.mark.parametrize(("scheme", "script"), VARIANTS)
def test_the_phone_header_is_one_short_bar_whose_menu_unfolds(
    browser, live_server, fixture_content, scheme, script
):
    page = new_page(browser, live_server, PHONE, scheme=scheme, script=script)
    page.goto(TSCM)
    assert header_height(page) <= 64
    nav = page.get_by_role("navigation", name="Main")
    search = page.get_by_role("search", name="Site search")
    assert not nav.is_visible() and not search.is_visible()
    assert page.locator(".site-header").get_by_role("link", name="Search").is_visible()

    toggle = page.locator(".site-header summary", has_text="Menu")
    assert not page.locator(".site-menu").evaluate("details => details.open")
    toggle.click()
    assert nav.is_visible() and search.is_visible()
    # Every link of the menu is a comfortable target, inside the screen.
    for link in nav.get_by_role("link").all():
        box = link.bounding_box()
        assert box["height"] >= 24 and box["x"] + box["width"] <= PHONE["width"]
    nav.get_by_role("link", name="Predictions").click()
    page.wait_for_url("**/predictions/")
    assert header_height(page) <= 64  # a new page starts with the menu folded
    page.context.close()


def test_the_menu_opens_and_closes_from_the_keyboard(browser, live_server, fixture_content):
    page = new_page(browser, live_server, PHONE)
    page.goto("/")
    toggle = page.locator(".site-header summary", has_text="Menu")
    toggle.focus()
    page.keyboard.press("Enter")
    search = page.get_by_role("search", name="Site search")
    assert search.is_visible()
    search.get_by_role("searchbox", name="Search stories").fill("remission")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=remission")
    page.goto("/")
    toggle.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Space")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    page.context.close()


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_on_a_desktop_the_navigation_and_search_stand_open(
    browser, live_server, fixture_content, script
):
    page = new_page(browser, live_server, DESKTOP, script=script)
    page.goto(TSCM)
    header = page.locator(".site-header")
    assert not header.locator("summary", has_text="Menu").is_visible()
    assert not header.get_by_role("link", name="Search", exact=True).is_visible()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link").count() == 6
    assert all(link.is_visible() for link in nav.get_by_role("link").all())
    assert page.get_by_role("search", name="Site search").is_visible()
    # Tab from the brand reaches the navigation's first link.
    header.get_by_role("link", name="Newsroom").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Front page"
    page.context.close()


def test_the_header_has_no_axe_violations_folded_or_unfolded(browser, live_server, fixture_content):
    found = {}
    for scheme in ("light", "dark"):
        page = new_page(browser, live_server, PHONE, scheme=scheme)
        for url in ("/", TSCM):
            page.goto(url)
            found[f"{url} folded [{scheme}]"] = axe_violations(page)
            page.locator(".site-menu__toggle").click()
            found[f"{url} unfolded [{scheme}]"] = axe_violations(page)
        page.context.close()
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"
