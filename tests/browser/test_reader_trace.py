"""A returning reader finds their earlier read and forecast on the story, with a way to
change them, with JavaScript (the per-reader endpoint fills the panels) and without it
(one button to the story's page drawn for them); a forecast refused without JavaScript
lands back on the story with the reason next to the form. Phone and desktop; every
state passes axe in light and dark."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from core.readers import COOKIE_NAME, MARKER_COOKIE_NAME, signed_reader_cookie
from predictions import services
from predictions.models import Forecast, Question
from tests.browser.test_accessibility import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TSCM = "/articles/tscm-car-t-first-in-human/"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
READER = "b" * 32


@pytest.fixture
def returning_reader(fixture_content):
    """A reader who read the Tscm story as promising and forecast 70 % on its question."""
    article = Article.objects.get(slug="tscm-car-t-first-in-human")
    services.cast_read(article=article, reader_id=READER, choice="promising")
    services.submit_forecast(question=article.question, reader_id=READER, probability=70)
    return READER


def reader_page(browser, live_server, *, viewport, javascript, reader=None, scheme="light"):
    """A browser tab; with ``reader``, it carries that reader's cookies, as after a visit."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        java_script_enabled=javascript,
        color_scheme=scheme,
    )
    if reader:
        cookies = {COOKIE_NAME: signed_reader_cookie(reader), MARKER_COOKIE_NAME: "1"}
        url = live_server.url
        context.add_cookies([{"name": n, "value": v, "url": url} for n, v in cookies.items()])
    return context.new_page()


# What a browser without JavaScript lays out of <noscript>, for a page that runs scripts.
UNWRAP_NOSCRIPT = """document.querySelectorAll('noscript').forEach(noscript => {
  const drawn = document.createElement('template');
  drawn.innerHTML = noscript.textContent;
  noscript.replaceWith(drawn.content);
})"""


def as_drawn_without_javascript(page):
    """The page ``page`` (a tab without JavaScript) shows, in a tab where the checker can
    run: axe runs on timers, which a page without JavaScript never fires. The site's own
    scripts stay out, and what <noscript> holds is laid out."""
    context = page.context.browser.new_context(
        base_url=page.url, viewport=page.viewport_size, java_script_enabled=True
    )
    context.add_cookies(page.context.cookies())
    checked = context.new_page()
    checked.route("**/*.js", lambda route: route.abort())
    checked.goto(page.url)
    checked.evaluate(UNWRAP_NOSCRIPT)
    return checked


def collect_axe_violations(page, where, found, *, javascript):
    checked = page if javascript else as_drawn_without_javascript(page)
    checked.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    # From the top of the page: axe counts a button the sticky header happens to cover,
    # where the page was left scrolled, as too small to tap.
    checked.evaluate("window.scrollTo(0, 0)")
    for scheme in ("light", "dark"):
        checked.emulate_media(color_scheme=scheme)
        violations = axe_violations(checked)
        if violations:
            found[f"{where} [{scheme}]"] = violations
    if checked is not page:
        checked.context.close()


def assert_the_readers_own_choices(page):
    community, forecast = page.locator("#community"), page.locator("#forecast")
    community.get_by_text("Your read: Promising").wait_for()
    assert community.get_by_role("button", name="Promising").get_attribute("aria-pressed") == (
        "true"
    )
    assert "Promising (yours)" in community.inner_text()
    forecast.get_by_text("Your forecast: 70%").wait_for()
    assert forecast.get_by_label("Update your forecast").input_value() == "70"
    assert "Median 70%" in forecast.inner_text()  # their forecast shows them the crowd
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture(autouse=True)
def one_forecaster_makes_a_crowd(settings):
    """These journeys follow one reader, whose forecast is the whole crowd."""
    settings.CROWD_MIN_INDEPENDENT = 1


@pytest.mark.parametrize("size", VIEWPORTS)
def test_with_javascript_a_returning_reader_sees_and_changes_their_choices(
    browser, live_server, returning_reader, size
):
    page = reader_page(
        browser, live_server, viewport=VIEWPORTS[size], javascript=True, reader=returning_reader
    )
    page.goto(TSCM)
    assert_the_readers_own_choices(page)
    found = {}
    collect_axe_violations(page, f"story, filled by script [{size}]", found, javascript=True)
    assert not found, f"axe found violations:\n{describe(found)}"

    forecast = page.locator("#forecast")
    forecast.get_by_label("Update your forecast").fill("45")
    forecast.get_by_role("button", name="Update forecast").click()
    page.locator("#forecast").get_by_text("Saved: your forecast is now 45%.").wait_for()
    assert page.url.endswith(TSCM)
    assert Forecast.objects.current().get(reader_id=returning_reader).probability == 45
    page.context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_without_javascript_a_returning_reader_reaches_and_changes_their_choices(
    browser, live_server, returning_reader, size
):
    page = reader_page(
        browser, live_server, viewport=VIEWPORTS[size], javascript=False, reader=returning_reader
    )
    page.goto(TSCM)
    shared = page.locator("#forecast")
    assert "Your forecast" not in shared.inner_text()  # the page every reader gets
    found = {}
    collect_axe_violations(page, f"shared story [{size}]", found, javascript=False)

    page.locator("#community").get_by_role("button", name="Show your read").click()
    page.wait_for_url(f"**{TSCM}?saved=yours#community")
    assert_the_readers_own_choices(page)
    collect_axe_violations(page, f"the reader's own story [{size}]", found, javascript=False)
    assert not found, f"axe found violations:\n{describe(found)}"

    page.locator("#forecast").get_by_label("Update your forecast").fill("45")
    page.locator("#forecast").get_by_role("button", name="Update forecast").click()
    page.wait_for_url(f"**{TSCM}?saved=forecast#forecast")
    assert "Saved: your forecast is now 45%." in page.locator("#forecast").inner_text()
    page.context.close()


def without_the_browsers_own_checks(route):
    """The story as a browser that does not check a number field's range would see it, so
    that the refusal is the site's own."""
    html = route.fetch().text().replace(' min="1" max="99"', "").replace(" required", "")
    route.fulfill(body=html, headers={"Content-Type": "text/html; charset=utf-8"})


@pytest.mark.parametrize("size", VIEWPORTS)
def test_without_javascript_a_refused_forecast_lands_on_the_story_with_the_reason(
    browser, live_server, fixture_content, size
):
    page = reader_page(browser, live_server, viewport=VIEWPORTS[size], javascript=False)
    page.route(f"**{TSCM}", without_the_browsers_own_checks)
    page.goto(TSCM)
    page.locator("#forecast").get_by_label("How likely is “yes”?").fill("150")
    page.locator("#forecast").get_by_role("button", name="Submit forecast").click()

    page.wait_for_url(f"**{TSCM}?saved=refused#forecast")
    field = page.locator("#forecast").get_by_label("How likely is “yes”?")
    assert field.input_value() == "150"
    assert field.get_attribute("aria-invalid") == "true"
    reason = page.locator("#probability-error")
    assert "150 is more than 100 %" in reason.inner_text()
    # Next to the field: below it and its one line of help, inside the form.
    gap = page.evaluate(
        """() => document.getElementById('probability-error').getBoundingClientRect().top
        - document.getElementById('id_probability').getBoundingClientRect().bottom"""
    )
    assert 0 <= gap < 80
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    found = {}
    collect_axe_violations(page, f"refused forecast [{size}]", found, javascript=False)
    assert not found, f"axe found violations:\n{describe(found)}"
    assert not Forecast.objects.exists()

    field.fill("40")
    page.locator("#forecast").get_by_role("button", name="Submit forecast").click()
    page.wait_for_url(f"**{TSCM}?saved=forecast#forecast")
    assert "Saved: your forecast is now 40%." in page.locator("#forecast").inner_text()
    page.context.close()


def test_without_javascript_a_forecast_refused_by_the_rules_says_why(
    browser, live_server, fixture_content
):
    page = reader_page(browser, live_server, viewport=VIEWPORTS["phone"], javascript=False)
    page.goto(TSCM)
    # The question closes while the reader is reading.
    Question.objects.filter(slug="tscm-therapy-approved-by-2030").update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    page.locator("#forecast").get_by_label("How likely is “yes”?").fill("40")
    page.locator("#forecast").get_by_role("button", name="Submit forecast").click()
    page.wait_for_url(f"**{TSCM}?saved=refused#forecast")
    panel = page.locator("#forecast").inner_text()
    assert "This question is not taking forecasts" in panel
    assert "This question is closed: no new forecasts." in panel
    page.context.close()
