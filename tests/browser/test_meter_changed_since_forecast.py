"""A reader forecasts, an editor's review moves the story's reality meter, and the
reader's prediction panel and track record say so with the old and new scores: phone and
desktop, with and without JavaScript; the pages with the note pass axe in light and dark
and the Nu HTML Checker."""

import pytest
from django.test import Client

from articles.models import Article
from core.readers import COOKIE_NAME
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_accessibility import describe as describe_axe
from tests.test_html_validity import describe as describe_vnu
from tests.test_html_validity import run_vnu
from trust.models import ComponentScore
from trust.services import rescore_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TSCM = "/articles/tscm-car-t-first-in-human/"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
NOTE = "the story’s reality score was 38/100 (Early signal) when you forecast"
NOW = "is 54/100 (Plausible) now (up 16 points)"


def new_reader(browser, live_server, *, viewport, javascript=True, scheme="light"):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        java_script_enabled=javascript,
        color_scheme=scheme,
    )
    return context.new_page()


def forecast_on_the_story(page):
    page.goto(TSCM)
    page.locator("#forecast").get_by_label("How likely is “yes”?").fill("30")
    page.locator("#forecast").get_by_role("button", name="Submit forecast").click()
    page.locator("#forecast").get_by_text("Your forecast: 30%").wait_for()
    assert "Changed since your forecast" not in page.locator("#forecast").inner_text()


def an_editor_reviews_the_evidence():
    """What saving the story's meter in the admin does: a component's new value (a second
    group confirmed the result: 10 → 90, weighing 20 %), then the story rescored with the
    editor's reason, which records the move in its score history."""
    article = Article.objects.get(slug="tscm-car-t-first-in-human")
    ComponentScore.objects.filter(
        article=article, component__slug="independent-confirmation"
    ).update(value=90)
    rescore_article(article=article, reason="A second group reproduced the persistence data")


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_panel_and_track_record_say_the_meter_moved(
    browser, live_server, fixture_content, size, javascript
):
    page = new_reader(browser, live_server, viewport=VIEWPORTS[size], javascript=javascript)
    forecast_on_the_story(page)
    an_editor_reviews_the_evidence()

    page.goto(TSCM)
    panel = page.locator("#forecast")
    if javascript:
        # The story page is shared; the reader's own panel arrives by script.
        panel.get_by_text("Changed since your forecast:").wait_for()
        assert NOTE in panel.inner_text() and NOW in panel.inner_text()
    else:
        assert "Changed since your forecast" not in panel.inner_text()

    page.goto("/predictions/me/")
    note = page.locator(".my-history .changed")
    assert note.count() == 1
    assert NOTE in note.inner_text() and NOW in note.inner_text()
    assert "or the story’s reality score (out of 100) by more than 10 points" in (
        page.locator("main").inner_text()
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.context.close()


def test_the_pages_with_the_note_pass_axe_and_the_html_checker(
    browser, live_server, fixture_content, tmp_path
):
    page = new_reader(browser, live_server, viewport=VIEWPORTS["desktop"])
    forecast_on_the_story(page)
    an_editor_reviews_the_evidence()
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(TSCM)
        page.locator("#forecast .changed").wait_for()
        found[f"story [{scheme}]"] = axe_violations(page)
        page.goto("/predictions/me/")
        found[f"track record [{scheme}]"] = axe_violations(page)
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe_axe(found)}"

    # The markup as served: the landing page after a forecast posted without JavaScript
    # carries the reader's own panel, like the track record.
    client = Client()
    client.cookies[COOKIE_NAME] = next(
        c["value"] for c in page.context.cookies() if c["name"] == COOKIE_NAME
    )
    for name, path in [("story", f"{TSCM}?saved=forecast"), ("track-record", "/predictions/me/")]:
        html = client.get(path).content
        assert b"Changed since your forecast" in html, name
        (tmp_path / f"{name}.html").write_bytes(html)
    errors = [m for m in run_vnu(tmp_path) if m.get("type") in ("error", "non-document-error")]
    assert not errors, f"the Nu HTML Checker found errors:\n{describe_vnu(errors, tmp_path)}"
    page.context.close()
