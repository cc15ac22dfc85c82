"""The score history and the reliability diagram read on a phone and a desktop, in light
and dark: readable tick labels that do not collide, a plot of a useful size, no sideways
scroll, axe's WCAG rules met, and each change's reason reached from the keyboard."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests.browser.test_accessibility import axe_violations, describe, open_everything

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LUTETIUM = "/articles/lutetium-hydride-superconductor-claim/"
LK99 = "/articles/lk-99-room-temperature-superconductor-claim/"
CALIBRATION = "/calibration/"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
# The smallest text a chart may print, in CSS pixels: 0.75rem.
SMALLEST_TEXT = 12


@pytest.fixture(scope="module", autouse=True)
def leave_the_database_as_the_migrations_left_it(django_db_setup, django_db_blocker):
    """Put back what the data migrations made (the Editors group) once these tests are
    done: the flush after each transactional test empties every table, and the admin's
    browser tests expect the group (tests/browser/test_accessibility.py says more)."""
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(snapshot)


@pytest.fixture(params=[(size, scheme) for size in VIEWPORTS for scheme in ("light", "dark")])
def reader(request, browser, live_server, fixture_content):
    size, scheme = request.param
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORTS[size], color_scheme=scheme
    )
    page = context.new_page()
    yield page
    context.close()


def labels_of(page, selector):
    """The box and font size of each text in ``selector``, as drawn."""
    return page.evaluate(
        """selector => Array.from(document.querySelectorAll(selector)).map(el => {
            const r = el.getBoundingClientRect();
            return {text: el.textContent, left: r.left, right: r.right, top: r.top,
                    bottom: r.bottom, size: parseFloat(getComputedStyle(el).fontSize)};
        })""",
        selector,
    )


def collisions(labels):
    """Pairs of labels whose boxes overlap."""
    return [
        (a["text"], b["text"])
        for index, a in enumerate(labels)
        for b in labels[index + 1 :]
        if a["left"] < b["right"] - 0.5
        and b["left"] < a["right"] - 0.5
        and a["top"] < b["bottom"] - 0.5
        and b["top"] < a["bottom"] - 0.5
    ]


def assert_reads(page, figure):
    """The chart's labels are big enough, apart, and the page does not scroll sideways."""
    for selector in (f"{figure} .chart__ticks text", f"{figure} .chart__y span"):
        labels = labels_of(page, selector)
        assert len(labels) >= 5, selector
        assert min(label["size"] for label in labels) >= SMALLEST_TEXT, selector
        assert not collisions(labels), f"{selector}: {collisions(labels)}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_three_weeks_of_history_read_at_every_size(reader):
    """LK-99's story moved after three weeks: a tick a week, the longest labels."""
    reader.goto(LK99)
    assert_reads(reader, "#score-history figure")


def test_the_score_history_reads_at_every_size(reader):
    reader.goto(LUTETIUM)
    open_everything(reader)
    figure = "#score-history figure"
    assert_reads(reader, figure)
    plot = reader.locator(f"{figure} svg[role=img]").bounding_box()
    assert plot["height"] >= 180 and plot["width"] >= 280
    # Each dot is on the plot, numbered, and its number clear of the others.
    numbers = labels_of(reader, f"{figure} .chart__mark-label")
    assert [label["text"] for label in numbers] == ["1", "2", "3"]
    assert not collisions(numbers)
    assert all(plot["y"] - 20 <= label["top"] <= plot["y"] + plot["height"] for label in numbers)
    table = reader.get_by_role("table", name="The reality score (out of 100) and its band")
    assert table.locator("tbody tr").count() == 3
    assert reader.evaluate("document.querySelector('.score-history__table').scrollWidth") <= (
        reader.evaluate("document.querySelector('#score-history .table-scroll').clientWidth")
    ), "the data table fits without scrolling"
    violations = axe_violations(reader)
    assert not violations, describe({LUTETIUM: violations})


def test_the_reliability_diagram_reads_at_every_size(reader):
    reader.goto(CALIBRATION)
    open_everything(reader)
    figure = "figure.chart--calibration"
    assert_reads(reader, figure)
    plot = reader.locator(f"{figure} svg[role=img]").bounding_box()
    assert plot["width"] >= 300 and abs(plot["width"] - plot["height"]) < 1, "a square"
    assert reader.locator(f"{figure} .calibration__ideal-label").is_visible()
    counts = reader.locator(f"{figure} .chart__counts li")
    assert counts.count() == 10
    # The counts sit under their bands: ten equal columns across the plot.
    first, last = counts.first.bounding_box(), counts.last.bounding_box()
    assert (
        abs(first["x"] - plot["x"]) < 2
        and abs(last["x"] + last["width"] - plot["x"] - plot["width"]) < 2
    )
    violations = axe_violations(reader)
    assert not violations, describe({CALIBRATION: violations})


def test_a_keyboard_reader_reaches_each_changes_reason_from_the_data(
    browser, live_server, fixture_content
):
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORTS["phone"], reduced_motion="reduce"
    )
    page = context.new_page()
    page.goto(LUTETIUM)
    history = page.locator("#score-history")
    history.get_by_text("Show the data").focus()
    page.keyboard.press("Enter")
    assert history.locator("details").evaluate("d => d.open")
    page.keyboard.press("Tab")  # the table's scrolling region
    page.keyboard.press("Tab")  # its first row's number
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#score-change-1"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#score-change-3'")
    change = history.locator("#score-change-3")
    assert change.evaluate("li => li.matches(':target')")
    assert "Nature retracted the paper" in change.inner_text()
    box = change.bounding_box()
    assert 0 <= box["y"] < VIEWPORTS["phone"]["height"], "the change is on screen"
    context.close()
