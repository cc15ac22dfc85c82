"""A reader sees each source described as a study, can learn what each label means, and
finds what would change the score under "Why this score?": at 390×844 and 1366×900,
light and dark, with and without JavaScript, with no axe violations and nothing wider
than the screen."""

import pytest

from tests.browser.schemes import each_scheme
from tests.browser.screenshots import keep
from tests.browser.test_accessibility import checked, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SELECT = "/articles/semaglutide-select-trial-heart-events/"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def new_page(browser, live_server, size, script):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=SIZES[size],
        java_script_enabled=script,
        reduced_motion="reduce",
    )
    return context.new_page()


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
@pytest.mark.parametrize("size", list(SIZES))
def test_the_labels_their_meanings_and_what_would_change_the_score_read_on_every_screen(
    browser, live_server, fixture_content, size, script
):
    page = new_page(browser, live_server, size, script)
    page.goto(SELECT)

    paper = page.locator("#citation-1")
    labels = paper.get_by_role("list", name="The study")
    labels.scroll_into_view_if_needed()
    assert labels.get_by_role("listitem").all_inner_texts() == [
        "Randomised trial",
        "17,604 people",
        "Preregistered NCT03574597",
        "Peer reviewed",
        "Funded by Novo Nordisk",
        "Conflicts: Authors include Novo Nordisk employees",
    ]
    registration = labels.get_by_role("link", name="NCT03574597")
    assert registration.get_attribute("href") == "https://clinicaltrials.gov/study/NCT03574597"
    design = labels.get_by_role("listitem").first
    assert design.get_attribute("title").startswith("People were assigned by chance")

    glossary = page.locator(".study-glossary")
    meaning = glossary.get_by_text("People were assigned by chance")
    assert not meaning.is_visible()
    glossary.get_by_text("What the study labels mean").click()
    assert meaning.is_visible()

    why = page.locator("#reality details")
    why.locator("summary").click()
    heading = why.get_by_role("heading", name="What would change our score")
    assert heading.is_visible()
    statements = why.locator(".would-change__list li").all_inner_texts()
    assert len(statements) == 2 and statements[0].startswith("Score down: another large")

    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    if script:
        found = {}
        checked(page, f"{SELECT} [{size}]", found)
        assert not any(found.values()), describe(found)
        for scheme in each_scheme(page):
            for name, selector in [("sources", "#sources"), ("why", "#reality")]:
                keep(page, f"{name}-{size}-{scheme}", part=selector)
    page.context.close()


def test_the_methodology_pages_study_designs_pass_axe_and_fit_a_phone(
    browser, live_server, fixture_content
):
    page = new_page(browser, live_server, "phone", True)
    page.goto("/methodology/#studies")
    table = page.get_by_role("table", name="Study designs")
    assert table.get_by_role("rowheader", name="Randomised controlled trial").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES["phone"]["width"]
    found = {}
    checked(page, "/methodology/", found, shot="methodology-phone", part="section:has(> #studies)")
    assert not any(found.values()), describe(found)
    page.context.close()
