"""A reader in headless Chromium reads a fixture story in both registers."""

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
