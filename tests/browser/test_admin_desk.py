"""The desk in headless Chromium, at a phone's size and a desk's, light and dark: meter
rows that sit together on a phone, writing aids that follow the glossary terms chosen on
the form, and a story's history compared and a version restored, with axe-core finding
nothing on any of those pages."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.editors import SIZES, editors_at_desks
from tests.browser.test_accessibility import checked, describe
from tests.browser.test_admin_layout import sideways_overflow, wait_for_autocompletes
from tests.factories import (
    cite,
    make_article,
    make_criteria,
    make_meter,
    make_question,
    make_source,
    make_term,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = (
    "### What happened\n\nQuantum dots in a solar cell turned four photons in ten into "
    "current.\n\n### Why it matters\n\nCells made this way could be printed like ink."
)


@pytest.fixture
def desk(browser, live_server):
    """A story with its evidence and question, edited once since it was written, and a way
    to open an editor's browser at a size, in a colour scheme, with or without scripts."""
    make_term(term="Quantum dot", slug="quantum-dot", aliases="quantum dots")
    story = make_article(headline="Printed solar cells pass 40 %", explanation=FIRST)
    cite(story, make_source(criteria=make_criteria(), meets=[]), note="The paper.")
    make_meter(story, values=[45, None], weights=[60, 40])
    make_question(story)
    story.headline = "Printed solar cells pass 41 %"
    story.explanation = FIRST.replace("four photons in ten", "four in every ten photons")
    story.save()
    with editors_at_desks(browser, live_server, "editor") as open_page:
        yield open_page, story


def settled_boxes(page, *selectors):
    """The boxes of ``selectors`` once two looks a few frames apart agree: the admin's
    scripts (Select2, the labels of its boxes) move the layout after the page has loaded."""
    looks = [None]
    for _ in range(50):
        page.wait_for_timeout(100)
        looks.append([page.locator(selector).bounding_box() for selector in selectors])
        if looks[-1] == looks[-2]:
            return looks[-1]
    raise AssertionError(f"the layout was still moving after 5 s: {looks[-2:]}")


def change_path(story):
    return f"/admin/articles/article/{story.pk}/change/"


def test_a_meter_rows_fields_sit_together_on_a_phone(desk):
    open_page, story = desk
    page = open_page("phone")
    page.goto(change_path(story))
    wait_for_autocompletes(page)  # the picker as it is drawn once its script has run
    picker, value, weight, value_box = settled_boxes(
        page,
        "#id_component_scores-0-component",
        "label[for=id_component_scores-0-value]",
        "label[for=id_component_scores-0-weight]",
        "#id_component_scores-0-value",
    )

    assert value["y"] - (picker["y"] + picker["height"]) < 40
    assert weight["y"] - (value_box["y"] + value_box["height"]) < 60  # its help text between
    view = page.locator("#view_id_component_scores-0-component").bounding_box()
    assert view["x"] + view["width"] <= SIZES["phone"]["width"]
    assert sideways_overflow(page) <= 0


def test_a_glossary_term_chosen_on_the_form_clears_the_writing_aids_flag(desk):
    open_page, story = desk
    page = open_page()
    page.goto(change_path(story))
    aids = page.locator(".writing-aids[data-section=explanation]")
    assert "not listed on the story: Quantum dot" in aids.inner_text()
    wait_for_autocompletes(page)

    page.locator("#id_glossary_terms + .select2 .select2-search__field").fill("Quantum")
    page.locator(".select2-results__option", has_text="Quantum dot").click()

    expect(aids).not_to_contain_text("not listed")
    assert "Writing aids — for a general reader" in aids.inner_text()
    # Dropped again, before any save: flagged again.
    page.locator("#id_glossary_terms + .select2 .select2-selection__choice__remove").click()
    page.keyboard.press("Escape")
    aids.get_by_text("not listed on the story").wait_for()


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_version_is_compared_then_restored_with_a_reason(desk, size):
    open_page, story = desk
    page = open_page(size)
    found = {}

    page.goto(f"/admin/articles/article/{story.pk}/history/")
    checked(page, f"history [{size}]", found)
    page.get_by_role("link", name="Compare two versions").click()
    diff = page.locator(".history-diff__passage--changed")
    assert diff.locator("ins").text_content() == "added: in every ten"
    assert diff.locator("del").text_content() == "removed: in ten"
    assert sideways_overflow(page) <= 0
    checked(page, f"compare [{size}]", found)

    page.get_by_role("link", name="Restore the older version").click()
    page.get_by_label("Why restore this version").wait_for()
    assert sideways_overflow(page) <= 0
    checked(page, f"restore [{size}]", found)
    page.get_by_role("button", name="Restore this version").click()  # no reason yet
    page.locator(".errorlist").wait_for()
    checked(page, f"restore without a reason [{size}]", found)
    page.get_by_label("Why restore this version").fill("The 41 % was a misreading.")
    page.get_by_role("button", name="Restore this version").click()

    page.wait_for_url(f"**{change_path(story)}")
    assert "Restored the version of" in page.locator(".messagelist").inner_text()
    restored = Article.objects.get(pk=story.pk)
    assert restored.headline == "Printed solar cells pass 40 %" and restored.explanation == FIRST
    assert restored.status == "published"
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"


def test_a_version_is_restored_without_javascript(desk):
    open_page, story = desk
    page = open_page("phone", javascript=False)
    oldest = story.history.order_by("history_date").first()
    page.goto(f"/admin/articles/article/{story.pk}/history/")
    page.get_by_role("link", name=f"Restore the version of {oldest.history_date:%-d %b %Y}").click()
    page.get_by_label("Why restore this version").fill("Back to the first count.")
    page.get_by_role("button", name="Restore this version").click()
    page.wait_for_url(f"**{change_path(story)}")
    assert Article.objects.get(pk=story.pk).headline == "Printed solar cells pass 40 %"
    assert story.history.first().history_change_reason.endswith("Back to the first count.")
