"""The story form in headless Chromium at 1280×800: no sideways scrolling, the error
summary at the top linked to its field, and no axe-core violations, light and dark."""

import os
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from tests.admin_forms import log_in_in_browser
from tests.browser.test_accessibility import checked, describe
from tests.browser.test_admin_preview import recreate_editors_group
from tests.factories import (
    cite,
    make_article,
    make_criteria,
    make_meter,
    make_question,
    make_source,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 800}


@pytest.fixture
def desk(browser, live_server):
    """An editor's browser context, logged in, and a story with its evidence and question."""
    recreate_editors_group()
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": "a-long-editor-password"}):
        call_command("create_editor", "editor", stdout=StringIO())
    article = make_article(headline="Bees learn to count to four, and sometimes to five")
    source = make_source(criteria=make_criteria(), meets=[])
    cite(article, source, doi="10.1038/nm.2446", note="The trial's report in a long note.")
    make_meter(article, values=[45, None], weights=[60, 40])
    make_question(article)
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, viewport=DESK)
        contexts.append(context)
        page = context.new_page()
        log_in_in_browser(page, "editor", "a-long-editor-password")
        return page

    yield open_page, article
    for context in contexts:
        context.close()


def wait_for_autocompletes(page):
    """Until Select2 has drawn a box beside every autocomplete (it does so when jQuery is
    ready, which may come after the page's load event)."""
    page.wait_for_function(
        "[...document.querySelectorAll('select.admin-autocomplete:not([name*=__prefix__])')]"
        ".every(select => select.nextElementSibling"
        " && select.nextElementSibling.classList.contains('select2'))"
    )


def sideways_overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_the_add_and_change_forms_fit_1280_pixels_without_sideways_scroll(desk):
    open_page, article = desk
    page = open_page()
    for path in ["/admin/articles/article/add/", f"/admin/articles/article/{article.pk}/change/"]:
        page.goto(path)
        page.locator(".writing-aids__heading").first.wait_for()
        assert sideways_overflow(page) <= 0, path
        citations = page.locator("#citations-group").bounding_box()
        assert citations["x"] + citations["width"] <= DESK["width"], path
        # A component's row is compact: its picker, value and weight on one line.
        stage = page.locator("#id_component_scores-0-component").bounding_box()
        weight = page.locator("#id_component_scores-0-weight").bounding_box()
        assert abs(stage["y"] - weight["y"]) < 40, path
        # The Markdown field keeps half the form's width beside its preview.
        assert page.locator("#id_explanation").bounding_box()["width"] > 400, path
        headings = page.locator(".desk-section__heading").all_inner_texts()
        assert headings == ["Story", "Evidence", "Question", "Publishing"], path


def test_a_wrong_weight_sum_is_summarised_at_the_top_and_links_to_the_components(desk):
    open_page, article = desk
    page = open_page()
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.locator("#id_component_scores-0-weight").fill("65")
    page.locator("input[name=_continue]").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert summary.bounding_box()["y"] < DESK["height"], "the summary is on the first screen"
    link = summary.get_by_role("link", name="add up to 105")
    link.click()
    page.wait_for_function("location.hash === '#component_scores-group'")
    group = page.locator("#component_scores-group").bounding_box()
    assert 0 <= group["y"] < DESK["height"]
    assert sideways_overflow(page) <= 0


def test_a_section_folds_away_and_a_link_to_an_error_inside_it_opens_it(desk):
    open_page, article = desk
    page = open_page()
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    weight = page.locator("#id_component_scores-0-weight")
    page.locator("#section-evidence summary").click()
    assert not weight.is_visible()
    page.locator("#section-evidence summary").click()
    assert weight.is_visible()
    weight.fill("65")
    page.locator("input[name=_continue]").click()
    page.locator(".error-summary").wait_for()
    page.locator("#section-evidence summary").click()
    assert not weight.is_visible()
    page.locator(".error-summary").get_by_role("link", name="add up to 105").click()
    page.wait_for_function("location.hash === '#component_scores-group'")
    assert weight.is_visible()


def test_the_story_forms_have_no_axe_violations(desk):
    open_page, article = desk
    page = open_page()
    found = {}
    for name, path in [
        ("add", "/admin/articles/article/add/"),
        ("change", f"/admin/articles/article/{article.pk}/change/"),
    ]:
        page.goto(path)
        page.locator(".writing-aids__heading").first.wait_for()
        wait_for_autocompletes(page)
        checked(page, name, found)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.locator("#id_headline").fill("")
    page.locator("input[name=_continue]").click()
    page.locator(".error-summary").wait_for()
    wait_for_autocompletes(page)
    checked(page, "change with errors", found)
    # A takedown time before the publish time: the error beside the date and time boxes.
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.locator("#id_unpublish_at_0").fill("2000-01-01")
    page.locator("#id_unpublish_at_1").fill("00:00:00")
    page.locator("input[name=_continue]").click()
    page.locator(".error-summary").wait_for()
    wait_for_autocompletes(page)
    checked(page, "change with a time error", found)
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"
