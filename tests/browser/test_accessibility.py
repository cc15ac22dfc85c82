"""Every page type passes axe-core's WCAG 2.2 AA rules in light and dark mode, and the
article works from the keyboard with a visible focus; every chart has a text equivalent."""

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from predictions import services
from predictions.models import Forecast, Question
from tests.browser.schemes import each_scheme, shown_in
from tests.browser.screenshots import keep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE_SCRIPT.read_text() if AXE_SCRIPT.exists() else ""
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TSCM = "/articles/tscm-car-t-first-in-human/"
TSCM_QUESTION = "/predictions/tscm-therapy-approved-by-2030/"
RESOLVED_QUESTION = "/predictions/lecanemab-traditional-approval-2023/"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 740}

# Every page type a reader reaches, before the reader has done anything.
PAGES = [
    ("front", "/"),
    ("article", TSCM),
    ("article, a definition open in place", f"{TSCM}#open-definition"),
    ("article, the technical part alone", f"{TSCM}?part=technical"),
    ("article, the evidence part alone", f"{TSCM}?part=evidence"),
    ("article with a lead image", "/articles/nif-fusion-ignition/"),
    ("article with a figure", "/articles/semaglutide-select-trial-heart-events/"),
    ("author", "/authors/mara-lindqvist/"),
    ("topic index", "/topics/"),
    ("topic", "/topics/immunology/"),
    ("glossary", "/glossary/"),
    ("glossary term", "/glossary/tscm/"),
    ("sources", "/sources/"),
    ("source", "/sources/nature/"),
    ("methodology", "/methodology/"),
    ("predictions", "/predictions/"),
    ("question", TSCM_QUESTION),
    ("resolved question", RESOLVED_QUESTION),
    ("leaderboard", "/predictions/leaderboard/"),
    ("community", "/community/"),
    ("calibration", "/calibration/"),
    ("search", "/search/?q=T+cells"),
    ("empty search", "/search/?q=zzyzx"),
    ("common-words search", "/search/?q=the+of"),
    ("404", "/no-such-page/"),
    ("article with a retracted source", "/articles/lutetium-hydride-superconductor-claim/"),
    ("article in a follow-up thread", "/articles/lk-99-superconductor-claim-fails-replication/"),
]
# The same reader, after voting and forecasting through the pages.
PAGES_AFTER_ACTING = [
    ("article, after voting and forecasting", TSCM),
    ("question, after forecasting", TSCM_QUESTION),
    ("track record", "/predictions/me/"),
]


@pytest.fixture(scope="module", autouse=True)
def leave_the_database_as_the_migrations_left_it(django_db_setup, django_db_blocker):
    """Put back what the data migrations made (the Editors group) once these tests are done.

    These are the run's first transactional tests, and the flush after each empties every
    table; test_admin_preview.py, next, expects the Editors group. Its serialized_rollback
    cannot put it back once a non-browser database test has run first (the snapshot Django
    keeps on the connection is then not on the one the browser tests use), so this module
    takes its own snapshot and restores it.
    """
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(snapshot)


@pytest.fixture
def site(fixture_content):
    """The fixture stories plus a few labelled demo forecasts, so resolved questions have charts."""
    call_command("seed_demo_forecasts", readers=8, stdout=StringIO())


def new_page(browser, live_server, *, scheme="light", viewport=DESKTOP, **options):
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, color_scheme=scheme, **options
    )
    return context.new_page()


def open_everything(page):
    """Axe only checks what is rendered: open every disclosure first, and on request
    (#open-definition) the first term's definition in place."""
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    if page.url.endswith("#open-definition"):
        page.locator("button.term").first.click()
        page.locator("[popover]:popover-open").wait_for()


def axe_violations(page):
    # Evaluated through the DevTools protocol rather than page.add_script_tag: the site's
    # Content-Security-Policy (rightly) refuses inline scripts, and it stays in force here.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']}).then(results => results.violations)",
        AXE_TAGS,
    )


def checked(page, where, found, *, shot=None, part=None):
    """axe-core's violations on ``page`` in each scheme, into ``found`` as ``where
    [scheme]``; with ``shot``, a screenshot in each as ``shot-scheme`` (of the element
    ``part`` only, when given)."""
    for scheme in each_scheme(page):
        found[f"{where} [{scheme}]"] = axe_violations(page)
        if shot:
            keep(page, f"{shot}-{scheme}", part=part)


def collect_csp_errors(page, errors):
    """What the Content-Security-Policy blocks (inline styles or scripts) lands in ``errors``."""

    def on_console(message):
        if "Content Security Policy" in message.text:
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)


def describe(violations_by_page):
    lines = []
    for where, violations in violations_by_page.items():
        for violation in violations:
            lines.append(f"{where}: {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:6]:
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                lines.append(f"    {' '.join(map(str, node['target']))}  — {summary[:240]}")
            if len(violation["nodes"]) > 6:
                lines.append(f"    … and {len(violation['nodes']) - 6} more")
    return "\n".join(lines)


def vote_and_forecast(page):
    """A reader votes and forecasts through the article, as a reader would."""
    page.goto(TSCM)
    page.locator("#community").get_by_role("button", name="Promising").click()
    page.locator("#community").get_by_text("Your read: Promising").wait_for()
    page.locator("#forecast").get_by_label("How likely is “yes”?").fill("30")
    page.locator("#forecast").get_by_role("button", name="Submit forecast").click()
    page.locator("#forecast").get_by_text("Your forecast: 30%").wait_for()


def score_on_resolved_question(reader_id, slug, probability):
    """Give the reader a scored forecast on a resolved question, for calibration and scores."""
    question = Question.objects.get(slug=slug)
    Forecast.objects.create(
        question=question,
        reader_id=reader_id,
        probability=probability,
        made_at=question.opens_at + timedelta(days=1),
    )
    services.resolve_question(
        question=question,
        resolution=question.resolution,
        note=question.resolution_note,
        now=question.resolved_at,
    )


def reader_has_a_track_record(page):
    vote_and_forecast(page)
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "reader")
    reader_id = cookie.split(":")[0]  # the signed value is "<id>:<timestamp>:<signature>"
    score_on_resolved_question(reader_id, "lecanemab-traditional-approval-2023", 70)
    score_on_resolved_question(reader_id, "lk-99-confirmed-by-end-of-2023", 15)


# Both schemes at the desktop size, and the phone layout once (in dark mode); one
# database set-up for all of them keeps the suite quick.
VARIANTS = [("desktop", DESKTOP, ("light", "dark")), ("phone", PHONE, ("dark",))]


def test_every_page_type_has_no_axe_violations_in_light_and_dark(browser, live_server, site):
    found, csp_errors = {}, []

    def check(page, name, path, size, schemes):
        page.goto(path)
        open_everything(page)
        for scheme in schemes:
            shown_in(page, scheme)
            found[f"{name} {path} [{scheme}, {size}]"] = axe_violations(page)

    for size, viewport, schemes in VARIANTS:
        page = new_page(browser, live_server, viewport=viewport)
        collect_csp_errors(page, csp_errors)
        for name, path in PAGES:
            check(page, name, path, size, schemes)
        reader_has_a_track_record(page)
        for name, path in PAGES_AFTER_ACTING:
            check(page, name, path, size, schemes)
        page.context.close()

    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"
    assert not csp_errors, "the Content-Security-Policy blocked:\n" + "\n".join(csp_errors)


# Keyboard

FOCUSABLE = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary,"
    " [tabindex]:not([tabindex='-1'])"
)


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, fixture_content):
    page.goto(TSCM)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    box = page.locator(".skip-link").bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10, "the focused skip link is on screen"

    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def focus_style(page):
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]; }"""
    )


def test_every_control_on_the_article_is_reachable_with_a_visible_focus(browser, live_server, site):
    page = new_page(browser, live_server)
    vote_and_forecast(page)  # the panels then show their fullest set of controls
    page.goto(TSCM)
    # The reader's own panels replace the shared ones once the per-reader endpoint answers.
    page.locator("#community").get_by_text("Your read:").wait_for()
    page.locator("#forecast").get_by_text("Your forecast:").wait_for()
    open_everything(page)
    controls = page.evaluate(
        """selector => Array.from(document.querySelectorAll(selector))
            .filter(el => !el.disabled && el.getClientRects().length
                    && getComputedStyle(el).visibility !== 'hidden')
            .map((el, index) => {
                el.dataset.a11yIndex = index;
                const s = getComputedStyle(el);
                return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow];
            })""",
        FOCUSABLE,
    )
    assert len(controls) > 40

    reached, invisible, obscured = set(), [], []
    for _ in range(len(controls) + 5):
        page.keyboard.press("Tab")
        index = page.evaluate("document.activeElement.dataset.a11yIndex")
        if index is None:
            continue
        index = int(index)
        if index in reached:
            break
        reached.add(index)
        style = focus_style(page)
        outline_style, outline_width, _, box_shadow = style
        has_outline = outline_style not in ("none", "hidden") and float(outline_width[:-2]) >= 2
        if not (has_outline or box_shadow != controls[index][3]) or style == controls[index]:
            invisible.append(page.evaluate("document.activeElement.outerHTML.slice(0, 120)"))
        # WCAG 2.4.11: the sticky "Read it" bar must not hide the focused control.
        if page.evaluate(
            """() => { const el = document.activeElement, r = el.getBoundingClientRect();
            const bar = document.querySelector('.register-switch');
            if (!bar || bar.contains(el)) return false;
            const b = bar.getBoundingClientRect();
            const across = r.left < b.right && r.right > b.left;  // the rail is beside it
            return across && r.top >= b.top && r.bottom <= b.bottom; }"""
        ):
            obscured.append(page.evaluate("document.activeElement.outerHTML.slice(0, 120)"))

    missed = [
        page.evaluate(
            "i => document.querySelector(`[data-a11y-index='${i}']`).outerHTML.slice(0, 120)",
            index,
        )
        for index in range(len(controls))
        if index not in reached
    ]
    assert not missed, "not reachable with Tab:\n" + "\n".join(missed)
    assert not invisible, "no visible focus indicator:\n" + "\n".join(invisible)
    assert not obscured, "hidden under the sticky bar when focused:\n" + "\n".join(obscured)
    page.context.close()


def test_the_meter_reads_and_forecast_are_operable_from_the_keyboard(page, fixture_content):
    page.goto(TSCM)
    page.locator("#reality summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("#reality details").evaluate("d => d.open")

    page.locator("#community").get_by_role("button", name="Overhyped").focus()
    page.keyboard.press("Enter")
    page.locator("#community").get_by_text("Your read: Overhyped").wait_for()
    # The panel was replaced under the keyboard: focus comes back to the same, now pressed, choice.
    assert page.evaluate(
        "document.activeElement.value === 'overhyped'"
        " && document.activeElement.getAttribute('aria-pressed') === 'true'"
    )

    page.locator("#forecast").get_by_label("How likely is “yes”?").focus()
    page.keyboard.type("62")
    page.keyboard.press("Enter")  # submits the form; the question page shows the forecast
    page.locator("#forecast").get_by_text("Your forecast: 62%").wait_for()


# Charts


def test_every_chart_has_a_text_equivalent(browser, live_server, site, settings):
    settings.CROWD_MIN_INDEPENDENT = 1  # the reader's one forecast draws the crowd's charts
    page = new_page(browser, live_server)
    reader_has_a_track_record(page)

    def svgs_without_text_equivalent():
        return page.evaluate(
            """() => Array.from(document.querySelectorAll('main svg'))
            .filter(svg => svg.getAttribute('aria-hidden') !== 'true')
            .filter(svg => svg.getAttribute('role') !== 'img'
                    || !(svg.getAttribute('aria-label') || svg.getAttribute('aria-labelledby')))
            .map(svg => svg.outerHTML.slice(0, 100))"""
        )

    page.goto(TSCM)
    assert not svgs_without_text_equivalent()
    # The reality gauge: its name says the score and the band.
    score = page.locator(".meter__number").first.inner_text()
    assert page.get_by_role("img", name=re.compile(rf"\b{score} out of 100")).count() == 1
    # The read bars are decoration: counts and percentages are text beside them.
    bars = page.locator("#community .bar")
    assert bars.count() == 4
    assert re.search(r"1 · 100%", page.locator("#community .bar--mine").inner_text())
    # The forecast histogram and history: a caption names the chart, a table gives the data.
    histogram = page.locator("#forecast figure.chart--histogram")
    assert histogram.get_by_role("img", name=re.compile(r"the 1 current forecast")).count() == 1
    rows = histogram.locator("table tbody tr")
    assert rows.count() == 10
    assert "30–39%" in rows.nth(3).inner_text() and "1" in rows.nth(3).inner_text()
    # One day of forecasts is a sentence, not a chart of a single dot.
    assert page.locator("#forecast figure.chart--history").count() == 0
    one_day = page.locator("#forecast .chart-note").inner_text()
    assert one_day.startswith("One day of data so far: the community median was 30%")

    page.goto(RESOLVED_QUESTION)
    assert not svgs_without_text_equivalent()
    assert page.locator("figure.chart--history table tbody tr").count() >= 2

    page.goto("/predictions/me/")
    assert not svgs_without_text_equivalent()
    calibration = page.locator("figure.chart--calibration")
    assert calibration.get_by_role("img", name=re.compile("^Calibration: each dot")).count() == 1
    calibration_rows = page.locator("table.calibration__table tbody tr")
    assert calibration_rows.count() == 2  # the 10–19% and 70–79% bands
    page.context.close()
