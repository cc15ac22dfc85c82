"""A reader sees a story's pictures and follows its byline, in Chromium, at phone and
desktop sizes, with JavaScript and without."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIF = "/articles/nif-fusion-ignition/"
SELECT = "/articles/semaglutide-select-trial-heart-events/"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
# A function, not an expression: the site's CSP forbids eval, which Playwright would use.
LOADED = (
    "selector => { const img = document.querySelector(selector);"
    " return img !== null && img.complete && img.naturalWidth > 0; }"
)


@pytest.fixture(
    params=[(size, js) for size in VIEWPORTS for js in (True, False)],
    ids=lambda p: f"{p[0]}-{'js' if p[1] else 'no-js'}",
)
def reader(request, browser, live_server, fixture_content):
    size, javascript = request.param
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORTS[size], java_script_enabled=javascript
    )
    yield size, context.new_page()
    context.close()


def test_the_lead_image_loads_in_a_modern_format_at_a_width_that_fits(reader):
    size, page = reader
    page.goto(NIF)
    lead = page.locator(".story__header .picture__img")
    lead.wait_for()
    page.wait_for_function(LOADED, arg=".story__header .picture__img")

    chosen = lead.evaluate("img => img.currentSrc")
    assert chosen.endswith((".avif", ".webp"))
    assert chosen.rsplit("/", 1)[-1].startswith("480w" if size == "phone" else "")
    box = lead.bounding_box()
    viewport = VIEWPORTS[size]
    assert box["width"] <= viewport["width"]
    # The box keeps the picture's own shape (16:9): width and height attributes plus CSS.
    assert abs(box["height"] - box["width"] * 900 / 1600) < 2
    assert (
        "Newsroom graphic; data: Lawrence Livermore"
        in page.locator(".story__header figcaption").inner_text()
    )


def test_a_figure_sits_after_its_section_and_the_card_shows_the_lead(reader):
    size, page = reader
    page.goto(SELECT)
    figure = page.locator("#explanation figure")
    figure.scroll_into_view_if_needed()
    page.wait_for_function(LOADED, arg="#explanation figure img")
    assert "Figure 1." in figure.locator("figcaption").inner_text()
    assert figure.locator("img").get_attribute("alt").startswith("Bar chart: 6.5 %")

    page.goto("/topics/energy/")
    card = page.locator("article.card", has=page.locator(f"a[href='{NIF}']"))
    assert card.locator("img.picture__img").count() == 1


def test_the_byline_leads_to_the_authors_page_and_back_to_a_story(reader):
    size, page = reader
    page.goto(SELECT)
    page.locator(".story__byline").get_by_role("link").click()
    page.wait_for_url("**/authors/newsroom-science-desk/")
    assert page.get_by_role("heading", level=1).inner_text() == "Newsroom science desk"
    assert page.get_by_role("heading", name="Corrections and updates on these stories").count()
    page.locator(f"a[href='{SELECT}']").first.click()
    page.wait_for_url(f"**{SELECT}")
