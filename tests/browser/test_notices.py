"""Following in headless Chromium: a signed-in reader follows a question from its page,
the question resolves, and the reader finds it in the inbox and marks it read; a reader
without an account is told that following needs one. Phone and desktop, light and dark,
with and without JavaScript; the one-click unsubscribe page; axe-core finds nothing on
any page on the way."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.backends import BACKEND
from notices import links, tasks
from notices.models import Preferences
from predictions import services as predictions
from tests.browser.test_accessibility import DESKTOP, axe_violations, describe, new_page
from tests.factories import make_article, make_question
from tests.notices.conftest import make_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
VARIANTS = [
    pytest.param("light", DESKTOP, True, id="light-desktop"),
    pytest.param("dark", DESKTOP, False, id="dark-desktop-no-javascript"),
    pytest.param("light", PHONE, False, id="light-phone-no-javascript"),
    pytest.param("dark", PHONE, True, id="dark-phone"),
]


def signed_in_page(browser, live_server, account, **options):
    page = new_page(browser, live_server, **options)
    client = Client()
    client.force_login(account.user, backend=BACKEND)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return page


@pytest.mark.parametrize(("scheme", "viewport", "javascript"), VARIANTS)
def test_a_reader_follows_a_question_and_finds_its_resolution_in_the_inbox(
    browser, live_server, scheme, viewport, javascript
):
    account = make_account()
    question = make_question(text="Will the telescope see first light by 2030?")
    page = signed_in_page(
        browser,
        live_server,
        account,
        scheme=scheme,
        viewport=viewport,
        java_script_enabled=javascript,
    )
    found = {}

    page.goto(question.get_absolute_url())
    found["question"] = axe_violations(page) if javascript else []
    page.get_by_role("button", name="Follow this question").click()
    page.get_by_text("You now follow “Will the telescope see first light by 2030?”").wait_for()
    follows = page.get_by_role("region", name="What you follow")
    assert follows.get_by_role("link", name=question.text).is_visible()
    found["settings"] = axe_violations(page) if javascript else []

    predictions.resolve_question(question=question, resolution="yes", note="It did.")
    tasks.deliver_waiting_events.call_local()
    page.get_by_role("link", name="Inbox").click()
    entry = page.get_by_role("listitem").filter(has_text="Resolved: " + question.text)
    entry.wait_for()
    assert entry.get_by_text("It resolved “Yes”. You had no forecast on it.").is_visible()
    assert entry.get_by_text("New").is_visible()
    found["inbox"] = axe_violations(page) if javascript else []

    entry.get_by_role("button", name="Mark read").click()
    page.get_by_role("button", name="Mark all read").wait_for()
    assert page.get_by_role("listitem").filter(has_text="Resolved:").get_by_text("New").count() == 0
    found["inbox, read"] = axe_violations(page) if javascript else []

    if not javascript:  # the same pages, checked by axe with JavaScript on
        checker = signed_in_page(browser, live_server, account, scheme=scheme, viewport=viewport)
        for name, path in [("question", question.get_absolute_url()), ("inbox", "/account/inbox/"),
                           ("settings", "/account/notifications/")]:  # fmt: skip
            checker.goto(path)
            found[name] = axe_violations(checker)
        checker.context.close()
    page.context.close()
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_reader_without_an_account_is_told_following_needs_one(browser, live_server, scheme):
    story = make_article(headline="A story worth following")
    page = new_page(browser, live_server, scheme=scheme, viewport=PHONE)

    page.goto(story.get_absolute_url())
    page.get_by_role("button", name="Follow this story").click()

    page.get_by_role("heading", name="Following needs an account").wait_for()
    assert page.get_by_role("link", name="Create an account").is_visible()
    violations = axe_violations(page)
    page.context.close()
    assert not violations, describe({"needs an account": violations})


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_unsubscribe_link_asks_then_stops_the_emails(browser, live_server, scheme):
    account = make_account(email="ada@example.org", frequency="weekly")
    page = new_page(browser, live_server, scheme=scheme, viewport=PHONE)
    found = {}

    page.goto(reverse("notices:unsubscribe", args=[links.unsubscribe_token(account)]))
    found["confirm"] = axe_violations(page)
    page.get_by_role("button", name="Stop the emails").click()
    page.get_by_role("heading", name="Emails stopped").wait_for()
    found["stopped"] = axe_violations(page)
    page.context.close()

    assert Preferences.objects.get(account=account).email_frequency == "off"
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"
