"""A reader in headless Chromium reads a fixture story in both registers."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_viewport(page, selector):
    return page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }",
    )


def test_reader_jumps_from_the_explanation_to_the_technical_section(page, fixture_content):
    page.goto("/")
    page.locator("a[href='/articles/tscm-car-t-first-in-human/']").first.click()
    page.wait_for_url("**/articles/tscm-car-t-first-in-human/")

    assert page.locator("#explanation").is_visible()
    assert not in_viewport(page, "#technical-heading")

    page.get_by_role("navigation", name="Read this story").get_by_role(
        "link", name="In depth"
    ).click()
    page.wait_for_function("location.hash === '#technical'")
    page.wait_for_function(
        "() => { const r = document.querySelector('#technical-heading')"
        ".getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
    )
    assert in_viewport(page, "#technical-heading")


# Issue 19: definitions in place, finding one's place, and the phone layout, at a phone
# (390x844, touch) and a desktop size, with JavaScript and without.

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
TSCM = "/articles/tscm-car-t-first-in-human/"


@pytest.fixture(
    params=[(size, js) for size in SIZES for js in (True, False)],
    ids=lambda param: f"{param[0]}-{'js' if param[1] else 'no-js'}",
)
def story_reader(request, browser, live_server, fixture_content):
    size, javascript = request.param
    context = browser.new_context(
        base_url=live_server.url,
        viewport=SIZES[size],
        java_script_enabled=javascript,
        has_touch=size == "phone",
    )
    page = context.new_page()
    page.size = size
    yield page
    context.close()


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def is_open(page, selector):
    return page.locator(selector).evaluate("el => el.matches(':popover-open')")


def press_term(page, term):
    if page.size == "phone":
        term.tap()
    else:
        term.click()


def test_a_term_opens_its_definition_where_it_stands(story_reader):
    page = story_reader
    page.goto(TSCM)
    term = page.locator("#explanation .prose button.term").nth(1)
    term.scroll_into_view_if_needed()
    popover = "#" + term.get_attribute("popovertarget")
    before = page.evaluate("scrollY")

    press_term(page, term)

    assert is_open(page, popover)
    assert abs(page.evaluate("scrollY") - before) < 2, "the page does not jump"
    opened, pressed, width = box(page, popover), term.bounding_box(), SIZES[page.size]["width"]
    gap = max(
        opened["y"] - (pressed["y"] + pressed["height"]),
        pressed["y"] - (opened["y"] + opened["height"]),
    )
    assert gap < 24, "the definition sits just above or below the term"
    assert opened["x"] >= 0 and opened["x"] + opened["width"] <= width
    assert opened["y"] >= 0 and opened["y"] + opened["height"] <= SIZES[page.size]["height"]
    more = page.locator(popover).get_by_role("link", name=re.compile("^More about"))
    assert more.get_attribute("href").startswith("/glossary/")
    page.locator(popover).get_by_role("button", name=re.compile("^Close")).click()
    assert not is_open(page, popover)
    # The glossary at the end stays, with the same term.
    assert page.locator(f"#glossary #term-{popover.removeprefix('#define-')}").count() == 1


def test_a_definition_opens_and_closes_from_the_keyboard_and_focus_returns(story_reader):
    page = story_reader
    page.goto(TSCM)
    term = page.locator("#explanation .prose button.term").first
    popover = "#" + term.get_attribute("popovertarget")
    term.focus()

    page.keyboard.press("Enter")
    assert is_open(page, popover)
    page.keyboard.press("Tab")
    assert page.locator(popover).evaluate("el => el.contains(document.activeElement)"), (
        "Tab goes from the term into its definition"
    )
    page.keyboard.press("Escape")

    assert not is_open(page, popover)
    assert term.evaluate("el => el === document.activeElement"), "focus is back on the term"


def test_a_tap_outside_closes_the_definition_on_a_phone(browser, live_server, fixture_content):
    context = browser.new_context(base_url=live_server.url, viewport=SIZES["phone"], has_touch=True)
    page = context.new_page()
    page.goto(TSCM)
    term = page.locator("#explanation .prose button.term").first
    popover = "#" + term.get_attribute("popovertarget")
    term.tap()
    assert is_open(page, popover)

    page.touchscreen.tap(195, SIZES["phone"]["height"] - 10)

    assert not is_open(page, popover)
    context.close()


def test_a_term_is_announced_as_a_button_that_expands_its_definition(page, fixture_content):
    page.goto(TSCM)
    term = page.locator("#explanation .prose button.term").first
    name = term.inner_text()
    cdp = page.context.new_cdp_session(page)

    def expanded():
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        button = next(
            node
            for node in nodes
            if node.get("role", {}).get("value") == "button"
            and node.get("name", {}).get("value") == name
        )
        return {p["name"]: p["value"]["value"] for p in button.get("properties", [])}.get(
            "expanded"
        )

    assert expanded() is False
    term.click()
    assert expanded() is True
    dialog = page.get_by_role("dialog", name=re.compile(name.split()[0], re.IGNORECASE))
    assert dialog.is_visible()


def test_each_part_reads_on_its_own(story_reader):
    page = story_reader
    page.goto(f"{TSCM}?part=technical")
    bar = page.get_by_role("navigation", name="Read this story")

    assert page.locator("#technical").is_visible()
    assert page.locator("#explanation, #evidence, #community, #forecast").count() == 0
    assert bar.get_by_role("link", name="In depth").get_attribute("aria-current") == "page"
    assert page.locator("#technical button.term").count() >= 1, "its terms are defined in place"

    bar.get_by_role("link", name="Evidence").click()
    page.wait_for_url(f"**{TSCM}?part=evidence")
    assert page.locator("#evidence #reality").is_visible()
    assert page.locator("#explanation, #technical").count() == 0

    page.get_by_role("link", name="Read the whole story").first.click()
    page.wait_for_url(f"**{TSCM}#evidence")
    assert page.locator("#explanation, #technical, #evidence").count() == 3


def test_the_whole_story_links_each_part_on_its_own(story_reader):
    page = story_reader
    page.goto(TSCM)
    page.locator("#explanation").get_by_role("link", name="Read this part on its own").click()
    page.wait_for_url(f"**{TSCM}?part=explanation")
    assert page.locator("#explanation").is_visible()
    assert page.locator("#technical, #evidence").count() == 0


def current_part(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.register-switch a[aria-current]'))
        .map(a => a.textContent)"""
    )


@pytest.mark.parametrize("size", list(SIZES))
def test_the_read_it_bar_marks_the_part_in_view(browser, live_server, fixture_content, size):
    # Waiting on a condition that is not yet true polls with an evaluated string, which
    # the site's CSP refuses; tests/browser/test_csp.py checks the policy itself.
    context = browser.new_context(
        base_url=live_server.url, viewport=SIZES[size], reduced_motion="reduce", bypass_csp=True
    )
    page = context.new_page()
    page.goto(TSCM)
    assert current_part(page) == []

    for part, label in [
        ("explanation", "Plainly"),
        ("technical", "In depth"),
        ("evidence", "Evidence"),
    ]:
        page.evaluate(f"document.getElementById('{part}').scrollIntoView()")
        page.evaluate("window.scrollBy(0, 200)")
        page.wait_for_function(
            "label => Array.from(document.querySelectorAll('.register-switch a[aria-current]'))"
            ".map(a => a.textContent).join() === label",
            arg=label,
        )
        assert (
            page.get_by_role("link", name=label).first.get_attribute("aria-current") == "location"
        )
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function("!document.querySelector('.register-switch a[aria-current]')")
    context.close()


def test_the_read_it_pills_keep_apart_on_a_phone(story_reader):
    page = story_reader
    page.goto(TSCM)
    pills = [link.bounding_box() for link in page.locator(".register-switch__link").all()]
    width = SIZES[page.size]["width"]

    assert len(pills) == 4
    assert pills[0]["x"] >= 12 and pills[-1]["x"] + pills[-1]["width"] <= width - 12
    for left, right in zip(pills, pills[1:], strict=False):
        if right["y"] == left["y"]:
            assert right["x"] - (left["x"] + left["width"]) >= 6


def test_a_wide_table_says_it_scrolls_and_scrolls_from_the_keyboard(story_reader):
    page = story_reader
    page.goto(TSCM)
    region = page.get_by_role("region", name="Table, scrolls sideways").first
    cue = region.locator(".prose-table__cue")
    overflows = region.evaluate("el => el.scrollWidth > el.clientWidth")

    if page.size == "phone":
        assert overflows
        region.scroll_into_view_if_needed()
        assert cue.is_visible()
        region.focus()
        page.keyboard.press("ArrowRight")
        # Works with scripts off too: poll from Playwright, not from the page.
        for _ in range(40):
            if region.evaluate("el => el.scrollLeft") > 0:
                break
            page.wait_for_timeout(50)
        assert region.evaluate("el => el.scrollLeft") > 0
    else:
        assert not overflows and not cue.is_visible(), "no cue where nothing scrolls"
