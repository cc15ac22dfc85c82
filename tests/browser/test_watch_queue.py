"""The citation watch's queue and a finding's page in headless Chromium, on a desk and on a
phone, light and dark: no axe-core violations, nothing wider than the screen, valid HTML
by the Nu HTML Checker, and an editor dismisses and accepts findings, with JavaScript and
without."""

import importlib
import os
from datetime import date
from io import StringIO
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.core.management import call_command

from tests.admin_forms import log_in_in_browser, recreate_editors_group
from tests.browser.test_accessibility import checked, describe
from tests.factories import cite, make_article, make_criteria, make_meter, make_source
from tests.test_html_validity import describe as describe_html_errors
from tests.test_html_validity import run_vnu
from trust import watch
from trust.models import Citation, FalsifiableStatement, WatchFinding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
QUEUE = "/admin/trust/watchfinding/"


@pytest.fixture
def desk(browser, live_server):
    """An editor, a story resting on a retracted paper with a statement of what would change
    its score, a pending retraction finding and a dismissed one; and a way to open a
    logged-in browser."""
    recreate_editors_group()
    importlib.import_module(
        "newsroom.migrations.0004_editors_decide_watch_findings"
    ).allow_deciding_findings(django_apps, None)
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": "a-long-editor-password"}):
        call_command("create_editor", "editor", stdout=StringIO())
    criteria = make_criteria()
    article = make_article(headline="Room-temperature superconductivity claimed in Lu-H-N")
    paper = cite(
        article,
        make_source(meets=criteria, name="Nature"),
        title="Evidence of near-ambient superconductivity in a N-doped lutetium hydride",
        doi="10.1038/s41586-023-05742-0",
    )
    other = cite(article, make_source(meets=criteria[:1]), title="A replication attempt")
    make_meter(article, values=[40, None], weights=[50, 50])
    FalsifiableStatement.objects.create(
        article=article, text="An independent lab measures zero resistance in the same material."
    )
    pending = WatchFinding.objects.create(
        citation=paper,
        kind=WatchFinding.Kind.RETRACTION,
        notice_doi="10.1038/s41586-023-06774-2",
        notice_url="https://doi.org/10.1038/s41586-023-06774-2",
        notice_date=date(2023, 11, 7),
        record_source=watch.RECORD_PUBLISHER,
        detail="Retraction notice of 7 November 2023. Retraction Watch records it too "
        "(record 48452).",
    )
    WatchFinding.objects.create(
        citation=other,
        kind=WatchFinding.Kind.CORRECTION,
        notice_doi="10.1000/correction.1",
        notice_url="https://doi.org/10.1000/correction.1",
        record_source=watch.RECORD_RETRACTION_WATCH_CSV,
        detail="Correction notice of 1 March 2024",
        state=WatchFinding.State.DISMISSED,
        decision_reason="A correction of a typo in a figure legend.",
    )
    contexts = []

    def open_page(viewport=DESKTOP, javascript=True):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        log_in_in_browser(page, "editor", "a-long-editor-password", then=QUEUE)
        return page

    yield open_page, pending
    for context in contexts:
        context.close()


def sideways_overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_queue_and_a_findings_page_pass_axe_and_fit_the_screen(desk, size):
    open_page, pending = desk
    page = open_page({"desktop": DESKTOP, "phone": PHONE}[size])
    found = {}
    for name, path in [("queue", QUEUE), ("finding", f"{QUEUE}{pending.pk}/change/")]:
        page.goto(path)
        page.locator("#content").wait_for()
        assert sideways_overflow(page) <= 0, f"{name} is wider than the {size}'s screen"
        checked(page, f"{name} [{size}]", found, shot=f"{name}-{size}")
    assert not any(found.values()), describe(found)


@pytest.mark.parametrize("javascript", [True, False])
def test_an_editor_refuses_a_reasonless_dismissal_then_accepts(desk, javascript):
    open_page, pending = desk
    page = open_page(javascript=javascript)
    page.get_by_role("link", name="Retraction").first.click()
    page.get_by_text("May bear on what would change the score").wait_for()
    page.get_by_role("button", name="Dismiss").click()
    page.get_by_text("This field is required.").wait_for()
    assert page.title().startswith("Error: ")
    assert WatchFinding.objects.get(pk=pending.pk).state == "pending"

    page.get_by_label("Note to readers").fill("Nature retracted the paper at its authors' request.")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_url(f"**{QUEUE}")
    page.get_by_text("Accepted: the citation is updated and the story scored again.").wait_for()
    citation = Citation.objects.get(pk=pending.citation_id)
    assert (citation.status, citation.status_date) == ("retracted", date(2023, 11, 7))
    assert WatchFinding.objects.get(pk=pending.pk).state == "accepted"


def test_the_queue_and_a_findings_page_are_valid_html(desk, client, tmp_path):
    _, pending = desk
    client.force_login(User.objects.get(username="editor"))
    pages = {
        "queue": QUEUE,
        "finding": f"{QUEUE}{pending.pk}/change/",
        "dismissed": f"{QUEUE}{WatchFinding.objects.get(state='dismissed').pk}/change/",
    }
    for name, path in pages.items():
        (tmp_path / f"{name}.html").write_bytes(client.get(path).content)
    refused = client.post(pages["finding"], {"_dismiss": "Dismiss", "dismiss-reason": ""})
    (tmp_path / "refused.html").write_bytes(refused.content)

    errors = [m for m in run_vnu(tmp_path) if m.get("type") in ("error", "non-document-error")]
    assert not errors, describe_html_errors(errors, tmp_path)
