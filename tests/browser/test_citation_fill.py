"""A citation filled from its DOI in the story form, in headless Chromium at desktop and
phone sizes, with JavaScript (“Fill from DOI”) and without (a save fills it): an
editor logged in with their second factor pastes a DOI, the citation fills from the
tests' Crossref server over real HTTP, the story saves with it, and axe-core finds
nothing on the filled form, light and dark."""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from core.editors import EDITORS_GROUP
from tests.admin_forms import app_code, enrol, log_in_in_browser, recreate_editors_group
from tests.browser.test_accessibility import axe_violations, describe
from tests.browser.test_admin_layout import wait_for_autocompletes
from tests.factories import make_criteria, make_source
from tests.trust.crossref_server import PREPRINT, RETRACTED, crossref_server  # noqa: F401
from trust.models import Citation, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-editor-password"
ADD_STORY = "/admin/articles/article/add/"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
FILLED = {
    "title": "RETRACTED ARTICLE: Evidence of near-ambient superconductivity in a N-doped "
    "lutetium hydride",
    "kind": "primary",
    "url": "https://doi.org/10.1038/s41586-023-05742-0",
    "published_on": "2023-03-08",
    "licence": "https://www.springernature.com/gp/researchers/text-and-data-mining",
}


@pytest.fixture
def desk(browser, live_server, crossref_server):  # noqa: F811
    """Open the story form as an editor with a second factor; the journal is a source."""
    recreate_editors_group()
    editor = User.objects.create_user("ada", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    secret = enrol(editor)
    nature = make_source(name="Nature", slug="nature", criteria=make_criteria(), meets=[])
    contexts = []

    def open_form(viewport=DESKTOP, scheme="light", javascript=True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            color_scheme=scheme,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        log_in_in_browser(page, "ada", PASSWORD, then=ADD_STORY, code=app_code(secret))
        return page

    yield open_form, nature
    for context in contexts:
        context.close()


def fill_from(page, identifier):
    page.locator("#id_citations-0-doi").fill(identifier)
    page.locator("#citations-0").get_by_role("button", name="Fill from DOI").click()
    status = page.locator("#id_citations-0-doi-fill-status")
    status.filter(has_text="Filled from").wait_for()
    return status


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_doi_alone_fills_the_citation_and_the_story_saves_with_it(desk, viewport):
    open_form, nature = desk
    page = open_form(viewport)

    status = fill_from(page, f"https://doi.org/{RETRACTED}")

    for name, value in FILLED.items():
        assert page.locator(f"#id_citations-0-{name}").input_value() == value, name
    assert (
        page.locator("#id_citations-0-authors")
        .input_value()
        .startswith("Nathan Dasenbrock-Gammon, Elliot Snider")
    )
    assert page.locator("#id_citations-0-source").input_value() == str(nature.pk)
    assert page.locator("#citations-0 .select2-selection__rendered").inner_text() == "Nature"
    assert page.locator("#id_citations-0-doi").input_value() == RETRACTED
    assert page.locator("#citations-0 input.citation-filled").count() >= 5
    assert status.inner_text() == (
        "Filled from Crossref: title, authors, kind, link, publication date, licence, source. "
        "Check each marked field before saving."
    )
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )

    write_story(page)
    page.locator("input[name=_continue]").click()
    page.locator(".messagelist .success").wait_for()

    citation = Citation.objects.get()
    assert (citation.doi, citation.source, citation.title) == (RETRACTED, nature, FILLED["title"])
    assert str(citation.published_on) == FILLED["published_on"]


def write_story(page):
    page.locator("#id_headline").fill("A superconductor claim is retracted")
    page.locator("#id_slug").fill("superconductor-claim-retracted")
    page.locator("#id_dek").fill("Nature retracted the paper in November 2023.")
    page.locator("#id_byline").fill("Test Desk")
    page.locator("#id_explanation").fill("The claim did not hold up.")
    page.locator("#id_technical").fill("The resistance data were questioned.")


def test_without_javascript_saving_a_doi_fills_the_citation_for_a_second_save(desk):
    open_form, nature = desk
    page = open_form(PHONE, javascript=False)
    assert page.locator("#citations-0").get_by_role("button", name="Fill from DOI").count() == 0

    write_story(page)
    page.locator("#id_citations-0-doi").fill(RETRACTED)
    page.locator("input[name=_continue]").click()

    page.locator(".error-summary").get_by_text("Filled from Crossref").wait_for()
    for name, value in FILLED.items():
        assert page.locator(f"#id_citations-0-{name}").input_value() == value, name
    assert page.locator("#citations-0 .citation-filled").count() >= 5
    assert not Citation.objects.exists()

    page.locator("input[name=_continue]").click()
    page.locator(".messagelist .success").wait_for()
    citation = Citation.objects.get()
    assert (citation.source, citation.title) == (nature, FILLED["title"])


def test_a_journal_with_no_source_offers_the_source_form_filled(desk):
    open_form, _ = desk
    page = open_form()

    status = fill_from(page, PREPRINT)

    link = status.get_by_role("link", name="Add “bioRxiv” as a source")
    assert link.get_attribute("href") == (
        "/admin/trust/source/add/?name=bioRxiv&kind=preprint&home_url=http%3A%2F%2Fbiorxiv.org%2F"
    )
    with page.expect_popup() as opened:
        link.click()
    popup = opened.value
    popup.wait_for_load_state()
    assert popup.locator("#id_name").input_value() == "bioRxiv"
    assert popup.locator("#id_kind").input_value() == "preprint"
    assert popup.locator("#id_home_url").input_value() == "http://biorxiv.org/"

    # Saved in the admin's popup, the new source is chosen in the citation.
    for note in popup.locator("textarea[name$='-note']:visible").all():
        note.fill("Not assessed yet.")
    popup.locator("input[name=_save]").click()
    # Polled from here: the page's CSP refuses the eval a polling wait_for_function uses.
    expect(page.locator("#id_citations-0-source")).not_to_have_value("")
    added = Source.objects.get(name="bioRxiv")
    assert page.locator("#id_citations-0-source").input_value() == str(added.pk)


def test_a_failed_lookup_says_why_and_leaves_the_fields_to_type(desk, crossref_server):  # noqa: F811
    open_form, _ = desk
    page = open_form()

    page.locator("#id_citations-0-doi").fill("10.5555/nothing-here")
    page.locator("#citations-0").get_by_role("button", name="Fill from DOI").click()

    status = page.locator("#id_citations-0-doi-fill-status")
    status.filter(has_text="Crossref has no work").wait_for()
    assert status.inner_text() == "Crossref has no work with the DOI 10.5555/nothing-here."
    assert page.locator("#id_citations-0-title").input_value() == ""
    assert page.locator("#id_citations-0-title").is_editable()


@pytest.mark.parametrize(
    ("viewport", "scheme"),
    [(DESKTOP, "light"), (DESKTOP, "dark"), (PHONE, "light")],
    ids=["desktop-light", "desktop-dark", "phone-light"],
)
def test_the_filled_form_has_no_axe_violations(desk, viewport, scheme):
    open_form, _ = desk
    page = open_form(viewport, scheme)
    fill_from(page, RETRACTED)
    wait_for_autocompletes(page)

    violations = axe_violations(page)

    assert not violations, f"axe found violations:\n{describe({scheme: violations})}"
