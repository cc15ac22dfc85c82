"""Readers vote and forecast in headless Chromium."""

import pytest

from predictions.models import Forecast, Read

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TSCM = "/articles/tscm-car-t-first-in-human/"


def test_voting_updates_the_bars_without_a_page_reload(page, fixture_content):
    page.goto(TSCM)
    page.evaluate("window.stillTheSamePage = true")
    panel = page.locator("#community")

    panel.get_by_role("button", name="Promising").click()
    panel.get_by_text("Your read: Promising").wait_for()

    assert page.evaluate("window.stillTheSamePage") is True
    assert "1 read so far" in page.locator("#community").inner_text()
    assert page.locator("#community .bar--mine .bar__label").inner_text().startswith("Promising")

    page.locator("#community").get_by_role("button", name="Overhyped").click()
    page.locator("#community").get_by_text("Your read: Overhyped").wait_for()
    assert list(Read.objects.values_list("choice", flat=True)) == ["overhyped"]


def test_voting_works_without_javascript(browser, live_server, fixture_content):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(TSCM)
    page.locator("#community").get_by_role("button", name="Too early to tell").click()
    page.wait_for_url(f"**{TSCM}?saved=read#community")
    panel = page.locator("#community").inner_text()
    assert "Saved: your read is “Too early to tell”." in panel
    assert "Your read: Too early to tell" in panel
    context.close()


def test_forecasting_without_javascript_lands_back_on_the_story(
    browser, live_server, fixture_content
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(TSCM)
    page.locator("#forecast").get_by_label("How likely is “yes”?").fill("40")
    page.locator("#forecast").get_by_role("button", name="Submit forecast").click()
    page.wait_for_url(f"**{TSCM}?saved=forecast#forecast")
    panel = page.locator("#forecast")
    assert "Saved: your forecast is now 40%." in panel.inner_text()
    assert panel.get_by_label("Update your forecast").input_value() == "40"
    context.close()


def test_a_returning_reader_sees_their_own_read_on_the_shared_page(page, fixture_content):
    page.goto(TSCM)
    page.locator("#community").get_by_role("button", name="Promising").click()
    page.locator("#community").get_by_text("Your read: Promising").wait_for()
    page.goto(TSCM)  # the same shared page; the script asks for this reader's panels
    page.locator("#community").get_by_text("Your read: Promising").wait_for()
    assert page.locator("#community button[value=promising]").get_attribute("aria-pressed") == (
        "true"
    )


def test_a_reader_forecasts_sees_the_crowd_and_updates(page, fixture_content, settings):
    settings.CROWD_MIN_INDEPENDENT = 1  # the quorum: tests/predictions/test_signals_crowd.py
    page.goto(TSCM)
    forecast = page.locator("#forecast")
    assert "The crowd shows once 1 independent forecaster has spoken" in forecast.inner_text()

    forecast.get_by_label("How likely is “yes”?").fill("30")
    forecast.get_by_role("button", name="Submit forecast").click()
    page.locator("#forecast").get_by_text("Your forecast: 30%").wait_for()
    assert "Median 30%" in page.locator("#forecast").inner_text()

    page.locator("#forecast").get_by_label("Update your forecast").fill("45")
    page.locator("#forecast").get_by_role("button", name="Update forecast").click()
    page.locator("#forecast").get_by_text("Your forecast: 45%").wait_for()
    assert "Saved: your forecast is now 45%." in page.locator("#forecast").inner_text()
    assert page.url.endswith(TSCM)  # forecasting keeps the reader on the story

    page.goto("/predictions/me/")
    assert "Your forecast 45%" in page.locator("main").inner_text()
    assert Forecast.objects.count() == 2
