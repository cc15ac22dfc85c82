"""The pages that show readers' signals with their counting rules, in each state: valid
HTML by the Nu checker, and in a real browser (phone and desktop, light and dark, with
and without JavaScript) without axe violations; a reader whose read another read from
their address counts for is told so, with JavaScript and without."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.origins import origin_of_address
from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import services
from predictions.models import Question
from tests.browser.schemes import each_scheme
from tests.browser.test_accessibility import AXE_SOURCE, axe_violations, checked, describe
from tests.factories import make_article, make_question, make_topic
from tests.predictions.test_leaderboard import make_account
from tests.test_html_validity import describe as describe_html
from tests.test_html_validity import run_vnu

# The sentence each page shows its counting rule in.
RULES = {
    "leaderboard": "Only readers with an account are ranked",
    "crowd-hidden": "The crowd shows once 5 independent forecasters have spoken",
    "crowd-hidden-closed": "Too few independent forecasters spoke for a crowd",
    "crowd-shown": "Each account counts as one forecaster",
    "story": "reads from one network address without an account count together as one",
    "community": "reads from one network address without an account count together as one",
    "methodology": "How readers' signals are counted",
}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def signals_site(settings):
    """A leaderboard of accounts, questions whose crowd is hidden (open, and closed) and
    shown, and a story with reads: the pages' paths by name, and a ranked account."""
    settings.LEADERBOARD_MIN_RESOLVED = 2
    topic = make_topic(name="Signals")
    accounts = [make_account(f"ranked-reader-{n}") for n in range(4)]
    resolved = [make_question(article=make_article(topics=[topic])) for _ in range(2)]
    for number, account in enumerate(accounts):
        for question in resolved:
            services.submit_forecast(
                question=question, reader_id=account.reader_id, probability=60 + 10 * number
            )
    for question in resolved:
        services.resolve_question(question=question, resolution="yes", note="")
    hidden = make_question(article=make_article(topics=[topic]))
    services.submit_forecast(question=hidden, reader_id="one", probability=99, origin="far")
    closed = make_question()
    services.submit_forecast(question=closed, reader_id="two", probability=99, origin="far")
    Question.objects.filter(pk=closed.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    shown = make_question()
    for number in range(5):
        services.submit_forecast(
            question=shown, reader_id=f"crowd-{number}", probability=30 + number
        )
    story = hidden.article
    # Read first from the address the test's browsers come from.
    here = origin_of_address("127.0.0.1")
    services.cast_read(article=story, reader_id="first", choice="promising", origin=here)
    pages = {
        "leaderboard": reverse("predictions:leaderboard"),
        "crowd-hidden": hidden.get_absolute_url(),
        "crowd-hidden-closed": closed.get_absolute_url(),
        "crowd-shown": shown.get_absolute_url(),
        "story": story.get_absolute_url(),
        "community": reverse("predictions:community"),
        "methodology": reverse("trust:methodology"),
    }
    return pages, accounts[-1], story


@pytest.mark.django_db
def test_the_signal_pages_are_valid_html(client, settings, tmp_path):
    pages, ranked, story = signals_site(settings)
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        (tmp_path / f"{name}.html").write_bytes(response.content)
    client.cookies[COOKIE_NAME] = signed_reader_cookie(ranked.reader_id)
    (tmp_path / "leaderboard-as-a-ranked-reader.html").write_bytes(
        client.get(pages["leaderboard"]).content
    )
    client.cookies.clear()
    landing = client.post(
        reverse("predictions:read", kwargs={"slug": story.slug}), {"choice": "overhyped"}
    )
    uncounted = client.get(landing["Location"]).content
    assert b"It is kept, but not counted" in uncounted
    (tmp_path / "story-uncounted-read.html").write_bytes(uncounted)

    errors = [m for m in run_vnu(tmp_path) if m.get("type") in ("error", "non-document-error")]
    assert not errors, describe_html(errors, tmp_path)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_signal_pages_have_no_axe_violations_anywhere(browser, live_server, settings):
    assert AXE_SOURCE, "axe-core is missing: run `make node-deps`"
    pages, ranked, story = signals_site(settings)
    found = {}
    for script in (True, False):
        for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            context = browser.new_context(
                base_url=live_server.url, viewport=viewport, java_script_enabled=script
            )
            page = context.new_page()
            for name, path in pages.items():
                page.goto(path)
                where = f"{name} [{size}, {'js' if script else 'no js'}]"
                if script:  # axe is a script; without one, the same HTML, unenhanced
                    checked(page, where, found)
                else:
                    for scheme in each_scheme(page):
                        assert page.get_by_text(RULES[name]).first.is_visible(), (where, scheme)
            context.close()
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("script", [True, False], ids=["javascript", "no-javascript"])
def test_a_second_reader_at_one_address_is_told_their_read_is_not_counted(
    browser, live_server, settings, script
):
    pages, _, story = signals_site(settings)
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=script
    )
    page = context.new_page()
    page.goto(pages["story"])
    community = page.locator("#community")
    community.get_by_role("button", name="Overhyped").click()
    community.get_by_text("Your read: Overhyped").wait_for()
    assert "It is kept, but not counted" in community.inner_text()
    assert "1 read so far" in community.inner_text()
    if script:
        violations = axe_violations(page)
        assert not violations, describe({"story after an uncounted read": violations})
    context.close()
