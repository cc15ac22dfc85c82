"""Share and cite on a story, in Chromium at phone and desktop sizes, with and without JS."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORY = "/articles/lk-99-superconductor-claim-fails-replication/"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def story_page(browser, live_server, size, *, javascript):
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORTS[size], java_script_enabled=javascript
    )
    if javascript:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(STORY)
    return page


@pytest.mark.parametrize("size", VIEWPORTS)
def test_without_javascript_the_permalink_and_citations_are_selectable_text(
    browser, live_server, fixture_content, size
):
    page = story_page(browser, live_server, size, javascript=False)
    panel = page.get_by_role("region", name="Share and cite")
    permalink = panel.get_by_label("Permalink")
    assert permalink.input_value() == f"{live_server.url}{STORY}"
    assert permalink.is_editable() is False
    # The copy buttons stay hidden (out of the accessibility tree) without a script.
    assert panel.get_by_role("button").count() == 0
    assert "Newsroom science desk (2023, 18 August)." in panel.inner_text()
    panel.get_by_text("BibTeX", exact=True).click()
    assert "@online{newsroom-lk-99" in panel.locator("#cite-bibtex").inner_text()
    panel.get_by_text("CSL-JSON", exact=True).click()
    assert '"type": "article-newspaper"' in panel.locator("#cite-csl").inner_text()
    # Selecting the permalink by hand works: it is text, not a picture of text.
    permalink.select_text()
    assert page.evaluate("() => document.activeElement.selectionEnd") == len(
        f"{live_server.url}{STORY}"
    )
    # Nothing on the panel is wider than the screen.
    width = page.evaluate("() => document.documentElement.clientWidth")
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_with_javascript_copy_buttons_put_the_link_and_citations_on_the_clipboard(
    browser, live_server, fixture_content, size
):
    page = story_page(browser, live_server, size, javascript=True)
    panel = page.get_by_role("region", name="Share and cite")
    panel.get_by_role("button", name="Copy link").click()
    status = panel.get_by_role("status")
    status.get_by_text("Copied: link.").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{live_server.url}{STORY}"

    panel.get_by_role("button", name="Copy citation").click()
    status.get_by_text("Copied: citation.").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()").startswith(
        "Newsroom science desk (2023, 18 August). Copper sulfide"
    )
    panel.get_by_text("BibTeX", exact=True).click()
    panel.get_by_role("button", name="Copy BibTeX").click()
    status.get_by_text("Copied: BibTeX.").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()").startswith(
        "@online{newsroom-lk-99-superconductor-claim-fails-replication,"
    )
    page.context.close()
